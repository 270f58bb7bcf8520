/**
 * The single conditional UpdateItem of a `transition` or `update`, with the derived attributes
 * (in-flight index, TTL) computed from the record the write produces.
 */

import { ExpressionBuilder } from '#shared/adapters/store/expression-builder.ts';
import {
  expiresAtFor,
  type ItemOptions,
  inflightShardOf,
  type NotificationStatus,
  STORE_OWNED_ATTRIBUTES,
  withoutUndefined,
} from '#shared/adapters/store/request-item.ts';
import { StoreError } from '#shared/adapters/store/store-error.ts';
import { TABLE } from '#shared/adapters/store/table-definition.ts';
import { holdsActiveSpend } from '#shared/domain/budget.ts';
import { type HistoryEntry, isOpenNotification, type RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal, type RequestState, TERMINAL_STATES } from '#shared/domain/request-state.ts';
import type { TransitionCommand, UpdateCommand } from '#shared/ports/request-store.ts';

/** Fields a command may not set: the store writes them (state and version through `transition`). */
const NOT_SETTABLE: ReadonlySet<string> = new Set([
  ...STORE_OWNED_ATTRIBUTES,
  'requestId',
  'state',
  'version',
  'history',
  'updatedAt',
]);
/** Fields a command may not remove: a record without them is not a record. */
const NOT_REMOVABLE: ReadonlySet<string> = new Set([
  ...NOT_SETTABLE,
  'idempotencyKey',
  'payloadHash',
  'request',
  'requester',
  'createdAt',
]);

export type Change =
  | { readonly kind: 'transition'; readonly command: TransitionCommand }
  | { readonly kind: 'update'; readonly command: UpdateCommand };

/** What the store knows of the record before a write, beyond the command; `null` = no notification. */
export interface Prior {
  readonly state?: RequestState;
  readonly notificationStatus?: NotificationStatus | null;
}

/**
 * The UpdateItem for a change. The derived attributes come from the resulting record, known from
 * the command (the `to` state, `set.notification`, `remove`) and `prior`. Where a fact is unknown,
 * the write assumes the usual case and adds it to the condition (`assumes`).
 */
