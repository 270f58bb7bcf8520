import { isOpenNotification, type RequestRecord } from '#shared/domain/request-record.ts';
import { canTransition, isTerminal } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError, IllegalTransitionError } from '#shared/errors.ts';
import type {
  InFlightPage,
  Marker,
  MarkerStore,
  PutMarkerOptions,
  PutNewResult,
  RequestStore,
  TransitionCommand,
  UpdateCommand,
} from '#shared/ports/request-store.ts';

/**
 * The request store's contract in memory, for unit tests of use cases: conditional puts,
 * versioned transitions, the in-flight listing and markers with their validity window.
 */
export class InMemoryStore implements RequestStore, MarkerStore {
  readonly records = new Map<string, RequestRecord>();
  readonly markers = new Map<string, Marker>();

  async putNew(record: RequestRecord): Promise<PutNewResult> {
    const existing = this.records.get(record.requestId);
    if (existing) return { created: false, existing };
    this.records.set(record.requestId, record);
    return { created: true, record };
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    return this.records.get(requestId);
  }

  async transition(command: TransitionCommand): Promise<RequestRecord> {
    if (!canTransition(command.from, command.to)) throw new IllegalTransitionError(command.from, command.to);
    const current = this.expect(command.requestId, command.expectedVersion);
    if (current.state !== command.from) throw new ConcurrentUpdateError(command.requestId, 'state changed');
    return this.write(current, command, command.to, [
      ...current.history,
      { state: command.to, at: command.at, ...(command.note ? { note: command.note } : {}) },
    ]);
  }

  async update(command: UpdateCommand): Promise<RequestRecord> {
    const current = this.expect(command.requestId, command.expectedVersion);
    return this.write(current, command, current.state, current.history);
  }

  async listInFlight(
    options: { readonly limit?: number; readonly cursor?: string } = {},
  ): Promise<InFlightPage> {
    const all = [...this.records.values()].filter(
      (record) => !isTerminal(record.state) || isOpenNotification(record.notification?.status),
    );
    const start = Number(options.cursor ?? 0);
    const limit = options.limit ?? 100;
    const records = all.slice(start, start + limit);
    const next = start + limit;
    return { records, itemsRead: records.length, ...(next < all.length ? { cursor: String(next) } : {}) };
  }

  async acquireLock(): Promise<boolean> {
    return true;
  }

  async releaseLock(): Promise<void> {}

  async putMarker(name: string, value: Readonly<Record<string, unknown>>, options: PutMarkerOptions) {
    const existing = this.markers.get(name);
    if (existing && existing.until.getTime() >= options.now.getTime()) return false;
    this.markers.set(name, { name, value, until: options.until });
    return true;
  }

  async getMarker(name: string, now?: Date): Promise<Marker | undefined> {
    const marker = this.markers.get(name);
    if (!marker || (now && marker.until.getTime() < now.getTime())) return undefined;
    return marker;
  }

  private expect(requestId: string, version: number): RequestRecord {
    const current = this.records.get(requestId);
    if (!current || current.version !== version)
      throw new ConcurrentUpdateError(requestId, 'version changed');
    return current;
  }

  private write(
    current: RequestRecord,
    command: Pick<UpdateCommand, 'set' | 'remove' | 'at'>,
    state: RequestRecord['state'],
    history: RequestRecord['history'],
  ): RequestRecord {
    const next: Record<string, unknown> = { ...current, ...command.set, state, history };
    for (const field of command.remove ?? []) delete next[field];
    const record = { ...next, version: current.version + 1, updatedAt: command.at } as RequestRecord;
    this.records.set(record.requestId, record);
    return record;
  }
}
