import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '#shared/config/dependencies.ts';
import { runtimeEnvironmentSchema } from '#shared/config/runtime-config.ts';
import { SECRET_VARIABLES } from '#shared/config/secrets.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { ingressRoutes } from '#shared/ingress/routes.ts';
import { SOURCE_DEPLOYMENTS, SOURCES } from '#shared/ingress/sources.ts';
import { systemClock } from '#shared/ports/clock.ts';
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
});
