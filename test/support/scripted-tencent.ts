import type {
  DBInstance,
  DescribeDBInstancesRequest,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import {
  isReadOnlyAction,
  TencentApiError,
  type TencentFailureKind,
} from '#shared/adapters/tencent/tencent-api-error.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

type Port = TencentPostgres;
export type TencentMethod = keyof Port;
type RequestOf<M extends TencentMethod> = Parameters<Port[M]>[1];
type ResponseOf<M extends TencentMethod> = Awaited<ReturnType<Port[M]>>;

/** The API action name of each port method, as the adapter names it in a `TencentApiError`. */
const ACTIONS: Readonly<Record<TencentMethod, string>> = {
  createReadOnlyDBInstance: 'CreateReadOnlyDBInstance',
  describeOrders: 'DescribeOrders',
  describeDBInstances: 'DescribeDBInstances',
  describeDBInstanceAttribute: 'DescribeDBInstanceAttribute',
  describeZones: 'DescribeZones',
  describeClasses: 'DescribeClasses',
  describeReadOnlyGroups: 'DescribeReadOnlyGroups',
  inquiryPriceCreateDBInstances: 'InquiryPriceCreateDBInstances',
  describeTasks: 'DescribeTasks',
  createReadOnlyGroup: 'CreateReadOnlyGroup',
  addDBInstanceToReadOnlyGroup: 'AddDBInstanceToReadOnlyGroup',
  removeDBInstanceFromReadOnlyGroup: 'RemoveDBInstanceFromReadOnlyGroup',
  modifyReadOnlyGroupConfig: 'ModifyReadOnlyGroupConfig',
  deleteReadOnlyGroup: 'DeleteReadOnlyGroup',
  modifyDBInstanceDeletionProtection: 'ModifyDBInstanceDeletionProtection',
  isolateDBInstances: 'IsolateDBInstances',
  disIsolateDBInstances: 'DisIsolateDBInstances',
  destroyDBInstance: 'DestroyDBInstance',
};

/**
 * One answer of the script: a response, a failure of one of the kinds the adapter reports, or a
 * function of the request (to answer from what was asked, e.g. the filters of a DescribeDBInstances).
 */
export type Answer<M extends TencentMethod> =
  | { readonly ok: ResponseOf<M> }
  | { readonly fail: Failure }
  | ((request: RequestOf<M>, region: string) => ResponseOf<M> | Failure);

/**
 * A failure as the SDK raises it, translated by the product's own `TencentApiError` (so its kind is
 * the product's classification, not the fake's):
 * - `business`: an error answer the request cannot get past (default `InvalidParameterValue.IllegalZone`);
 * - `throttled`: `RequestLimitExceeded`;
 * - `retryable`: an error answer that created nothing (default `ResourceBusy`), or `ECONNREFUSED`;
 * - `ambiguous`: no answer after the request was sent (default: a timeout), or `InternalError`.
 */
export interface Failure {
  readonly kind: TencentFailureKind;
  /** The Tencent error code; absent = a network failure (see `network`). */
  readonly code?: string;
  /** For a failure without a code: what the socket did. */
  readonly network?: 'timeout' | 'reset' | 'refused';
}

export const failure = {
  business: (code = 'InvalidParameterValue.IllegalZone'): Failure => ({ kind: 'business', code }),
  throttled: (code = 'RequestLimitExceeded'): Failure => ({ kind: 'throttled', code }),
  retryable: (code = 'ResourceBusy'): Failure => ({ kind: 'retryable', code }),
  /** Sent, and no answer came back: the call may or may not have been applied. */
  timeout: (): Failure => ({ kind: 'ambiguous', network: 'timeout' }),
  /** The connection was reset after the request went out. */
  reset: (): Failure => ({ kind: 'ambiguous', network: 'reset' }),
  /** Never connected: nothing was sent. */
  refused: (): Failure => ({ kind: 'retryable', network: 'refused' }),
  internalError: (): Failure => ({ kind: 'ambiguous', code: 'InternalError' }),
} as const;

const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && 'kind' in value;

const NETWORK_MESSAGES = {
  timeout: 'network error: The user aborted a request (timeout of 10000 ms)',
  reset:
    'network error: request to https://postgres.tencentcloudapi.com/ failed, reason: socket hang up (ECONNRESET)',
  refused:
    'network error: request to https://postgres.tencentcloudapi.com/ failed, reason: connect ECONNREFUSED',
} as const;

let sdkRequestIds = 0;

/** The error the product's adapter throws for `failure` on `action` (its `TencentApiError`, SDK cause inside). */
export const tencentError = (action: string, failure: Failure): TencentApiError => {
  sdkRequestIds += 1;
  const cause = Object.assign(
    new Error(failure.code ? `${failure.code}: scripted` : NETWORK_MESSAGES[failure.network ?? 'timeout']),
    {
      requestId: failure.code ? `scripted-${sdkRequestIds}` : '',
      traceId: '',
      ...(failure.code ? { code: failure.code } : {}),
    },
  );
  const error = new TencentApiError(action, cause);
  // A read that gets no answer is simply retryable (the product's rule): only the create is ambiguous.
  const expected = failure.kind === 'ambiguous' && isReadOnlyAction(action) ? 'retryable' : failure.kind;
  if (error.kind !== expected) {
    throw new Error(
      `scripted-tencent: ${failure.code ?? failure.network} on ${action} is ${error.kind}, not ${expected}`,
    );
  }
  return error;
};

export interface RecordedCall {
  readonly method: TencentMethod;
  readonly region: string;
  readonly request: unknown;
}

/**
 * A Tencent that answers from a script, per method, in order: `script(method, ...answers)` queues
 * answers; once a method's queue is empty its `otherwise` answer is used (by default an empty
 * answer). Every call is recorded in `calls`, failed ones included.
 */
export class ScriptedTencent implements TencentPostgres {
  readonly calls: RecordedCall[] = [];
  private readonly queued = new Map<TencentMethod, Answer<never>[]>();
  private readonly fallback = new Map<TencentMethod, Answer<never>>();

  /** Queues answers for the next calls of `method`. */
  script<M extends TencentMethod>(method: M, ...answers: Answer<M>[]): this {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...(answers as Answer<never>[])]);
    return this;
  }

  /** The answer for every call of `method` once its script is used up. */
  otherwise<M extends TencentMethod>(method: M, answer: Answer<M>): this {
    this.fallback.set(method, answer as Answer<never>);
    return this;
  }

  /** The calls of one method. */
  callsOf<M extends TencentMethod>(method: M): { readonly region: string; readonly request: RequestOf<M> }[] {
    return this.calls
      .filter((call) => call.method === method)
      .map((call) => ({ region: call.region, request: call.request as RequestOf<M> }));
  }

  createReadOnlyDBInstance(region: string, request: RequestOf<'createReadOnlyDBInstance'>) {
    return this.answer('createReadOnlyDBInstance', region, request);
  }
  describeOrders(region: string, request: RequestOf<'describeOrders'>) {
    return this.answer('describeOrders', region, request);
  }
  describeDBInstances(region: string, request: RequestOf<'describeDBInstances'>) {
    return this.answer('describeDBInstances', region, request);
  }
  describeDBInstanceAttribute(region: string, request: RequestOf<'describeDBInstanceAttribute'>) {
    return this.answer('describeDBInstanceAttribute', region, request);
  }
  describeZones(region: string, request: RequestOf<'describeZones'>) {
    return this.answer('describeZones', region, request);
  }
  describeClasses(region: string, request: RequestOf<'describeClasses'>) {
    return this.answer('describeClasses', region, request);
  }
  describeReadOnlyGroups(region: string, request: RequestOf<'describeReadOnlyGroups'>) {
    return this.answer('describeReadOnlyGroups', region, request);
  }
  inquiryPriceCreateDBInstances(region: string, request: RequestOf<'inquiryPriceCreateDBInstances'>) {
    return this.answer('inquiryPriceCreateDBInstances', region, request);
  }
  describeTasks(region: string, request: RequestOf<'describeTasks'>) {
    return this.answer('describeTasks', region, request);
  }
  createReadOnlyGroup(region: string, request: RequestOf<'createReadOnlyGroup'>) {
    return this.answer('createReadOnlyGroup', region, request);
  }
  addDBInstanceToReadOnlyGroup(region: string, request: RequestOf<'addDBInstanceToReadOnlyGroup'>) {
    return this.answer('addDBInstanceToReadOnlyGroup', region, request);
  }
  removeDBInstanceFromReadOnlyGroup(region: string, request: RequestOf<'removeDBInstanceFromReadOnlyGroup'>) {
    return this.answer('removeDBInstanceFromReadOnlyGroup', region, request);
  }
  modifyReadOnlyGroupConfig(region: string, request: RequestOf<'modifyReadOnlyGroupConfig'>) {
    return this.answer('modifyReadOnlyGroupConfig', region, request);
  }
  deleteReadOnlyGroup(region: string, request: RequestOf<'deleteReadOnlyGroup'>) {
    return this.answer('deleteReadOnlyGroup', region, request);
  }
  modifyDBInstanceDeletionProtection(
    region: string,
    request: RequestOf<'modifyDBInstanceDeletionProtection'>,
  ) {
    return this.answer('modifyDBInstanceDeletionProtection', region, request);
  }
  isolateDBInstances(region: string, request: RequestOf<'isolateDBInstances'>) {
    return this.answer('isolateDBInstances', region, request);
  }
  disIsolateDBInstances(region: string, request: RequestOf<'disIsolateDBInstances'>) {
    return this.answer('disIsolateDBInstances', region, request);
  }
  destroyDBInstance(region: string, request: RequestOf<'destroyDBInstance'>) {
    return this.answer('destroyDBInstance', region, request);
  }

  private async answer<M extends TencentMethod>(
    method: M,
    region: string,
    request: RequestOf<M>,
  ): Promise<ResponseOf<M>> {
    this.calls.push({ method, region, request: structuredClone(request) });
    const answer = (this.queued.get(method)?.shift() ??
      this.fallback.get(method) ??
      EMPTY[method]) as Answer<M>;
    const given =
      typeof answer === 'function' ? answer(request, region) : 'fail' in answer ? answer.fail : answer.ok;
    if (isFailure(given)) throw tencentError(ACTIONS[method], given);
    return structuredClone({
      RequestId: `scripted-${method}-${this.calls.length}`,
      ...given,
    }) as ResponseOf<M>;
  }
}

