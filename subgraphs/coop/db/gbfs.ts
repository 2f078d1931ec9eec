/**
 * Queries over the GBFS tables (migration 0004): systems, vehicle types, sharing hubs, their
 * stored availability, and the assets based at hubs; never usage events (the GBFS export must not
 * change with a use, docs/methodology.md rule 4). Each takes the knex handle first and returns
 * plain rows; lists are ordered so batch results and feeds are stable.
 */
import type { Knex } from 'knex';
import type {
  GbfsFreeFloatingRow,
  GbfsSystemRow,
  GbfsVehicleTypeRow,
  SharedAssetRow,
  SharingHubRow,
  SharingHubStatusRow,
  SharingHubVehicleCountRow,
} from './tables.js';

/** The hub id of a station in a co-op: unique across co-ops, with the station id kept readable. */
export const hubIdOf = (platformCooperativeId: string, stationId: string) => `${platformCooperativeId}/${stationId}`;

export function gbfsSystemsOf(db: Knex, coopIds: readonly string[]): Promise<GbfsSystemRow[]> {
  return db<GbfsSystemRow>('gbfs_systems').whereIn('platform_cooperative_id', coopIds);
}

/** Every co-op with a GBFS system, by id. */
export async function coopIdsWithGbfs(db: Knex): Promise<string[]> {
  const rows = await db<GbfsSystemRow>('gbfs_systems')
    .select('platform_cooperative_id')
    .orderBy('platform_cooperative_id');
  return rows.map((row) => row.platform_cooperative_id);
}

export function vehicleTypesOf(db: Knex, coopIds: readonly string[]): Promise<GbfsVehicleTypeRow[]> {
  return db<GbfsVehicleTypeRow>('gbfs_vehicle_types')
    .whereIn('platform_cooperative_id', coopIds)
    .orderBy(['platform_cooperative_id', 'vehicle_type_id']);
}

/** Hubs of the given co-ops, ordered by id (so by co-op, then station id). */
export function hubsOf(db: Knex, coopIds: readonly string[]): Promise<SharingHubRow[]> {
  return db<SharingHubRow>('sharing_hubs').whereIn('platform_cooperative_id', coopIds).orderBy('id');
}

export function hubStatusesOf(db: Knex, hubIds: readonly string[]): Promise<SharingHubStatusRow[]> {
  return db<SharingHubStatusRow>('sharing_hub_status').whereIn('hub_id', hubIds);
}

export function hubVehicleCountsOf(db: Knex, hubIds: readonly string[]): Promise<SharingHubVehicleCountRow[]> {
  return db<SharingHubVehicleCountRow>('sharing_hub_vehicle_counts')
    .whereIn('hub_id', hubIds)
    .orderBy(['hub_id', 'vehicle_type_id']);
}

export function freeFloatingOf(db: Knex, coopIds: readonly string[]): Promise<GbfsFreeFloatingRow[]> {
  return db<GbfsFreeFloatingRow>('gbfs_free_floating')
    .whereIn('platform_cooperative_id', coopIds)
    .orderBy(['platform_cooperative_id', 'vehicle_type_id']);
}

/** A co-op's assets that have a home hub, ordered by id. */
export function hubbedAssetsOf(db: Knex, coopId: string): Promise<SharedAssetRow[]> {
  return db<SharedAssetRow>('shared_assets')
    .where('platform_cooperative_id', coopId)
    .whereNotNull('hub_id')
    .orderBy('id');
}

/** Vehicles available per hub and asset kind, from the stored counts (types of one kind summed). */
export async function hubKindCountsOf(
  db: Knex,
  hubIds: readonly string[],
): Promise<{ hub_id: string; kind: string; count: number }[]> {
  const rows = (await db('sharing_hub_vehicle_counts as c')
    .join('sharing_hubs as h', 'h.id', 'c.hub_id')
    .join('gbfs_vehicle_types as t', (join) => {
      join.on('t.platform_cooperative_id', 'h.platform_cooperative_id').andOn('t.vehicle_type_id', 'c.vehicle_type_id');
    })
    .whereIn('c.hub_id', hubIds)
    .groupBy('c.hub_id', 't.kind')
    .select('c.hub_id', 't.kind')
    .sum({ count: 'c.count' })
    .orderBy(['c.hub_id', 't.kind'])) as unknown as { hub_id: string; kind: string; count: number | string }[];
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** Free-floating vehicles available per co-op and asset kind (types of one kind summed). */
export async function freeFloatingKindsOf(
  db: Knex,
  coopIds: readonly string[],
): Promise<{ platform_cooperative_id: string; kind: string; count: number }[]> {
  const rows = (await db('gbfs_free_floating as f')
    .join('gbfs_vehicle_types as t', (join) => {
      join.on('t.platform_cooperative_id', 'f.platform_cooperative_id').andOn('t.vehicle_type_id', 'f.vehicle_type_id');
    })
    .whereIn('f.platform_cooperative_id', coopIds)
    .groupBy('f.platform_cooperative_id', 't.kind')
    .select('f.platform_cooperative_id', 't.kind')
    .sum({ count: 'f.vehicles_available' })
    .orderBy(['f.platform_cooperative_id', 't.kind'])) as unknown as {
    platform_cooperative_id: string;
    kind: string;
    count: number | string;
  }[];
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
