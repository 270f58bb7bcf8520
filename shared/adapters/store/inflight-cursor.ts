import { StoreError } from '#shared/adapters/store/store-error.ts';
import * as z from '#shared/util/zod-mini.ts';

/** Where a `listInFlight` page stopped: the index shard, and the key to resume after within it. */
export interface InFlightPosition {
  readonly shard: number;
  readonly lastKey?: Record<string, unknown>;
}

const CursorSchema = z.object({
  shard: z.int().check(z.gte(0)),
  lastKey: z.optional(z.record(z.string(), z.string())),
});

/** Opaque to callers: base64url of the position JSON. */
export const encodeCursor = (position: InFlightPosition): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

export const decodeCursor = (cursor: string, shards: number): InFlightPosition => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new StoreError('STORE_INVALID_CURSOR', 'The in-flight cursor is not one this store issued', {
      cause: error,
    });
  }
  const result = CursorSchema.safeParse(parsed);
  if (!result.success || result.data.shard >= shards) {
    throw new StoreError('STORE_INVALID_CURSOR', 'The in-flight cursor is not one this store issued', {
      cause: result.error,
    });
  }
  return result.data;
};
