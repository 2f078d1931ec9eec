/**
 * Which of a batch's uses overlap a use already stored for the same asset: one query per
 * batch, whatever its size, on either engine. The batch travels as a single JSON parameter
 * (a row set on both engines), so the statement has one parameter however many events it
 * checks.
 *
 * An asset's stored uses never overlap one another (seeds, imports and ingest all refuse it), so
 * ordered by start they are ordered by end too: a span [s, e) overlaps some stored use exactly
 * when the last stored use starting before e ends after s. Each span is therefore one backward
 * step down the (asset_id, started_at) index of migration 0006, however many uses the asset has
 * near it. Probing by asset alone (an asset belongs to one co-op, and an event naming another
 * co-op's asset is rejected anyway) leaves the planner no other index to pick: with the co-op in
 * the probe, PostgreSQL chose the (co-op, day) index on a month partition not yet analyzed and
 * read the co-op's whole month once per span (75 s for 10,000 spans over 30,000 stored uses).
 */
import type { Knex } from 'knex';
import { INGEST_LIMITS, type UseSpan } from '../ingest.js';
import { rowsOf } from './partitions.js';

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

/**
 * PostgreSQL: the batch as a record set, each span looked up on its own (a lateral subquery
 * with LIMIT 1, so the planner cannot turn it into a hash join over all of the co-op's events);
 * the day bounds let execution skip every month partition the span cannot touch.
 */
const POSTGRES = `
  select b.i from json_to_recordset(?::json) as b(i int, a text, s text, e text, lo text)
  cross join lateral (
    select u.ended_at from usage_events u
    where u.asset_id = b.a
      and u.day between substr(b.lo, 1, 10) and substr(b.e, 1, 10)
      and u.started_at >= b.lo and u.started_at < b.e
    order by u.started_at desc
    limit 1
  ) as previous
  where previous.ended_at > b.s`;

/** SQLite: the batch through json_each, the same step per span. */
const SQLITE = `
  select json_extract(b.value, '$.i') as i from json_each(?) as b
  where (
    select u.ended_at from usage_events u
    where u.asset_id = json_extract(b.value, '$.a')
      and u.started_at >= json_extract(b.value, '$.lo')
      and u.started_at < json_extract(b.value, '$.e')
    order by u.started_at desc
    limit 1
  ) > json_extract(b.value, '$.s')`;

/**
 * The batch indexes of the spans whose [startedAt, endedAt) overlaps a stored use of the same
 * asset. Instants are compared as text: every stored instant is the canonical
 * `toISOString()` form, whose order is time order.
 */
export async function spansOverlappingStoredUses(
  db: Knex | Knex.Transaction,
  spans: readonly UseSpan[],
): Promise<Set<number>> {
  if (spans.length === 0) return new Set();
  const probes = JSON.stringify(spans.map(probeOf));
  const rows = await rowsOf<{ i: number | string }>(db, { postgres: POSTGRES, sqlite: SQLITE }, [probes]);
  return new Set(rows.map((row) => Number(row.i)));
}
