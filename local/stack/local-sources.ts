import { LOCAL_OPTION_SOURCES } from '#local/stack/local-source-list.ts';
import { type SourceDependencies, sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import { sourceEnvironmentSchema } from '#shared/config/source-environment.ts';
import { ConfigError } from '#shared/errors.ts';
import { SOURCES } from '#shared/ingress/sources.ts';

export type { LocalJiraOptions } from '#shared/ingress/jira/source-local.ts';
export type { LocalSlackOptions } from '#shared/ingress/slack/source-local.ts';

type OptionSources = typeof LOCAL_OPTION_SOURCES;

/** Each chat and ticket source's options to the local stack, by source (its `source-local.ts`). */
export type LocalSourceOptions = {
  readonly [Id in keyof OptionSources]?: Parameters<OptionSources[Id]['variables']>[0];
};

const defined = (entries: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

/** Every variable of the chat and ticket sources (their `<source>-environment.ts`). */
const OPTION_SOURCE_VARIABLES = new Set(
  SOURCES.filter((source) => source.id in LOCAL_OPTION_SOURCES).flatMap((source) =>
    Object.keys(source.environment),
  ),
);

/**
 * Slack and Jira for the local stack: from the options (tests), else from the same `SLACK_*` /
 * `JIRA_*` variables as in AWS (`npm start` with them set), checked by the same schema.
 */
export const localSourceDependencies = (
  options: LocalSourceOptions,
  env: NodeJS.ProcessEnv = process.env,
): SourceDependencies => {
  const variables = {
    ...Object.fromEntries(Object.entries(env).filter(([name]) => OPTION_SOURCE_VARIABLES.has(name))),
    ...Object.assign(
      {},
      ...Object.entries(LOCAL_OPTION_SOURCES).map(([id, local]) => {
        const given = options[id as keyof OptionSources];
        return given ? defined(local.variables(given as never)) : {};
      }),
    ),
  };
  const parsed = sourceEnvironmentSchema.safeParse(variables);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`Invalid Slack/Jira settings for the local stack: ${problems}`);
  }
  return sourceDependenciesFrom(parsed.data, { timeoutMs: 10_000 });
};
