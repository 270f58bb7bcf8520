import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CreateFunctionDependencies, createDependencies } from '#functions/create.deps.ts';
import { buildCreateHandler } from '#functions/create.ts';
import type { IngestFunctionDependencies } from '#functions/ingest.deps.ts';
import { ingestDependencies } from '#functions/ingest.deps.ts';
import type { NotifyFunctionDependencies } from '#functions/notify.deps.ts';
import { notifyDependencies } from '#functions/notify.deps.ts';
import { buildNotifyHandler } from '#functions/notify.ts';
import { pollDependencies } from '#functions/poll.deps.ts';
import type { buildPollHandler } from '#functions/poll.ts';
import { validateDependencies } from '#functions/validate.deps.ts';
import type { buildValidateHandler } from '#functions/validate.ts';
import { LOCAL_SETTINGS } from '#local/stack/local-stack.ts';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { defaultSettings } from '#shared/config/dependencies.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { SETTING_DEFAULTS } from '#shared/config/setting-defaults.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import type { ApiRouteDependencies } from '#shared/ingress/api/submit-route.ts';
import type { JiraRouteDependencies } from '#shared/ingress/jira/jira-route.ts';
import type { SlackRouteDependencies } from '#shared/ingress/slack/slack-route.ts';
import type { NotifyDependencies } from '#shared/use-cases/send-notification.ts';

type PortName = Exclude<keyof PortBuilders, 'settings' | 'clock'>;

/** Port builders that record which ports a function's wiring built; every port is a distinct stand-in. */
const recordingPorts = () => {
  const built = new Set<PortName>();
  const port =
    <Value>(name: PortName, value: Value) =>
    () => {
      built.add(name);
      return value;
    };
  const ports: PortBuilders = {
    settings: defaultSettings(),
    clock: { now: () => new Date(0) },
    store: port('store', { stand: 'store' } as unknown as Dependencies['store']),
    queue: port('queue', { stand: 'queue' } as unknown as Dependencies['queue']),
    apiKeys: port('apiKeys', []),
    deadLetters: port('deadLetters', {}),
    telemetry: port('telemetry', {}),
    ingress: port('ingress', {}),
    sourceNotifiers: port('sourceNotifiers', {}),
  };
  return { ports, built };
};

const tencent = { stand: 'tencent' } as unknown as Dependencies['tencent'];
const webhooks = { stand: 'webhooks' } as unknown as Dependencies['webhooks'];
const policy = { stand: 'policy' } as unknown as Dependencies['policy'];

describe("each function's wiring", () => {
  it.each([
    [
      'ingest',
      (ports: PortBuilders) => ingestDependencies(ports, policy),
      ['store', 'queue', 'apiKeys', 'ingress', 'sourceNotifiers', 'telemetry'],
    ],
    [
      'validate',
      (ports: PortBuilders) => validateDependencies(ports, { tencent, policy }),
      ['store', 'queue', 'ingress', 'deadLetters', 'telemetry'],
    ],
    [
      'create',
      (ports: PortBuilders) => createDependencies(ports, tencent),
      ['store', 'queue', 'deadLetters', 'telemetry'],
    ],
    [
      'poll',
      (ports: PortBuilders) => pollDependencies(ports, tencent, policy),
      ['store', 'queue', 'deadLetters', 'telemetry'],
    ],
    [
      'notify',
      (ports: PortBuilders) => notifyDependencies(ports, webhooks),
      ['store', 'queue', 'sourceNotifiers', 'deadLetters', 'telemetry'],
    ],
  ] as const)('builds for %s exactly the ports it takes', (_name, wire, expected) => {
    const { ports, built } = recordingPorts();
    wire(ports);
    expect([...built].sort()).toEqual([...expected].sort());
  });

  it('gives Tencent only to the functions that call it, and the webhook sender only to notify', () => {
    const { ports } = recordingPorts();
    expect(ingestDependencies(ports, policy)).not.toHaveProperty('tencent');
    expect(notifyDependencies(ports, webhooks)).not.toHaveProperty('tencent');
    expect(createDependencies(ports, tencent)).not.toHaveProperty('webhooks');
    // The poller restores each primary's scaleOut.minReplicas and steps scale-in: it reads the policy.
    expect(pollDependencies(ports, tencent, policy).policy).toBe(policy);
    expect(createDependencies(ports, tencent).tencent).toBe(tencent);
  });

  it('refuses, at compile time, a handler given wiring without a port it uses', () => {
    const { ports } = recordingPorts();
    const { tencent: _dropped, ...withoutTencent } = createDependencies(ports, tencent);
    // @ts-expect-error the create handler calls Tencent: wiring without it does not compile.
    expect(() => buildCreateHandler(withoutTencent)).not.toThrow();
    const { webhooks: _none, ...withoutWebhooks } = notifyDependencies(ports, webhooks);
    // @ts-expect-error the notify handler sends webhooks: wiring without a sender does not compile.
    expect(() => buildNotifyHandler(withoutWebhooks)).not.toThrow();
    // @ts-expect-error a wiring that forgets a port it declares does not compile.
    const forgotten: CreateFunctionDependencies = {
      store: ports.store(),
      queue: ports.queue(),
      clock: ports.clock,
      settings: ports.settings,
    };
    expect(forgotten).not.toHaveProperty('tencent');

    expectTypeOf(withoutTencent).not.toMatchTypeOf<Parameters<typeof buildCreateHandler>[0]>();
    expectTypeOf<Parameters<typeof buildNotifyHandler>[0]>().not.toHaveProperty('policy');
    expectTypeOf<Parameters<typeof buildValidateHandler>[0]>().not.toHaveProperty('webhooks');
    expectTypeOf<Parameters<typeof buildPollHandler>[0]>().not.toHaveProperty('webhooks');
  });
});