export const planChange = (
  change: Change,
  prior: Prior,
  options: ItemOptions,
): { expression: ExpressionBuilder; assumes: boolean } => {
  const { command } = change;
  assertWritableFields(command);
  const expression = new ExpressionBuilder();
  const name = (attribute: string) => expression.name(attribute);
  const value = (literal: unknown) => expression.value(literal);

  expression.condition(`attribute_exists(${name(TABLE.partitionKey)})`);
  expression.condition(`${name('version')} = ${value(command.expectedVersion)}`);
  const expectedState = change.kind === 'transition' ? change.command.from : change.command.state;
  if (expectedState !== undefined) expression.condition(`${name('state')} = ${value(expectedState)}`);

  expression.set('version', `${name('version')} + ${value(1)}`).setValue('updatedAt', command.at);
  if (change.kind === 'transition') {
    const entry: HistoryEntry = { state: change.command.to, at: command.at, note: change.command.note };
    expression.setValue('state', change.command.to);
    expression.set('history', `list_append(${name('history')}, ${value([withoutUndefined(entry)])})`);
  }
  for (const [field, fieldValue] of Object.entries(command.set ?? {})) {
    if (fieldValue !== undefined) expression.setValue(field, withoutUndefined(fieldValue));
  }
  for (const field of command.remove ?? []) expression.remove(field);

  const state = change.kind === 'transition' ? change.command.to : (change.command.state ?? prior.state);
  const notificationChanged =
    command.set?.notification !== undefined || command.remove?.includes('notification');
  const notificationStatus =
    command.set?.notification !== undefined
      ? command.set.notification.status
      : command.remove?.includes('notification')
        ? null
        : prior.notificationStatus;
  let assumes = false;
  let inFlight: boolean | undefined;
  if (change.kind === 'update' && !notificationChanged) {
    inFlight = undefined; // same state, same notification: in or out of the index as before
  } else if (isOpenNotification(notificationStatus) || (state !== undefined && !isTerminal(state))) {
    inFlight = true;
  } else if (state !== undefined && notificationStatus !== undefined) {
    inFlight = false;
  } else if (state === undefined) {
    // An update moved the notification out of PENDING without saying the state: notifications
    // belong to terminal records, so assume terminal (and leave the index) — conditionally.
    assumes = true;
    inFlight = false;
    const terminal = [...TERMINAL_STATES].map((terminalState) => value(terminalState));
    expression.condition(`${name('state')} IN (${terminal.join(', ')})`);
  } else {
    // A transition to a terminal state that does not touch the notification: assume none is open.
    assumes = true;
    inFlight = false;
    const status = name('notification.status');
    expression.condition(
      `attribute_not_exists(${status}) OR NOT (${status} IN (${value('PENDING')}, ${value('ENQUEUED')}))`,
    );
  }

  const { partitionKey: shardAttribute, sortKey: sinceAttribute } = TABLE.inflightIndex;
  if (inFlight === true) {
    expression.setValue(shardAttribute, inflightShardOf(command.requestId, options.inflightShards));
    // A transition starts a new in-flight phase; an update keeps the phase it is in.
    expression.set(
      sinceAttribute,
      change.kind === 'transition'
        ? value(command.at)
        : `if_not_exists(${name(sinceAttribute)}, ${value(command.at)})`,
    );
  } else if (inFlight === false) {
    expression.remove(shardAttribute).remove(sinceAttribute);
  }
  if (change.kind === 'transition') {
    // The spend index follows the state alone: in it exactly while the state holds a replica.
    const { partitionKey: spendPartition, sortKey: spendKey, partition } = TABLE.spendIndex;
    if (holdsActiveSpend(change.command.to)) {
      expression.setValue(spendPartition, partition).setValue(spendKey, command.requestId);
    } else {
      expression.remove(spendPartition).remove(spendKey);
    }
    // READY is terminal but holds a running replica: its record is the fleet's and the budgets' only
    // account of it, so it expires only once the replica is gone (a later state without spend).
    if (isTerminal(change.command.to) && !holdsActiveSpend(change.command.to)) {
      expression.setValue(TABLE.ttlAttribute, expiresAtFor(command.at, options.retentionSeconds));
    } else {
      expression.remove(TABLE.ttlAttribute);
    }
  }
  return { expression, assumes };
};

export const stillExpected = (change: Change, current: RequestRecord): boolean => {
  const expectedState = change.kind === 'transition' ? change.command.from : change.command.state;
  return (
    current.version === change.command.expectedVersion &&
    (expectedState === undefined || current.state === expectedState)
  );
};

export const lostRaceMessage = (change: Change, current: RequestRecord | undefined): string => {
  const { requestId, expectedVersion } = change.command;
  const expected =
    change.kind === 'transition'
      ? `${change.command.from} at version ${expectedVersion}`
      : `at version ${expectedVersion}`;
  const now = current === undefined ? '' : ` (now ${current.state} at version ${current.version})`;
  return `Request ${requestId} is no longer ${expected}${now}`;
};

/** Refuses a command that sets or removes a field the store owns (`STORE_INVALID_COMMAND`). */
export const assertWritableFields = (command: TransitionCommand | UpdateCommand): void => {
  const set = Object.keys(command.set ?? {});
  const remove = (command.remove ?? []).map(String);
  const refused = [
    ...set.filter((field) => NOT_SETTABLE.has(field)).map((field) => `set ${field}`),
    ...remove.filter((field) => NOT_REMOVABLE.has(field)).map((field) => `remove ${field}`),
    ...remove.filter((field) => set.includes(field)).map((field) => `set and remove ${field}`),
  ];
  if (refused.length > 0) {
    throw new StoreError(
      'STORE_INVALID_COMMAND',
      `Refused change to request ${command.requestId}: ${refused.join(', ')}`,
    );
  }
};
