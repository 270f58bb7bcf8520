import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { TransitionActor } from '#shared/domain/request-transitions.ts';

export type PutNewResult =
  | { readonly created: true; readonly record: RequestRecord }
  | { readonly created: false; readonly existing: RequestRecord };

/** A conditional state change: applied only if the record is still in `from` at `expectedVersion`. */
export interface TransitionCommand {
  readonly requestId: string;
  readonly expectedVersion: number;
  readonly from: RequestState;
  readonly to: RequestState;
  /** Who makes the change: the store refuses a (from, to, actor) with no row in request-transitions.ts. */
  readonly actor: TransitionActor;
  /** Fields to set with the change (state, version, updatedAt and history are handled by the store). */
  readonly set?: Partial<Omit<RequestRecord, 'requestId' | 'state' | 'version' | 'history' | 'updatedAt'>>;
  /** Fields to remove with the change, e.g. `lease` once the call is answered. */
  readonly remove?: readonly (keyof RequestRecord)[];
  readonly note?: string;
  /** ISO-8601 time of the change (from the use case's clock). */
  readonly at: string;
}

/** A conditional change that keeps the state (e.g. recording a delivery attempt). */
export interface UpdateCommand {
  readonly requestId: string;
  readonly expectedVersion: number;
  /**
   * The state the caller read. Optional; when given, the write is also conditional on it and the
   * store derives the in-flight index attributes from it without a second round trip when the
   * change touches `notification`.
   */
  readonly state?: RequestState;
  readonly set?: TransitionCommand['set'];
  readonly remove?: TransitionCommand['remove'];
  readonly at: string;
}

export interface InFlightPage {
  readonly records: readonly RequestRecord[];
  /** Opaque cursor for the next page; absent on the last page. */
  readonly cursor?: string;
  /** Items the store read to produce this page (for the store-reads benchmark). */
  readonly itemsRead: number;
}

/**
 * The request table. Every write is conditional; a lost race throws `ConcurrentUpdateError`,
 * a state change with no row for its actor throws `IllegalTransitionError` before anything is written.
 */
export interface RequestStore {
  /** Conditional put keyed by request id (derived from the idempotency key). */
  putNew(record: RequestRecord): Promise<PutNewResult>;
  get(requestId: string): Promise<RequestRecord | undefined>;
  transition(command: TransitionCommand): Promise<RequestRecord>;
  update(command: UpdateCommand): Promise<RequestRecord>;
  /** Reads only the sparse in-flight index: records with work left (non-terminal, or a notification not yet queued). */
  listInFlight(options?: { readonly limit?: number; readonly cursor?: string }): Promise<InFlightPage>;
  /** A named lease (e.g. the poller's run lock); true when `owner` holds it until `until`. */
  acquireLock(name: string, owner: string, until: Date, now: Date): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
}

/**
 * The records that hold, or are about to hold, a running replica (`ACTIVE_SPEND_STATES` in
 * `budget.ts`: READY and the in-flight create states), for budgets. Separate so `RequestStore`
 * fakes need not grow.
 */
export interface SpendStore {
  /** Every active-spend record (all pages), read from the sparse `spend` index. */
  listActiveSpend(): Promise<readonly RequestRecord[]>;
}

/** A named marker with a validity window, e.g. a cooldown per primary instance. */
export interface Marker {
  readonly name: string;
  readonly value: Readonly<Record<string, unknown>>;
  readonly until: Date;
}

export interface PutMarkerOptions {
  /** Write only if the marker is absent or its window ended (`until < now`)… */
  readonly ifAbsentOrExpired: true;
  /** …or if it is held by this request (`value.requestId`): a holder judged done with it. */
  readonly orHeldBy?: string;
  readonly until: Date;
  readonly now: Date;
}

/** Markers sharing the request table (cooldowns). Separate so `RequestStore` fakes need not grow. */
export interface MarkerStore {
  /** Conditional put; true when written, false when an unexpired marker of that name exists. */
  putMarker(
    name: string,
    value: Readonly<Record<string, unknown>>,
    options: PutMarkerOptions,
  ): Promise<boolean>;
  /** The marker, or undefined; with `now`, a marker whose window ended (`until < now`) reads as undefined. */
  getMarker(name: string, now?: Date): Promise<Marker | undefined>;
}