const EMPTY: Readonly<Record<TencentMethod, Answer<never>>> = {
  createReadOnlyDBInstance: { ok: {} as never },
  describeOrders: { ok: { TotalCount: 0, Deals: [] } as never },
  describeDBInstances: { ok: { TotalCount: 0, DBInstanceSet: [] } as never },
  describeDBInstanceAttribute: { fail: failure.business('ResourceNotFound.InstanceNotFoundError') },
  describeZones: { ok: { TotalCount: 0, ZoneSet: [] } as never },
  describeClasses: { ok: { ClassInfoSet: [] } as never },
  describeReadOnlyGroups: { ok: { TotalCount: 0, ReadOnlyGroupList: [] } as never },
  inquiryPriceCreateDBInstances: { ok: { OriginalPrice: 26000, Price: 23400, Currency: 'CNY' } as never },
  describeTasks: { ok: { TotalCount: 0, TaskSet: [] } as never },
  createReadOnlyGroup: { ok: { ReadOnlyGroupId: 'pgrogrp-scripted', FlowId: 1, TaskId: 1 } as never },
  addDBInstanceToReadOnlyGroup: { ok: { FlowId: 1, TaskId: 1 } as never },
  removeDBInstanceFromReadOnlyGroup: { ok: { FlowId: 1, TaskId: 1 } as never },
  modifyReadOnlyGroupConfig: { ok: {} as never },
  deleteReadOnlyGroup: { ok: { FlowId: 1 } as never },
  modifyDBInstanceDeletionProtection: { ok: {} as never },
  isolateDBInstances: { ok: {} as never },
  disIsolateDBInstances: { ok: {} as never },
  destroyDBInstance: { ok: {} as never },
};

