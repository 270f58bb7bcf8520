import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import {
  decideRemovalStep,
  type RemovalRefusalReason,
  type RemovalSafetyInput,
  type RemovalStep,
  type RemovalTrigger,
} from '#shared/domain/removal-safety.ts';
import { taggedReplica } from '#test/fixtures/replica-instances.ts';

const OURS = 'replica-flow-prod';
const PRIMARY = 'postgres-abcdef';
const ID = 'pgro-0000aaaa';

/** A running postpaid replica of PRIMARY that this deployment created, as DescribeDBInstances shows it. */
const ours = (overrides: Partial<DBInstance> = {}): DBInstance => taggedReplica(ID, overrides, OURS);

const ALERT: RemovalTrigger = { kind: 'alert' };
const ADMIN: RemovalTrigger = { kind: 'api', role: 'admin' };
const SUBMITTER: RemovalTrigger = { kind: 'api', role: 'submitter' };
const SLACK: RemovalTrigger = { kind: 'slack' };

const decide = (overrides: Partial<RemovalSafetyInput> = {}) =>
  decideRemovalStep({
    step: 'isolate',
    instanceId: ID,
    instance: ours(),
    primaryId: PRIMARY,
    deployment: OURS,
    trigger: ALERT,
    fleet: { currentReplicas: 3, minReplicas: 1 },
    ...overrides,
  });

const reasonOf = (overrides: Partial<RemovalSafetyInput>): RemovalRefusalReason | 'allowed' => {
  const decision = decide(overrides);
  return decision.allowed ? 'allowed' : decision.reason;
};

