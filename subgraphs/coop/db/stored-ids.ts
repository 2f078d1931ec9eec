/**
 * Which of a batch's client ids a co-op has already stored: one query per batch, on either
 * engine, with the ids as a single JSON parameter, each id one probe of the primary key of
 * `usage_event_keys` (migration 0008). The lateral probe with LIMIT 1 keeps PostgreSQL from
 * turning the lookup into a hash join over all of the co-op's ids.
 *
 * Looked up in `usage_events` instead, each id was a probe per month partition, and PostgreSQL
 * chose per partition between the (co-op, client id, day) key and the (co-op, day, member)
 * index by its statistics: 13.9 million rows read for 6,000 ids right after an ingest opened a
 * month (test/engines/ingest-lookups.test.ts), 90 ms per chunk of 500 ids over 25 months once
 * analyzed.
 */
import type { Knex } from 'knex';
import { rowsOf } from './partitions.js';

const POSTGRES = `
  select b.id from json_array_elements_text(?::json) as b(id)
  cross join lateral (
    select 1 from usage_event_keys k where k.platform_cooperative_id = ? and k.client_event_id = b.id limit 1
  ) as hit`;

const SQLITE = `
  select b.value as id from json_each(?) as b
  where exists (
    select 1 from usage_event_keys k where k.platform_cooperative_id = ? and k.client_event_id = b.value
  )`;

/** The ids among `clientEventIds` that the co-op has stored. */
export async function storedClientEventIds(
  db: Knex | Knex.Transaction,
  platformCooperativeId: string,
  clientEventIds: readonly string[],
): Promise<Set<string>> {
  if (clientEventIds.length === 0) return new Set();
  const rows = await rowsOf<{ id: string }>(db, { postgres: POSTGRES, sqlite: SQLITE }, [
    JSON.stringify(clientEventIds),
    platformCooperativeId,
  ]);
  return new Set(rows.map((row) => row.id));
}
