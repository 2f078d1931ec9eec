/**
 * Every write of the coop database: the `ingestUsage` mutation and the MDS and GBFS importers
 * call the same operations, each taking the knex handle or the caller's transaction first.
 * The bin and rollup rebuilds stay beside their queries in queries.ts (`rebuildBins`,
 * `rollUpNewEvents`). The bulk inserts at the end load rows known to be valid (the seed world,
 * the synthetic generator), in chunks; the synthetic generator's usage events alone bypass
 * them (seeds/synthetic/).
 */
import type { Knex } from 'knex';
import { NotFoundError } from '../../../lib/errors.js';
import { insertChunks, insertInChunks } from '../../../lib/db.js';
import {
  DUPLICATE_STORED,
  checkEnvelope,
  lookupKeys,
  summarize,
  useSpans,
  validateEvents,
  type IngestOutcome,
  type UsageEventInput,
} from '../ingest.js';
import { analyzeStalePartitions, ensureMonthPartitions } from './partitions.js';
import { spansOverlappingStoredUses } from './overlaps.js';
import { storedClientEventIds } from './stored-ids.js';
import { chunked, rollUpNewEvents } from './queries.js';
import type {
  GbfsFreeFloatingRow,
  GbfsSystemRow,
  GbfsVehicleTypeRow,
  ModeFactorRow,
  PlatformCooperativeRow,
  SharedAssetRow,
  SharingHubRow,
  SharingHubStatusRow,
  SharingHubVehicleCountRow,
  UsageEventKeyRow,
  UsageEventRow,
} from './tables.js';

/** Runs one `whereIn` query per list of at most 500 keys and concatenates the rows. */
async function whereInChunks<Row>(keys: readonly string[], query: (chunk: string[]) => Promise<Row[]>) {
  const rows: Row[] = [];
  for (const chunk of chunked(keys)) rows.push(...(await query(chunk)));
  return rows;
}

/** An event's row in `usage_event_keys`. */
const keyOf = ({ platform_cooperative_id, client_event_id }: UsageEventRow): UsageEventKeyRow => ({
  platform_cooperative_id,
  client_event_id,
});

/**
 * Inserts events in chunks, skipping any whose (co-op, client id) is already stored, and
 * returns the client ids actually inserted. Each chunk's keys go into `usage_event_keys` first
 * and only the events whose key was new follow, so a concurrent retry of the same batch neither
 * fails nor counts twice, on any day (the events' own key includes the day on PostgreSQL).
 */
async function insertNewEvents(trx: Knex.Transaction, rows: readonly UsageEventRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const chunk of insertChunks(rows)) {
    const added: Pick<UsageEventKeyRow, 'client_event_id'>[] = await trx<UsageEventKeyRow>('usage_event_keys')
      .insert(chunk.map(keyOf))
      .onConflict(['platform_cooperative_id', 'client_event_id'])
      .ignore()
      .returning('client_event_id');
    const fresh = new Set(added.map((row) => row.client_event_id));
    const events = chunk.filter((row) => fresh.has(row.client_event_id));
    if (events.length === 0) continue;
    // The events' own key still guards an event stored without its key (written outside this path).
    const stored: Pick<UsageEventRow, 'client_event_id'>[] = await trx<UsageEventRow>('usage_events')
      .insert(events)
      .onConflict()
      .ignore()
      .returning('client_event_id');
    for (const row of stored) inserted.add(row.client_event_id);
  }
  return inserted;
}

/**
 * Takes the co-op's row for this transaction's writes, as its first statement: a write that
 * changes nothing. On PostgreSQL it locks the row, so a co-op's batches take turns. On SQLite it
 * takes the database's write lock up front, waiting its busy timeout for another writer (the
 * ingest worker's connection and the request thread's are two writers of one file): a
 * transaction that read first and wrote later would instead fail at once with "database is
 * locked" whenever the other connection was writing. True when the co-op exists.
 */
async function lockCooperative(trx: Knex.Transaction, platformCooperativeId: string): Promise<boolean> {
  const touched = await trx<PlatformCooperativeRow>('platform_cooperatives')
    .where('id', platformCooperativeId)
    .update({ name: trx.ref('name') as unknown as string });
  return Number(touched) > 0;
}

