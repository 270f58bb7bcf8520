/** A function's part of a source's deployment: its secrets (variable → SSM name) and settings (variable → stage parameter). */
export interface SourceFunctionSettings {
  readonly secrets: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, string>>;
}

/**
 * A trigger source's deployment data, `shared/ingress/<source>/source.deploy.json`: its HTTP routes
 * (ingest's events in serverless.yml) and the secrets and settings it adds to each function that
 * needs them. `deploy/function-settings.cjs` generates the functions' environment, their roles'
 * parameter ARNs and ingest's routes from the same files.
 */
export interface SourceDeployment {
  readonly id: string;
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  readonly functions: Readonly<
    Partial<Record<'ingest' | 'validate' | 'create' | 'poll' | 'notify', SourceFunctionSettings>>
  >;
}

/**
 * A trigger source, `shared/ingress/<source>/source.ts`: the name its requests carry
 * (`requester.source`), its kind (an `alert` source's requests pass the scale-out gate), its
 * deployment and its environment variables. Registered in `shared/ingress/sources.ts`.
 */
export interface Source {
  readonly id: string;
  readonly kind: 'api' | 'chat' | 'alert' | 'ticket';
  readonly deployment: SourceDeployment;
  /** Its environment variables (zod/mini schemas by name), merged into the runtime schema. */
  readonly environment: Readonly<Record<string, unknown>>;
  /**
   * An alert source's part of the alert ingress settings (`alerts.<key>`, `alerts/alert-settings.ts`):
   * built from its environment variables at the cold start (a half-configured credential is a
   * ConfigError); `none` when nothing is configured, which refuses every request.
   */
  readonly settings?: SourceSettings;
  /**
   * A source that answers in place (a Slack channel, a Jira issue): its requests' completions are
   * posted there by its notifier (`sourceNotifiers.<id>`, `shared/ports/source-notifier.ts`);
   * `notConfigured` is what a delivery records when the function has none.
   */
  readonly answers?: { readonly notConfigured: string };
}

/** How a source's settings are built from its environment variables (`<source>-settings.ts`). */
export interface SourceSettings {
  readonly key: string;
  readonly from: (env: never) => unknown;
  readonly none: unknown;
}
