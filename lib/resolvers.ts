/** Small helpers shared by every subgraph's resolvers. */

/** An entity reference to a type another subgraph owns; the gateway resolves the rest. */
export function reference<T extends string>(typename: T, id: string): { __typename: T; id: string };
export function reference<T extends string>(
  typename: T,
  id: string | null | undefined,
): { __typename: T; id: string } | null;
export function reference<T extends string>(
  typename: T,
  id: string | null | undefined,
): { __typename: T; id: string } | null {
  return id ? { __typename: typename, id } : null;
}

/**
 * A row a foreign key promises, for a non-null field: the schema says it is always there, so
 * a miss is a broken database, reported as an internal error rather than a silent null.
 */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw new Error(`${what} is missing although a foreign key requires it.`);
  return value;
}

/** SQLite stores booleans as 0/1; PostgreSQL returns real booleans. */
export const asBoolean = (value: boolean | number | null | undefined): boolean => Boolean(value);

/** DataLoader.loadMany without the per-key Error values: misses and failures become absent. */
export function present<T>(values: readonly (T | null | undefined | Error)[]): T[] {
  const found: T[] = [];
  for (const value of values) {
    if (value instanceof Error) throw value;
    if (value != null) found.push(value);
  }
  return found;
}

/** An entity another subgraph owns, as this one receives it: its key and nothing else. */
export interface EntityReference {
  id: string;
}
