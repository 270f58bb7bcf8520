import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Plugin {
  readonly hooks: Record<string, () => unknown>;
}
type PluginClass = new (serverless: unknown, options: Record<string, unknown>) => Plugin;

const StagePlugin = createRequire(import.meta.url)('../../deploy/stage-plugin.cjs') as PluginClass;

/** Just the part of osls the plugin touches: the provider's stage, naming and requests; the service's custom block. */
const serverlessFor = (stage: string, terminationProtection: unknown) => {
  const requests: { service: string; method: string; params: unknown }[] = [];
  const serverless = {
    classes: { Error },
    cli: { log: () => undefined },
    service: { custom: { terminationProtection } },
    getProvider: () => ({
      getStage: () => stage,
      naming: { getStackName: () => `replica-flow-${stage}` },
      request: async (service: string, method: string, params: unknown) => {
        requests.push({ service, method, params });
        return {};
      },
    }),
  };
  return { plugin: new StagePlugin(serverless, {}), requests };
};

describe('the stage plugin', () => {
  it('turns termination protection on after a deploy of a stage that asks for it (prod)', async () => {
    const { plugin, requests } = serverlessFor('prod', true);
    await plugin.hooks['after:deploy:deploy']?.();
    expect(requests).toEqual([
      {
        service: 'CloudFormation',
        method: 'updateTerminationProtection',
        params: { StackName: 'replica-flow-prod', EnableTerminationProtection: true },
      },
    ]);
  });

  it('turns it off for a stage that does not ask for it, so switching the parameter off takes effect', async () => {
    const { plugin, requests } = serverlessFor('dev', 'false');
    await plugin.hooks['after:deploy:deploy']?.();
    expect(requests.map(({ params }) => params)).toEqual([
      { StackName: 'replica-flow-dev', EnableTerminationProtection: false },
    ]);
  });

  it('refuses to package or deploy the local stage, and lets any other stage through', () => {
    const local = serverlessFor('local', false).plugin;
    expect(() => local.hooks['before:package:initialize']?.()).toThrow(/never packaged/);
    expect(() => local.hooks['before:deploy:deploy']?.()).toThrow(/never deployed/);
    const prod = serverlessFor('prod', true).plugin;
    expect(prod.hooks['before:package:initialize']?.()).toBeUndefined();
  });
});