/**
 * Ingests one batch of a co-op's usage events: validates each event against the batch's
 * assets, the co-op's stored client ids and its stored uses of the same assets, inserts the accepted ones and rebuilds the bins
 * of the days they fall on, all in one transaction (nested as a savepoint when `db` is
 * already one). Locking the co-op's row first makes concurrent batches of one co-op take
 * turns on PostgreSQL, so each sees the other's events and its bins stay exact; SQLite
 * serialises writes anyway. A constant number of statements per batch: one lookup of the
 * co-op, one for the stored uses the events overlap, and per 500 keys one of assets, one of
 * client ids, one insert and two for the bins. Overlaps are exact under concurrency too: an
 * asset belongs to one co-op, and the co-op's batches take turns.
 */
export async function ingestUsage(
  db: Knex,
  platformCooperativeId: string,
  events: readonly UsageEventInput[],
  now: Date = new Date(),
): Promise<IngestOutcome> {
  checkEnvelope({ platformCooperativeId, events });
  const keys = lookupKeys(events);
  return db.transaction(async (trx) => {
    const coop = await lockCooperative(trx, platformCooperativeId);
    if (!coop) {
      throw new NotFoundError('input.platformCooperativeId', `no platform co-op has id "${platformCooperativeId}".`);
    }
    const assets = await whereInChunks(keys.assetIds, (chunk) =>
      trx<SharedAssetRow>('shared_assets').whereIn('id', chunk),
    );
    const stored = await storedClientEventIds(trx, platformCooperativeId, keys.clientEventIds);
    const overlapsStored = await spansOverlappingStoredUses(trx, useSpans(events));
    const { rows, results } = validateEvents(events, {
      platformCooperativeId,
      assets: new Map(assets.map((asset) => [asset.id, asset])),
      storedClientEventIds: stored,
      overlapsStored,
      now,
    });
    await ensureMonthPartitions(
      trx,
      rows.map((row) => row.day),
    );
    const inserted = await insertNewEvents(trx, rows);
    // Only possible when another request stored the same id after our check: still a duplicate.
    for (const result of results) {
      if (result.status === 'ACCEPTED' && !inserted.has(result.clientEventId)) {
        Object.assign(result, { status: 'DUPLICATE', reason: DUPLICATE_STORED });
      }
    }
    const added = rows.filter((row) => inserted.has(row.client_event_id));
    await analyzeStalePartitions(
      trx,
      added.map((row) => row.day),
    );
    await rollUpNewEvents(trx, platformCooperativeId, added);
    return summarize(results);
  });
}

/** Registers shared assets, in chunks (the MDS importer registers one per new device). */
export async function insertAssets(db: Knex, assets: readonly SharedAssetRow[]): Promise<void> {
  for (const chunk of chunked(assets)) await db('shared_assets').insert(chunk);
}

/** Moves an asset's commissioning day. */
export async function setAssetCommissioned(db: Knex, assetId: string, day: string): Promise<void> {
  await db('shared_assets').where('id', assetId).update({ commissioned_on: day });
}

/** Removes an asset that no stored use needs (a device whose every trip was rejected). */
export async function deleteAsset(db: Knex, assetId: string): Promise<void> {
  await db('shared_assets').where('id', assetId).delete();
}

/** Gives a co-op's events `clientEventIds` the member reference `memberRef`, in chunks. */
export async function setMemberRef(
  db: Knex,
  platformCooperativeId: string,
  clientEventIds: readonly string[],
  memberRef: string,
): Promise<void> {
  for (const chunk of chunked(clientEventIds)) {
    await db('usage_events')
      .where('platform_cooperative_id', platformCooperativeId)
      .whereIn('client_event_id', chunk)
      .update({ member_ref: memberRef });
  }
}

/** Stores a co-op's GBFS system: inserted when `exists` is false, else its columns in `row` rewritten. */
export async function storeGbfsSystem(
  db: Knex,
  platformCooperativeId: string,
  row: Partial<GbfsSystemRow>,
  exists: boolean,
): Promise<void> {
  if (exists) await db('gbfs_systems').where('platform_cooperative_id', platformCooperativeId).update(row);
  else await db('gbfs_systems').insert({ ...row, platform_cooperative_id: platformCooperativeId });
}

/** Stores one GBFS vehicle type of a co-op: inserted when `exists` is false, else rewritten. */
export async function storeVehicleType(db: Knex, row: GbfsVehicleTypeRow, exists: boolean): Promise<void> {
  if (!exists) await db('gbfs_vehicle_types').insert(row);
  else {
    await db('gbfs_vehicle_types')
      .where({ platform_cooperative_id: row.platform_cooperative_id, vehicle_type_id: row.vehicle_type_id })
      .update(row);
  }
}

