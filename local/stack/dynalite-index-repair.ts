import { createRequire } from 'node:module';

/**
 * dynalite writes an item and its secondary-index entries as separate LevelDB operations (the
 * index deletes, then the index puts, then the item): a process killed between them leaves an
 * index entry that no longer matches its item (a newer copy, an entry for an item never written,
 * or none for an item that should be indexed). LevelDB itself never tears one write, so the items
 * are the truth. Before dynalite serves a data folder, every index of every table is re-derived
 * from the items with dynalite's own key functions, and every entry that differs is rewritten.
 *
 * LevelDB layout (dynalite 4, `db/index.js`): one keyspace, JSON values, keys
 * `table~<table>` (the table description), `item-<table>~<item key>` and
 * `index-<global|local>~<table>~<index>~<index key>`.
 */

/** The part of dynalite's table description the index derivation reads. */
interface TableDescription {
  readonly TableName: string;
  readonly KeySchema: readonly object[];
  readonly AttributeDefinitions: readonly object[];
  readonly GlobalSecondaryIndexes?: readonly IndexDescription[];
  readonly LocalSecondaryIndexes?: readonly IndexDescription[];
}

interface IndexDescription {
  readonly IndexName: string;
}

type StoredItem = Record<string, unknown>;

/** dynalite's `db/index.js`: the function its writes use to derive an item's index entries. */
interface DynaliteDb {
  getIndexActions(
    indexes: readonly IndexDescription[],
    existingItem: StoredItem | null,
    item: StoredItem,
    table: TableDescription,
  ): { puts: { index: string; key: string; item: StoredItem }[] };
}

/** The LevelDB operations the repair needs (dynalite's `level`, opened with JSON values). */
export interface RepairableLevel {
  iterator(options: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
  batch(
    operations: ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[],
    options: { sync: boolean },
  ): Promise<void>;
}

export interface IndexRepair {
  /** Index entries written because they were missing or held another copy than their item. */
  readonly written: number;
  /** Index entries deleted because no item (or no index of a live table) accounts for them. */
  readonly removed: number;
}

const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as DynaliteDb;

/** Every key starting with `prefix` (dynalite's own upper bound for a key range). */
const withPrefix = (prefix: string) => ({ gte: prefix, lt: `${prefix}\xff` });

const INDEX_TYPES = [
  { type: 'global', list: 'GlobalSecondaryIndexes' },
  { type: 'local', list: 'LocalSecondaryIndexes' },
] as const;

/** The index entries the items of every table call for, by LevelDB key. */
const expectedIndexEntries = async (db: RepairableLevel): Promise<Map<string, string>> => {
  const expected = new Map<string, string>();
  for await (const [, value] of db.iterator(withPrefix('table~'))) {
    const table = value as TableDescription;
    for (const { type, list } of INDEX_TYPES) {
      for (const index of table[list] ?? []) {
        const prefix = `index-${type}~${table.TableName}~${index.IndexName}~`;
        for await (const [, item] of db.iterator(withPrefix(`item-${table.TableName}~`))) {
          for (const put of dynaliteDb.getIndexActions([index], null, item as StoredItem, table).puts) {
            expected.set(`${prefix}${put.key}`, JSON.stringify(put.item));
          }
        }
      }
    }
  }
  return expected;
};

/**
 * Makes every secondary-index entry equal to what its item calls for, in one synchronous
 * (fsynced) LevelDB batch. Run it on a data folder no dynalite has open.
 */
export const repairDynaliteIndexes = async (db: RepairableLevel): Promise<IndexRepair> => {
  const expected = await expectedIndexEntries(db);
  const operations: Parameters<RepairableLevel['batch']>[0] = [];
  let removed = 0;
  for await (const [key, value] of db.iterator(withPrefix('index-'))) {
    const wanted = expected.get(key);
    if (wanted === undefined) {
      operations.push({ type: 'del', key });
      removed += 1;
    } else if (wanted === JSON.stringify(value)) {
      expected.delete(key);
    }
  }
  for (const [key, value] of expected) operations.push({ type: 'put', key, value: JSON.parse(value) });
  if (operations.length > 0) await db.batch(operations, { sync: true });
  return { written: expected.size, removed };
};
