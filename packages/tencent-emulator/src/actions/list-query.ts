import * as z from 'zod';
import { apiErrors } from '#emulator/protocol/api-error.ts';

/** `Filter` of the PostgreSQL API: Values within one filter are OR, separate filters are AND. */
export const filtersParam = z
  .array(z.strictObject({ Name: z.string().optional(), Values: z.array(z.string()).optional() }))
  .optional();

export type Filters = z.output<typeof filtersParam>;

/** Filters as name → accepted values, refusing unknown names and filters without values. */
export const readFilters = (filters: Filters, known: readonly string[]): Map<string, ReadonlySet<string>> => {
  const byName = new Map<string, Set<string>>();
  for (const [index, filter] of (filters ?? []).entries()) {
    const name = filter.Name ?? '';
    if (!known.includes(name)) {
      throw apiErrors.invalidValue(`Filters.${index}.Name`, `one of ${known.join(', ')}`);
    }
    if (!filter.Values || filter.Values.length === 0) {
      throw apiErrors.invalidValue(`Filters.${index}.Values`, 'at least one value');
    }
    // The same name twice is still AND: keep only values both filters accept.
    const values = new Set(filter.Values);
    const previous = byName.get(name);
    byName.set(name, previous ? new Set([...previous].filter((v) => values.has(v))) : values);
  }
  return byName;
};

export type SortDirection = 'asc' | 'desc';

export const readDirection = (value: string | undefined): SortDirection => {
  const direction = (value ?? 'asc').toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') throw apiErrors.invalidValue('OrderByType', 'asc or desc');
  return direction;
};

/** Sorts by a key, ties broken by id so pages never overlap or skip. */
export const sortBy = <T extends { readonly id: string }>(
  items: T[],
  key: (item: T) => string | number,
  direction: SortDirection,
): T[] => {
  const sign = direction === 'asc' ? 1 : -1;
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return a.id < b.id ? -sign : a.id > b.id ? sign : 0;
  });
};