/** Stores one sharing hub: inserted when `exists` is false, else rewritten. */
export async function storeHub(db: Knex, row: SharingHubRow, exists: boolean): Promise<void> {
  if (!exists) await db('sharing_hubs').insert(row);
  else await db('sharing_hubs').where('id', row.id).update(row);
}

/** Stores a hub's availability and replaces its per-type vehicle counts. */
export async function storeHubStatus(
  db: Knex,
  row: SharingHubStatusRow,
  exists: boolean,
  counts: readonly Omit<SharingHubVehicleCountRow, 'hub_id'>[],
): Promise<void> {
  if (!exists) await db('sharing_hub_status').insert(row);
  else await db('sharing_hub_status').where('hub_id', row.hub_id).update(row);
  await db('sharing_hub_vehicle_counts').where('hub_id', row.hub_id).delete();
  if (counts.length > 0) {
    await db('sharing_hub_vehicle_counts').insert(counts.map((count) => ({ hub_id: row.hub_id, ...count })));
  }
}

/** Stores a co-op's free-floating count of one vehicle type: inserted when `exists` is false, else rewritten. */
export async function storeFreeFloating(db: Knex, row: GbfsFreeFloatingRow, exists: boolean): Promise<void> {
  if (!exists) await db('gbfs_free_floating').insert(row);
  else {
    await db('gbfs_free_floating')
      .where({ platform_cooperative_id: row.platform_cooperative_id, vehicle_type_id: row.vehicle_type_id })
      .update(row);
  }
}

/** Removes a co-op's free-floating counts of the given vehicle types. */
export async function deleteFreeFloating(
  db: Knex,
  platformCooperativeId: string,
  vehicleTypeIds: readonly string[],
): Promise<void> {
  await db('gbfs_free_floating')
    .where('platform_cooperative_id', platformCooperativeId)
    .whereIn('vehicle_type_id', vehicleTypeIds)
    .delete();
}

/** Inserts platform co-ops. */
export async function insertPlatformCooperatives(db: Knex, rows: readonly PlatformCooperativeRow[]): Promise<void> {
  await insertInChunks(db, 'platform_cooperatives', rows);
}

/** Inserts co-ops' GBFS systems. */
export async function insertGbfsSystems(db: Knex, rows: readonly GbfsSystemRow[]): Promise<void> {
  await insertInChunks(db, 'gbfs_systems', rows);
}

/** Inserts co-ops' GBFS vehicle types. */
export async function insertVehicleTypes(db: Knex, rows: readonly GbfsVehicleTypeRow[]): Promise<void> {
  await insertInChunks(db, 'gbfs_vehicle_types', rows);
}

/** Inserts sharing hubs. */
export async function insertHubs(db: Knex, rows: readonly SharingHubRow[]): Promise<void> {
  await insertInChunks(db, 'sharing_hubs', rows);
}

/** Inserts the per-kind avoided-emission factors. */
export async function insertModeFactors(db: Knex, rows: readonly ModeFactorRow[]): Promise<void> {
  await insertInChunks(db, 'mode_factors', rows);
}

/**
 * Inserts usage events known to be valid and new, reporting the count inserted after each
 * chunk; ingestUsage is the checked path. The caller creates their months' partitions first
 * (ensureMonthPartitions) and rebuilds their bins after; their keys are recorded here.
 */
export async function insertUsageEvents(
  db: Knex,
  rows: readonly UsageEventRow[],
  onProgress?: (inserted: number) => void,
): Promise<void> {
  await insertInChunks(db, 'usage_events', rows, onProgress);
  await insertInChunks(db, 'usage_event_keys', rows.map(keyOf));
}

/**
 * Records the keys of events written past this file (the synthetic generator's COPY): every
 * (co-op, client id) of `usage_events` of the given co-ops, where missing. One statement.
 */
export async function recordEventKeys(db: Knex | Knex.Transaction, coopIds: readonly string[]): Promise<void> {
  if (coopIds.length === 0) return;
  await db('usage_event_keys')
    .insert(
      db('usage_events')
        .distinct('platform_cooperative_id', 'client_event_id')
        .whereIn('platform_cooperative_id', coopIds),
    )
    .onConflict(['platform_cooperative_id', 'client_event_id'])
    .ignore();
}
