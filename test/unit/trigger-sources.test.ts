import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { alertLines } from '#local/cli/alert-lines.ts';
import {
  generateLocalAlertCredentials,
  LOCAL_ALERTS,
  localAlertCredentialsSchema,
  localAlertSettings,
} from '#local/stack/local-alert-credentials.ts';
import { LOCAL_ALERT_SOURCES, LOCAL_OPTION_SOURCES } from '#local/stack/local-source-list.ts';
import { defaultSettings } from '#shared/config/dependencies.ts';
import { runtimeEnvironmentSchema } from '#shared/config/runtime-config.ts';
import { SECRET_VARIABLES } from '#shared/config/secrets.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { ALERT_SOURCES, alertSettingsFrom, NO_ALERT_SOURCES } from '#shared/ingress/alerts/alert-settings.ts';
import { ingressRoutes } from '#shared/ingress/routes.ts';
import { SOURCE_ROUTES } from '#shared/ingress/source-routes.ts';
import { ANSWERING_SOURCES, SOURCE_DEPLOYMENTS, SOURCES } from '#shared/ingress/sources.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { deliverTo, targetsOf } from '#shared/use-cases/notification-targets.ts';
import { notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

interface FunctionSettingsModule {
  sourceDeployments(): { id: string }[];
  functionsWithSources(): Record<
    string,
    { secrets: Record<string, string>; settings: Record<string, string> }
  >;
}
const functionSettings = createRequire(import.meta.url)(
  '../../deploy/function-settings.cjs',
) as FunctionSettingsModule;

describe('the trigger sources', () => {
  it('are the same in the code (sources.ts) and in the deployment (every source.deploy.json)', () => {
    const deployed = functionSettings.sourceDeployments().map((source) => source.id);
    expect([...deployed].sort()).toEqual(SOURCES.map((source) => source.id).sort());
    expect(new Set(deployed).size).toBe(deployed.length);
  });

  it('route exactly the paths that ingest serves', () => {
    const routes = ingressRoutes({
      store: new InMemoryStore(),
      queue: new RecordingQueue(),
      clock: systemClock,
      policy: {} as Policy,
      apiKeys: [],
      settings: defaultSettings(),
    }).map((route) => `${route.method} ${route.path}`);
    const declared = SOURCE_DEPLOYMENTS.flatMap((source) =>
      source.routes.map((route) => `${route.method} ${route.path}`),
    );
    expect([...declared].sort()).toEqual([...routes].sort());
  });

  it('declare only secrets and settings that the functions read from their environment', () => {
    const known = new Set(Object.keys(runtimeEnvironmentSchema.shape));
    for (const source of SOURCE_DEPLOYMENTS) {
      for (const [name, part] of Object.entries(source.functions)) {
        for (const variable of [...Object.keys(part.secrets), ...Object.keys(part.settings)]) {
          expect(known.has(variable), `${source.id} gives ${name} ${variable}`).toBe(true);
        }
      }
    }
  });

  it('name each deployment after its source', () => {
    expect(SOURCES.map((source) => source.deployment.id)).toEqual(SOURCES.map((source) => source.id));
  });

  it('have each secret loaded as a secret and given only to the functions the source names', () => {
    const functions = functionSettings.functionsWithSources();
    for (const source of SOURCE_DEPLOYMENTS) {
      for (const [name, part] of Object.entries(source.functions)) {
        for (const [variable, parameter] of Object.entries(part.secrets)) {
          expect(SECRET_VARIABLES).toContain(variable);
          expect(functions[name]?.secrets[variable]).toBe(parameter);
        }
      }
    }
    expect(Object.keys(functions.create?.secrets ?? {}).sort()).toEqual([
      'TENCENTCLOUD_SECRET_ID',
      'TENCENTCLOUD_SECRET_KEY',
    ]);
  });

  it('give every route but the generic API its lazily imported module in source-routes.ts', () => {
    const declared = SOURCE_DEPLOYMENTS.filter((source) => source.id !== 'api').flatMap((source) =>
      source.routes.map((route) => `${route.method} ${route.path}`),
    );
    expect(Object.keys(SOURCE_ROUTES).sort()).toEqual([...declared].sort());
  });

  it('give every alert source its settings, under a key of its own, built from its environment', () => {
    const alertIds = SOURCES.filter((source) => source.kind === 'alert').map((source) => source.id);
    expect(ALERT_SOURCES.map((source) => source.id)).toEqual(alertIds);
    const keys = ALERT_SOURCES.map((source) => source.settings.key);
    expect(new Set(keys).size).toBe(keys.length);
    const built = alertSettingsFrom(runtimeEnvironmentSchema.parse({}));
    for (const key of keys) {
      expect(built, key).toHaveProperty(key);
      expect(NO_ALERT_SOURCES, key).toHaveProperty(key);
    }
  });

  it('give every alert source its local pieces (source-local.ts) in local/stack/local-source-list.ts', () => {
    expect(Object.keys(LOCAL_ALERT_SOURCES).sort()).toEqual(ALERT_SOURCES.map((source) => source.id).sort());
    for (const [id, local] of Object.entries(LOCAL_ALERT_SOURCES)) expect(local.id).toBe(id);
    const names = LOCAL_ALERTS.flatMap(({ local }) => Object.keys(local.credentials));
    expect(new Set(names).size, 'credential names are unique across sources').toBe(names.length);
  });

  it('generate local credentials that pass their own rules, and give each alert source settings from them', () => {
    const credentials = generateLocalAlertCredentials();
    expect(localAlertCredentialsSchema.parse(credentials)).toEqual(credentials);
    const settings = localAlertSettings(credentials);
    for (const { source, local } of LOCAL_ALERTS) {
      expect(Object.keys(local.generate()).sort(), source.id).toEqual(Object.keys(local.credentials).sort());
      expect(settings[source.settings.key], source.id).not.toEqual(source.settings.none);
    }
  });

  it('print a local line for every alert route, with its credential', () => {
    const credentials = generateLocalAlertCredentials();
    const lines = alertLines('http://127.0.0.1:8080', credentials).join('\n');
    for (const { source, local } of LOCAL_ALERTS) {
      for (const route of source.deployment.routes) {
        expect(lines, `${source.id} ${route.path}`).toContain(route.path.replace(/\/\{[^}]+\}$/, ''));
      }
      for (const name of Object.keys(local.credentials)) {
        const value = (credentials as Record<string, string>)[name] ?? '';
        expect(lines, `${source.id} ${name}`).toContain(value);
      }
    }
  });

  it('take an alert source from the environment for `npm start` only by its own variables', () => {
    for (const { source, local } of LOCAL_ALERTS) {
      expect(local.fromEnvironmentWhenSet.length, source.id).toBeGreaterThan(0);
      for (const variable of local.fromEnvironmentWhenSet) {
        expect(Object.keys(source.environment), `${source.id} ${variable}`).toContain(variable);
      }
    }
  });

  it('tell of a completion in place only the sources that answer there, and say so when one has no notifier', async () => {
    expect(ANSWERING_SOURCES.map((source) => source.id).sort()).toEqual(['jira', 'slack']);
    const rules = { localMode: true, allowedHosts: [] };
    for (const source of SOURCES) {
      const fixture = requestRecord();
      const record = { ...fixture, requester: { ...fixture.requester, source: source.id } };
      const answers = ANSWERING_SOURCES.some((answering) => answering.id === source.id);
      expect(targetsOf(record, rules).includes(source.id as never), source.id).toBe(answers);
      if (answers) {
        const attempt = await deliverTo(source.id as never, record, notification('PENDING'), new Date(), {
          webhooks: { send: async () => ({ ok: true, durationMs: 0 }) },
        });
        expect(attempt).toMatchObject({ target: source.id, ok: false });
        expect(attempt.error, source.id).toMatch(/is not configured/);
      }
    }
  });

  it('give every chat and ticket source its local options, turned into its own variables only', () => {
    const optioned = SOURCES.filter((source) => source.kind === 'chat' || source.kind === 'ticket');
    expect(Object.keys(LOCAL_OPTION_SOURCES).sort()).toEqual(optioned.map((source) => source.id).sort());
    const samples = {
      slack: LOCAL_OPTION_SOURCES.slack.variables({ signingSecret: 's', botToken: 'b', apiUrl: 'u' }),
      jira: LOCAL_OPTION_SOURCES.jira.variables({ webhookSecret: 's', projects: ['OPS'], baseUrl: 'u' }),
    };
    for (const source of optioned) {
      const variables = Object.keys(samples[source.id as keyof typeof samples]);
      expect(variables.length, source.id).toBeGreaterThan(0);
      for (const variable of variables) {
        expect(Object.keys(source.environment), `${source.id} ${variable}`).toContain(variable);
      }
    }
  });
});
