/**
 * Which of a batch's uses overlap a use already stored for the same asset: one query per
 * batch, whatever its size, on either engine. The batch travels as a single JSON parameter
 * (a row set on both engines), so the statement has four parameters however many events it
 * checks, and each span is looked up through the (asset_id, started_at) index of migration
 * 0006.
 */
import type { Knex } from 'knex';
import { INGEST_LIMITS, type UseSpan } from '../ingest.js';
import { isPostgresHandle } from './partitions.js';

const MAX_DURATION_MS = INGEST_LIMITS.maxDurationHours * 3_600_000;

/** A span as the query reads it: `lo` is the earliest start a stored use overlapping it can have. */
interface Probe {
  i: number;
  a: string;
  s: string;
  e: string;
  lo: string;
}

/**
 * Stored uses last at most INGEST_LIMITS.maxDurationHours, so one overlapping [s, e) started
 * after s minus that: the lower bound keeps each lookup a short range of the index.
 */
const probeOf = (span: UseSpan): Probe => ({
  i: span.index,
  a: span.assetId,
  s: span.startedAt,
  e: span.endedAt,
  lo: new Date(Date.parse(span.startedAt) - MAX_DURATION_MS).toISOString(),
});

/** PostgreSQL: the batch as a record set; the day bounds let the planner skip months no span touches. */
const POSTGRES = `
  select distinct b.i from json_to_recordset(?::json) as b(i int, a text, s text, e text, lo text)
  where exists (
    select 1 from usage_events u
    where u.platform_cooperative_id = ? and u.day between ? and ?
      and u.asset_id = b.a and u.started_at >= b.lo and u.started_at < b.e and u.ended_at > b.s
  )`;

/** SQLite: the batch through json_each, the same conditions. */
const SQLITE = `
  select distinct json_extract(b.value, '$.i') as i from json_each(?) as b
  where exists (
    select 1 from usage_events u
    where u.platform_cooperative_id = ? and u.day between ? and ?
      and u.asset_id = json_extract(b.value, '$.a')
      and u.started_at >= json_extract(b.value, '$.lo')
      and u.started_at < json_extract(b.value, '$.e')
      and u.ended_at > json_extract(b.value, '$.s')
  )`;

/**
 * The batch indexes of the spans whose [startedAt, endedAt) overlaps a stored use of the same
 * asset by the co-op. Instants are compared as text: every stored instant is the canonical
 * `toISOString()` form, whose order is time order.
 */
export async function spansOverlappingStoredUses(
  db: Knex | Knex.Transaction,
  platformCooperativeId: string,
  spans: readonly UseSpan[],
): Promise<Set<number>> {
  if (spans.length === 0) return new Set();
  const probes = spans.map(probeOf);
  const firstDay = probes.reduce((min, p) => (p.lo < min ? p.lo : min), probes[0]!.lo).slice(0, 10);
  const lastDay = probes.reduce((max, p) => (p.e > max ? p.e : max), probes[0]!.e).slice(0, 10);
  const result = await db.raw(isPostgresHandle(db) ? POSTGRES : SQLITE, [
    JSON.stringify(probes),
    platformCooperativeId,
    firstDay,
    lastDay,
  ]);
  const rows: { i: number | string }[] = isPostgresHandle(db) ? result.rows : result;
  return new Set(rows.map((row) => Number(row.i)));
}
