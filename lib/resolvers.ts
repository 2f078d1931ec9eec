/** Small helpers shared by every subgraph's resolvers. */

/** An entity reference to a type another subgraph owns; the gateway resolves the rest. */
export function reference<T extends string>(
  typename: T,
  id: string | null | undefined,
): { __typename: T; id: string } | null {
  return id ? { __typename: typename, id } : null;
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