/** A replica as DescribeDBInstances shows it. */
export const replica = (
  id: string,
  status: string,
  options: { readonly requestId?: string; readonly name?: string } = {},
): DBInstance =>
  ({
    DBInstanceId: id,
    DBInstanceStatus: status,
    ...(options.name ? { DBInstanceName: options.name } : {}),
    ...(options.requestId ? { TagList: [{ TagKey: REQUEST_TAG_KEY, TagValue: options.requestId }] } : {}),
    DBInstanceNetInfo: status === 'running' ? [{ NetType: 'private', Ip: '10.0.0.8', Port: 5432 }] : [],
  }) as DBInstance;

/**
 * DescribeDBInstances over a fixed set of replicas, honouring the filters the product sends
 * (`db-instance-id`, `db-instance-name`, `db-tag-key`) and Limit/Offset paging.
 */
export const describeFrom = (replicas: readonly DBInstance[]) => (request: DescribeDBInstancesRequest) => {
  const matches = replicas.filter((instance) =>
    (request.Filters ?? []).every((filter) => {
      const values = filter.Values ?? [];
      if (filter.Name === 'db-instance-id') return values.includes(instance.DBInstanceId ?? '');
      if (filter.Name === 'db-instance-name') return values.includes(instance.DBInstanceName ?? '');
      if (filter.Name === 'db-tag-key')
        return (instance.TagList ?? []).some((tag) => values.includes(tag.TagKey ?? ''));
      throw new Error(`scripted-tencent: no filter ${filter.Name}`);
    }),
  );
  const offset = request.Offset ?? 0;
  return {
    TotalCount: matches.length,
    DBInstanceSet: matches.slice(offset, offset + (request.Limit ?? 10)),
  };
};