describe('decideRemovalStep: the removal invariants, each refusal named', () => {
  it.each<[string, Partial<RemovalSafetyInput>, RemovalRefusalReason | 'allowed']>([
    // The baseline: our running postpaid replica, above the minimum, from an alert.
    ['our running postpaid replica, from an alert above the minimum', {}, 'allowed'],

    // 1. Tencent must describe the very instance.
    ['an instance Tencent does not describe', { instance: undefined }, 'instance-not-found'],
    [
      'an answer about another instance id',
      { instance: ours({ DBInstanceId: 'pgro-other' }) },
      'instance-not-found',
    ],

    // 2. Only this deployment's replicas, by Tencent's own tags.
    ['an instance with no tags', { instance: ours({ TagList: [] }) }, 'foreign-instance'],
    ['an instance with no TagList at all', { instance: ours({ TagList: undefined }) }, 'foreign-instance'],
    [
      "another deployment's replica",
      {
        instance: ours({
          TagList: [
            { TagKey: REQUEST_TAG_KEY, TagValue: 'r-1' },
            { TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'replica-flow-staging' },
          ],
        }),
      },
      'foreign-instance',
    ],
    [
      'a replica made before the deployment tag existed (request tag only)',
      { instance: ours({ TagList: [{ TagKey: REQUEST_TAG_KEY, TagValue: 'r-1' }] }) },
      'foreign-instance',
    ],
    [
      'an instance someone tagged with our deployment but no request id',
      { instance: ours({ TagList: [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: OURS }] }) },
      'foreign-instance',
    ],
    [
      'an instance whose deployment tag differs only in case',
      {
        instance: ours({
          TagList: [
            { TagKey: REQUEST_TAG_KEY, TagValue: 'r-1' },
            { TagKey: DEPLOYMENT_TAG_KEY, TagValue: OURS.toUpperCase() },
          ],
        }),
      },
      'foreign-instance',
    ],
    [
      'a foreign instance even on an admin request',
      { instance: ours({ TagList: [] }), trigger: ADMIN },
      'foreign-instance',
    ],

    // 3. Never a primary.
    ['a primary carrying our tags', { instance: ours({ DBInstanceType: 'primary' }) }, 'primary-instance'],
    [
      'a primary, even on an admin request',
      { instance: ours({ DBInstanceType: 'primary' }), trigger: ADMIN },
      'primary-instance',
    ],
    [
      'a guard (disaster-recovery) instance',
      { instance: ours({ DBInstanceType: 'guard' }) },
      'primary-instance',
    ],
    ['an instance of unstated type', { instance: ours({ DBInstanceType: undefined }) }, 'primary-instance'],

    // 4. Only the request's primary's replicas.
    [
      "another primary's replica",
      { instance: ours({ MasterDBInstanceId: 'postgres-other' }) },
      'other-primary',
    ],
    [
      'a replica of no stated primary',
      { instance: ours({ MasterDBInstanceId: undefined }) },
      'other-primary',
    ],

    // 5. Status per step.
    [
      'isolating an instance already isolating',
      { instance: ours({ DBInstanceStatus: 'isolating' }) },
      'status-not-allowed',
    ],
    [
      'isolating an instance still creating',
      { instance: ours({ DBInstanceStatus: 'initing' }) },
      'status-not-allowed',
    ],
    ['destroying a running instance', { step: 'destroy' }, 'status-not-allowed'],
    [
      'destroying an isolated instance',
      { step: 'destroy', instance: ours({ DBInstanceStatus: 'isolated' }) },
      'allowed',
    ],
    ['leaving the group while running', { step: 'leave-group' }, 'allowed'],
    ['lifting protection while running', { step: 'lift-protection' }, 'allowed'],
    [
      'an instance of unstated status',
      { instance: ours({ DBInstanceStatus: undefined }) },
      'status-not-allowed',
    ],

    // 6. Prepaid only by an explicit admin request.
    ['a prepaid replica from an alert', { instance: ours({ PayType: 'prepaid' }) }, 'prepaid-needs-admin'],
    [
      'a prepaid replica from a submitter key',
      { instance: ours({ PayType: 'prepaid' }), trigger: SUBMITTER },
      'prepaid-needs-admin',
    ],
    [
      'a prepaid replica from an approver key',
      { instance: ours({ PayType: 'prepaid' }), trigger: { kind: 'api', role: 'approver' } },
      'prepaid-needs-admin',
    ],
    [
      'a prepaid replica from Slack',
      { instance: ours({ PayType: 'prepaid' }), trigger: SLACK },
      'prepaid-needs-admin',
    ],
    [
      'a replica of unstated charge type from an alert',
      { instance: ours({ PayType: undefined }) },
      'prepaid-needs-admin',
    ],
    [
      'a prepaid replica from an admin key',
      { instance: ours({ PayType: 'prepaid' }), trigger: ADMIN },
      'allowed',
    ],
    [
      'destroying an isolated prepaid replica from an alert',
      { step: 'destroy', instance: ours({ PayType: 'prepaid', DBInstanceStatus: 'isolated' }) },
      'prepaid-needs-admin',
    ],

    // 7. Never below the minimum through an alert.
    ['an alert at the minimum', { fleet: { currentReplicas: 1, minReplicas: 1 } }, 'below-minimum'],
    ['an alert one above the minimum', { fleet: { currentReplicas: 2, minReplicas: 1 } }, 'allowed'],
    [
      'an alert already below the minimum',
      { fleet: { currentReplicas: 0, minReplicas: 2 } },
      'below-minimum',
    ],
    [
      'an alert with a minimum of 0 and one replica',
      { fleet: { currentReplicas: 1, minReplicas: 0 } },
      'allowed',
    ],
    ['an alert without the fleet count', { fleet: undefined }, 'below-minimum'],
    [
      'an alert with an unreadable count',
      { fleet: { currentReplicas: Number.NaN, minReplicas: 1 } },
      'below-minimum',
    ],
    [
      'an alert at the minimum leaving the group',
      { step: 'leave-group', fleet: { currentReplicas: 1, minReplicas: 1 } },
      'below-minimum',
    ],
    [
      'an alert destroying an already isolated replica at the minimum (it serves no reads already)',
      {
        step: 'destroy',
        instance: ours({ DBInstanceStatus: 'isolated' }),
        fleet: { currentReplicas: 1, minReplicas: 1 },
      },
      'allowed',
    ],
    [
      'an explicit API request at the minimum',
      { trigger: SUBMITTER, fleet: { currentReplicas: 1, minReplicas: 1 } },
      'allowed',
    ],
    [
      'an explicit Slack request at the minimum',
      { trigger: SLACK, fleet: { currentReplicas: 1, minReplicas: 1 } },
      'allowed',
    ],
  ])('%s: %s', (_, overrides, expected) => {
    expect(reasonOf(overrides)).toBe(expected);
  });

  it('checks the rules in order: a foreign primary is refused as foreign first, then as a primary', () => {
    expect(reasonOf({ instance: ours({ TagList: [], DBInstanceType: 'primary' }) })).toBe('foreign-instance');
    expect(reasonOf({ instance: ours({ DBInstanceType: 'primary', PayType: 'prepaid' }) })).toBe(
      'primary-instance',
    );
  });

  it('names the instance and the broken rule in its message', () => {
    const decision = decide({
      instance: ours({
        TagList: [
          { TagKey: REQUEST_TAG_KEY, TagValue: 'r-1' },
          { TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'replica-flow-staging' },
        ],
      }),
    });

    expect(decision).toEqual({
      allowed: false,
      reason: 'foreign-instance',
      message: expect.stringMatching(
        /pgro-0000aaaa.*replica-flow-deployment=replica-flow-staging.*replica-flow-prod/,
      ),
    });
  });

  it.each<RemovalStep>(['leave-group', 'lift-protection', 'isolate', 'destroy'])(
    'refuses %s on a foreign or primary instance whatever the trigger and status',
    (step) => {
      for (const trigger of [ALERT, ADMIN, SUBMITTER, SLACK]) {
        for (const status of ['running', 'isolated']) {
          const base = { step, trigger, fleet: { currentReplicas: 10, minReplicas: 0 } };
          expect(reasonOf({ ...base, instance: ours({ TagList: [], DBInstanceStatus: status }) })).toBe(
            'foreign-instance',
          );
          expect(
            reasonOf({ ...base, instance: ours({ DBInstanceType: 'primary', DBInstanceStatus: status }) }),
          ).toBe('primary-instance');
        }
      }
    },
  );
});
