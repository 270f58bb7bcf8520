import { assertWritableFields } from '#shared/adapters/store/request-change.ts';
import { withoutUndefined } from '#shared/adapters/store/request-item.ts';
import { StoreError } from '#shared/adapters/store/store-error.ts';
import { holdsActiveSpend } from '#shared/domain/budget.ts';
import { type FleetState, parseFleetState } from '#shared/domain/fleet-state.ts';
import { isOpenNotification, type RequestRecord } from '#shared/domain/request-record.ts';
import { assertTransition, isTerminal } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type {
  InFlightPage,
  Marker,
  MarkerStore,
  PutMarkerOptions,
  PutNewResult,
  RequestStore,
  SpendStore,
  TransitionCommand,
  UpdateCommand,
} from '#shared/ports/request-store.ts';

interface Lock {
  readonly owner: string;
  readonly until: number;
}

/**
 * The request store's contract in memory, for unit tests of use cases, held to the same rules as
 * `DynamoRequestStore` by `test/integration/request-store-contract.test.ts`: conditional puts;
 * transitions conditional on version and `from` state, illegal ones refused before anything is
 * written; updates conditional on version (and on `state` when given); store-owned fields refused;
 * `undefined` never written; named locks held by one owner until they expire; markers with their
 * validity window. Records go in and come out as copies, so a caller cannot change what is stored.
 */
export class InMemoryStore implements RequestStore, MarkerStore, SpendStore, FleetStateStore {
  readonly records = new Map<string, RequestRecord>();
  readonly fleetStates = new Map<string, FleetState>();
  readonly markers = new Map<string, Marker>();
  readonly locks = new Map<string, Lock>();

  async putNew(record: RequestRecord): Promise<PutNewResult> {
    const existing = this.records.get(record.requestId);
    if (existing) return { created: false, existing: structuredClone(existing) };
    const stored = withoutUndefined(structuredClone(record));
    this.records.set(record.requestId, stored);
    return { created: true, record: structuredClone(stored) };
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    const record = this.records.get(requestId);
    return record === undefined ? undefined : structuredClone(record);
  }

  async transition(command: TransitionCommand): Promise<RequestRecord> {
    assertTransition(command.from, command.to, command.actor);
    assertWritableFields(command);
    const current = this.expect(command, command.from);
    const entry = withoutUndefined({ state: command.to, at: command.at, note: command.note });
    return this.write(current, command, command.to, [...current.history, entry]);
  }

  async update(command: UpdateCommand): Promise<RequestRecord> {
    assertWritableFields(command);
    const current = this.expect(command, command.state);
    return this.write(current, command, current.state, current.history);
  }

  async listInFlight(
    options: { readonly limit?: number; readonly cursor?: string } = {},
  ): Promise<InFlightPage> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new StoreError(
        'STORE_INVALID_COMMAND',
        `listInFlight limit must be a positive integer (got ${limit})`,
      );
    }
    const all = [...this.records.values()].filter(
      (record) => !isTerminal(record.state) || isOpenNotification(record.notification?.status),
    );
    const start = Number(options.cursor ?? 0);
    if (!Number.isInteger(start) || start < 0) {
      throw new StoreError('STORE_INVALID_CURSOR', `listInFlight cursor ${options.cursor} is not ours`);
    }
    const records = all.slice(start, start + limit).map((record) => structuredClone(record));
    const next = start + limit;
    return { records, itemsRead: records.length, ...(next < all.length ? { cursor: String(next) } : {}) };
  }

  /** The records whose state holds a running replica (`ACTIVE_SPEND_STATES`), as the `spend` index has them. */
  async listActiveSpend(): Promise<readonly RequestRecord[]> {
    return [...this.records.values()]
      .filter((record) => holdsActiveSpend(record.state))
      .map((record) => structuredClone(record));
  }

  /** Taken when nobody holds it, its holder's window ended (`until < now`), or `owner` already holds it. */
  async acquireLock(name: string, owner: string, until: Date, now: Date): Promise<boolean> {
    const held = this.locks.get(name);
    if (held && held.owner !== owner && held.until >= now.getTime()) return false;
    this.locks.set(name, { owner, until: until.getTime() });
    return true;
  }

  /** Released only by its owner; someone else's lock (or none) is left as it is. */
  async releaseLock(name: string, owner: string): Promise<void> {
    if (this.locks.get(name)?.owner === owner) this.locks.delete(name);
  }

  async putMarker(name: string, value: Readonly<Record<string, unknown>>, options: PutMarkerOptions) {
    const existing = this.markers.get(name);
    const heldByNamed = options.orHeldBy !== undefined && existing?.value.requestId === options.orHeldBy;
    if (existing && existing.until.getTime() >= options.now.getTime() && !heldByNamed) return false;
    this.markers.set(name, { name, value: withoutUndefined(value), until: options.until });
    return true;
  }

  async getMarker(name: string, now?: Date): Promise<Marker | undefined> {
    const marker = this.markers.get(name);
    if (!marker || (now && marker.until.getTime() < now.getTime())) return undefined;
    return marker;
  }

  async getFleetState(primaryId: string): Promise<FleetState | undefined> {
    const state = this.fleetStates.get(primaryId);
    return state === undefined ? undefined : structuredClone(state);
  }

  /** Written only over `expectedVersion` (0: none stored); a state of another version is refused. */
  async putFleetState(state: FleetState, expectedVersion: number): Promise<boolean> {
    if (state.version !== expectedVersion + 1) {
      throw new StoreError(
        'STORE_INVALID_COMMAND',
        `putFleetState ${state.primaryId}: version ${state.version} does not follow ${expectedVersion}`,
      );
    }
    if ((this.fleetStates.get(state.primaryId)?.version ?? 0) !== expectedVersion) return false;
    this.fleetStates.set(state.primaryId, withoutUndefined(parseFleetState(structuredClone(state))));
    return true;
  }

  async listFleetStates(): Promise<readonly FleetState[]> {
    return [...this.fleetStates.values()].map((state) => structuredClone(state));
  }

  /** The record, if it is still at the command's version (and in `state`, when one is expected). */
  private expect(
    command: Pick<UpdateCommand, 'requestId' | 'expectedVersion'>,
    state: RequestRecord['state'] | undefined,
  ): RequestRecord {
    const { requestId, expectedVersion } = command;
    const current = this.records.get(requestId);
    if (!current || current.version !== expectedVersion || (state !== undefined && current.state !== state)) {
      const expected = state === undefined ? '' : ` ${state}`;
      const now = current ? ` (now ${current.state} at version ${current.version})` : '';
      throw new ConcurrentUpdateError(
        requestId,
        `Request ${requestId} is no longer${expected} at version ${expectedVersion}${now}`,
      );
    }
    return current;
  }

  private write(
    current: RequestRecord,
    command: Pick<UpdateCommand, 'set' | 'remove' | 'at'>,
    state: RequestRecord['state'],
    history: RequestRecord['history'],
  ): RequestRecord {
    // As DynamoDB: a field set to undefined is not written (the old value stays).
    const next: Record<string, unknown> = {
      ...current,
      ...withoutUndefined(structuredClone(command.set ?? {})),
      state,
      history,
    };
    for (const field of command.remove ?? []) delete next[field];
    const record = { ...next, version: current.version + 1, updatedAt: command.at } as RequestRecord;
    this.records.set(record.requestId, record);
    return structuredClone(record);
  }
}
