import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import type { PutNewResult, RequestStore, UpdateCommand } from '#shared/ports/request-store.ts';

/**
 * The part of the request table a use case test needs (put, get, conditional update), in memory with
 * the same version check as the store. Transitions and the in-flight index are not modelled.
 */
export class MemoryRequestStore implements Pick<RequestStore, 'putNew' | 'get' | 'update'> {
  readonly records = new Map<string, RequestRecord>();
  /** Writes that lost on their expected version. */
  conflicts = 0;

  async putNew(record: RequestRecord): Promise<PutNewResult> {
    const existing = this.records.get(record.requestId);
    if (existing) return { created: false, existing };
    this.records.set(record.requestId, record);
    return { created: true, record };
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    return this.records.get(requestId);
  }

  async update(command: UpdateCommand): Promise<RequestRecord> {
    const current = this.records.get(command.requestId);
    if (!current || current.version !== command.expectedVersion) {
      this.conflicts += 1;
      throw new ConcurrentUpdateError(command.requestId, `version ${command.expectedVersion} is stale`);
    }
    const next = {
      ...current,
      ...command.set,
      version: current.version + 1,
      updatedAt: command.at,
    } as RequestRecord;
    this.records.set(command.requestId, next);
    return next;
  }
}
