import type { Knex } from 'knex';
import { BadInputError } from './errors.js';

/** The arguments every connection field takes. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** A validated page request: how many rows, and the sort key to start after. */
export interface Page {
  first: number;
  afterKey: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

export interface Connection<Row> {
  edges: { cursor: string; node: Row }[];
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export const encodeCursor = (key: string): string => Buffer.from(`k:${key}`, 'utf8').toString('base64url');

const keyOf = (row: object, keyColumn: string): string => String((row as Record<string, unknown>)[keyColumn]);
const cursorOf = (row: object, keyColumn: string): string => encodeCursor(keyOf(row, keyColumn));

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('k:'))
    throw new BadInputError('after', `"${cursor}" is not a cursor returned by this field.`);
  return decoded.slice(2);
}

/** Checks `first` and `after` and turns them into a page; errors name the argument at fault. */
export function parsePage(args: PageArgs, maxPageSize: number): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) {
    throw new BadInputError('first', `must be an integer from 0 to ${maxPageSize}, got ${first}.`);
  }
  return { first, afterKey: args.after ? decodeCursor(args.after) : null };
}

/**
 * Runs a keyset-paginated query ordered by `keyColumn`, plus its count. `filtered` applies
 * the same filters to both, so `totalCount` always describes the rows being paged.
 */
export async function paginate<Row extends object>(
  knex: Knex,
  table: string,
  page: Page,
  filtered: (query: Knex.QueryBuilder) => Knex.QueryBuilder = (query) => query,
  keyColumn = 'id',
): Promise<Connection<Row>> {
  const rowsQuery = filtered(knex(table).select(`${table}.*`))
    .orderBy(`${table}.${keyColumn}`)
    .limit(page.first + 1);
  if (page.afterKey !== null) rowsQuery.where(`${table}.${keyColumn}`, '>', page.afterKey);
  const [rows, countRow] = await Promise.all([
    rowsQuery as Promise<Row[]>,
    filtered(knex(table)).count({ count: '*' }).first() as Promise<{ count: number | string } | undefined>,
  ]);
  const hasNextPage = rows.length > page.first;
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node, keyColumn), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: Number(countRow?.count ?? 0),
  };
}

/** Pages through rows already loaded in key order (a small per-parent list batched by a loader). */
export function paginateLoaded<Row extends object>(
  rows: readonly Row[],
  page: Page,
  keyColumn = 'id',
): Connection<Row> {
  const after = page.afterKey;
  const remaining = after === null ? rows : rows.filter((row) => keyOf(row, keyColumn) > after);
  const nodes = remaining.slice(0, page.first);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node, keyColumn), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: remaining.length > page.first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: rows.length,
  };
}