/** The ports `Route` takes (optional ones too) that `Wiring` does not have: `never` when it has them all. */
type Unwired<Route, Wiring> = Exclude<Extract<keyof Route, keyof Dependencies>, keyof Wiring>;

describe("ingest's and notify's wiring", () => {
  it('has every port, optional ones included, that a route or use case of the function can take', () => {
    expectTypeOf<Unwired<JiraRouteDependencies, IngestFunctionDependencies>>().toEqualTypeOf<never>();
    expectTypeOf<Unwired<SlackRouteDependencies, IngestFunctionDependencies>>().toEqualTypeOf<never>();
    expectTypeOf<Unwired<AlertRouteDependencies, IngestFunctionDependencies>>().toEqualTypeOf<never>();
    expectTypeOf<Unwired<ApiRouteDependencies, IngestFunctionDependencies>>().toEqualTypeOf<never>();
    expectTypeOf<Unwired<NotifyDependencies, NotifyFunctionDependencies>>().toEqualTypeOf<never>();
    // The check sees an optional port left out: without the notifiers, Jira's route would lose its commenter.
    type WithoutNotifiers = Omit<IngestFunctionDependencies, 'sourceNotifiers'>;
    expectTypeOf<Unwired<JiraRouteDependencies, WithoutNotifiers>>().toEqualTypeOf<'sourceNotifiers'>();
    const { ports } = recordingPorts();
    expect(ingestDependencies(ports, policy)).toHaveProperty('sourceNotifiers');
  });
});

describe('the settings defaults', () => {
  it('are what Lambda reads from an environment that sets none', () => {
    const env = readRuntimeEnvironment({});
    for (const [variable, value] of Object.entries(SETTING_DEFAULTS)) {
      expect(env[variable as keyof typeof SETTING_DEFAULTS], variable).toBe(value);
    }
  });

  it('are where the local stack starts, overriding only the waits it shortens and localMode', () => {
    const defaults = defaultSettings();
    const overridden = Object.keys(LOCAL_SETTINGS).filter(
      (key) =>
        JSON.stringify(LOCAL_SETTINGS[key as keyof typeof LOCAL_SETTINGS]) !==
        JSON.stringify(defaults[key as keyof typeof defaults]),
    );
    expect(overridden.sort()).toEqual(
      [
        'leaseMs',
        'localMode',
        'pollLockMs',
        'provisioningTimeoutMs',
        'requeueAfterMs',
        'retryBackoff',
        'visibilityGraceMs',
      ].sort(),
    );
    expect(LOCAL_SETTINGS.webhookRetryWindowMs).toBe(SETTING_DEFAULTS.WEBHOOK_RETRY_WINDOW_SECONDS * 1000);
  });
});
