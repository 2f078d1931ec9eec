/**
 * Writes an imported GBFS system into the coop database: a vehicle-sharing system's service,
 * vehicle types, hubs and availability (see gbfs.ts for the parse), in one transaction.
 */
import type { Knex } from 'knex';
import { RefusedFileError, type RecordReport } from '../../../lib/interop.js';
import { hubIdOf } from '../db/gbfs.js';
import { chunked } from '../db/queries.js';
import * as w from '../db/writes.js';
import type {
  GbfsFreeFloatingRow,
  GbfsSystemRow,
  GbfsVehicleTypeRow,
  PlatformCooperativeRow,
  SharingHubRow,
  SharingHubStatusRow,
  SharingHubVehicleCountRow,
} from '../db/tables.js';
import type { GbfsParse, GbfsStationStatus, GbfsSystemInfo } from './gbfs.js';
import { missingForGbfs3 } from './gbfs-export.js';

export interface GbfsImportOptions {
  /** The platform co-op the system is the service of; else the co-op whose stored system has the file's system_id. */
  coop?: string;
  now?: Date;
  /** Called as stations and statuses are written: done out of total. */
  onProgress?: (done: number, total: number) => void;
}

export interface GbfsImportResult {
  platformCooperativeId: string;
  records: RecordReport[];
  notes: string[];
}

/** True when a stored value equals a new one (SQLite stores booleans as 0/1). */
function sameValue(stored: unknown, value: unknown): boolean {
  if (typeof value === 'boolean') return Boolean(stored) === value;
  if (typeof value === 'number') return stored !== null && stored !== undefined && Number(stored) === value;
  return (stored ?? null) === value;
}

/** The fields of `row` that differ from `stored`. */
function changedFields<Row extends object>(stored: Partial<Row> | undefined, row: Row, fields: readonly (keyof Row)[]) {
  return stored ? fields.filter((field) => !sameValue(stored[field], row[field])) : [...fields];
}

/** A record's status from what changed, and a note naming the fields for updates. */
function outcome(stored: unknown, changed: readonly PropertyKey[]): Pick<RecordReport, 'status' | 'notes'> {
  if (!stored) return { status: 'created', notes: [] };
  if (changed.length === 0) return { status: 'unchanged', notes: [] };
  return { status: 'updated', notes: [`changed: ${changed.map(String).join(', ')}`] };
}

/**
 * The co-op a GBFS file is imported into: `--coop` when given (it must exist), else the one co-op
 * whose stored system has the file's system_id. Anything else refuses the file.
 */
async function gbfsCoopOf(trx: Knex.Transaction, parse: GbfsParse, coop: string | undefined): Promise<string> {
  if (coop) {
    const found = await trx<PlatformCooperativeRow>('platform_cooperatives').where('id', coop).first('id');
    if (!found) throw new RefusedFileError(`--coop ${coop}: no platform co-op has this id`);
    return coop;
  }
  if (!parse.system) throw new RefusedFileError('a lone station_status file names no system: give --coop <id>');
  const systems = await trx<GbfsSystemRow>('gbfs_systems')
    .where('system_id', parse.system.systemId)
    .select('platform_cooperative_id');
  if (systems.length === 1) return systems[0]!.platform_cooperative_id;
  throw new RefusedFileError(
    systems.length === 0
      ? `system_id ${parse.system.systemId}: no co-op has this GBFS system yet: give --coop <id>`
      : `system_id ${parse.system.systemId}: several co-ops have this system: give --coop <id>`,
  );
}

const SYSTEM_FIELDS = [
  'system_id',
  'name',
  'operator',
  'url',
  'timezone',
  'languages',
  'opening_hours',
  'feed_contact_email',
  'license_id',
  'license_url',
  'attribution_organization_name',
  'attribution_url',
  'source_version',
  'operational_feed_url',
] as const;

/** The system's row; a discovery URL the files do not give keeps the one stored (`known`). */
function systemRow(
  coopId: string,
  parse: GbfsParse,
  system: GbfsSystemInfo,
  known: string | null,
): Omit<GbfsSystemRow, 'updated_at' | 'status_updated_at'> {
  return {
    platform_cooperative_id: coopId,
    system_id: system.systemId,
    name: system.name,
    operator: system.operator,
    url: system.url,
    timezone: system.timezone,
    languages: JSON.stringify(system.languages),
    opening_hours: system.openingHours,
    feed_contact_email: system.feedContactEmail,
    license_id: system.licenseId,
    license_url: system.licenseUrl,
    attribution_organization_name: system.attributionOrganizationName,
    attribution_url: system.attributionUrl,
    source_version: parse.version,
    operational_feed_url: parse.discoveryUrl ?? known,
  };
}

/** What the GBFS 3.0 export needs that GBFS 2.3 did not require: said once, at import. */
function publishabilityNotes(system: Pick<GbfsSystemRow, 'feed_contact_email' | 'opening_hours'>): string[] {
  const missing = missingForGbfs3(system);
  return missing.length > 0
    ? [
        `no ${missing.join(' or ')}: GBFS 3.0 requires them, so this co-op's GBFS 3.0 export stays unpublished until a file gives them`,
      ]
    : [];
}

const VEHICLE_TYPE_FIELDS = ['kind', 'form_factor', 'propulsion_type', 'name', 'max_range_meters'] as const;
const HUB_FIELDS = ['name', 'lat', 'lon', 'address', 'post_code', 'capacity', 'is_virtual_station'] as const;
const STATUS_FIELDS = [
  'vehicles_available',
  'docks_available',
  'is_installed',
  'is_renting',
  'is_returning',
  'last_reported',
] as const;

/**
 * Imports a GBFS system (or a lone station_status) into one platform co-op, in one transaction:
 * the system (one record), vehicle types, stations as sharing hubs, station statuses and
 * free-floating vehicles as current availability. Never writes usage events or shared assets.
 * A co-op that already has another system, or a lone status for a co-op without hubs, refuses
 * the whole file.
 */
export async function importGbfs(
  db: Knex,
  parse: GbfsParse,
  options: GbfsImportOptions = {},
): Promise<GbfsImportResult> {
  const now = (options.now ?? new Date()).toISOString();
  const records: RecordReport[] = [];
  const notes = [...parse.notes];
  let platformCooperativeId = options.coop ?? '';
  await db.transaction(async (trx) => {
    const coopId = await gbfsCoopOf(trx, parse, options.coop);
    platformCooperativeId = coopId;
    const stored = await trx<GbfsSystemRow>('gbfs_systems').where('platform_cooperative_id', coopId).first();
    if (parse.system && stored && stored.system_id !== parse.system.systemId) {
      throw new RefusedFileError(
        `system_id ${parse.system.systemId}: co-op ${coopId} already has GBFS system ${stored.system_id}; a co-op has one system`,
      );
    }
    if (!parse.system && !stored) {
      throw new RefusedFileError(
        `co-op ${coopId} has no GBFS system yet: a lone station_status can only update stations already known (import the system's gbfs.json first)`,
      );
    }
    let staticChanged = false;
    if (parse.system) {
      const row = systemRow(coopId, parse, parse.system, stored?.operational_feed_url ?? null);
      const changed = changedFields(stored, row, SYSTEM_FIELDS);
      records.push({
        key: `system_information/${parse.system.systemId}`,
        at: 'system_information.json',
        entity: `PlatformCooperative ${coopId}`,
        ...outcome(stored, changed),
      });
      records.at(-1)!.notes.push(...publishabilityNotes(row));
      if (!stored) await w.storeGbfsSystem(trx, coopId, { ...row, updated_at: now, status_updated_at: null }, false);
      else if (changed.length > 0) await w.storeGbfsSystem(trx, coopId, row, true);
      staticChanged = changed.length > 0;
    }
    const typesChanged = await importVehicleTypes(trx, coopId, parse, records);
    const total = (parse.stations?.length ?? 0) + (parse.statuses?.length ?? 0);
    const progress = { done: 0, total, report: options.onProgress };
    const hubsChanged = await importStations(trx, coopId, parse, records, notes, progress);
    if (!parse.system) await checkLoneStatusStations(trx, coopId, parse);
    const statusChanged = await importStatuses(trx, coopId, parse, records, progress);
    const vehiclesChanged = await importFreeFloating(trx, coopId, parse, records, notes);
    const update: Partial<GbfsSystemRow> = {};
    if (staticChanged || typesChanged || hubsChanged) update.updated_at = now;
    if ((statusChanged || vehiclesChanged) && parse.statusUpdatedAt) update.status_updated_at = parse.statusUpdatedAt;
    if (Object.keys(update).length > 0) await w.storeGbfsSystem(trx, coopId, update, true);
  });
  return { platformCooperativeId, records, notes };
}

/**
 * A lone station_status names stations only: when none of them is a hub of the co-op, the file
 * belongs to another system (or the system was never imported), so it is refused as a whole.
 */
async function checkLoneStatusStations(trx: Knex.Transaction, coopId: string, parse: GbfsParse): Promise<void> {
  const stationIds = (parse.statuses ?? []).flatMap((check) => (check.ok ? [check.value.stationId] : []));
  let known = 0;
  for (const chunk of chunked(stationIds)) {
    const rows = await trx('sharing_hubs').where('platform_cooperative_id', coopId).whereIn('station_id', chunk);
    known += rows.length;
  }
  if (known === 0) {
    throw new RefusedFileError(
      `none of the ${stationIds.length} stations of this station_status is a hub of co-op ${coopId}: a lone status file only updates stations already known (import the system's gbfs.json first)`,
    );
  }
}

/** The co-op's vehicle types as stored so far in this import: vehicle_type_id → asset kind. */
async function vehicleKindsOf(trx: Knex.Transaction, coopId: string): Promise<Map<string, string>> {
  const rows = await trx<GbfsVehicleTypeRow>('gbfs_vehicle_types').where('platform_cooperative_id', coopId);
  return new Map(rows.map((row) => [row.vehicle_type_id, row.kind]));
}

/** Vehicle types: created, updated or unchanged by (co-op, vehicle_type_id); kind-less ones rejected. */
async function importVehicleTypes(
  trx: Knex.Transaction,
  coopId: string,
  parse: GbfsParse,
  records: RecordReport[],
): Promise<boolean> {
  if (!parse.vehicleTypes) return false;
  const stored = new Map(
    (await trx<GbfsVehicleTypeRow>('gbfs_vehicle_types').where('platform_cooperative_id', coopId)).map((row) => [
      row.vehicle_type_id,
      row,
    ]),
  );
  let changedAny = false;
  for (const check of parse.vehicleTypes) {
    const at = `vehicle_types[${check.index}]`;
    if (!check.ok) {
      records.push({ key: `vehicle_types/${check.key}`, at, status: 'rejected', reason: check.problem, notes: [] });
      continue;
    }
    const type = check.value;
    const row: GbfsVehicleTypeRow = {
      platform_cooperative_id: coopId,
      vehicle_type_id: type.vehicleTypeId,
      kind: type.kind,
      form_factor: type.formFactor,
      propulsion_type: type.propulsionType,
      name: type.name,
      max_range_meters: type.maxRangeMeters,
    };
    const before = stored.get(type.vehicleTypeId);
    const changed = changedFields(before, row, VEHICLE_TYPE_FIELDS);
    records.push({
      key: `vehicle_types/${type.vehicleTypeId}`,
      at,
      entity: `AssetKind ${type.kind}`,
      ...outcome(before, changed),
    });
    if (!before || changed.length > 0) await w.storeVehicleType(trx, row, Boolean(before));
    changedAny ||= changed.length > 0;
  }
  return changedAny;
}

interface Progress {
  done: number;
  total: number;
  report?: (done: number, total: number) => void;
}

function step(progress: Progress): void {
  progress.done++;
  if (progress.done % 100 === 0 || progress.done === progress.total) progress.report?.(progress.done, progress.total);
}

/** Stations as sharing hubs, by (co-op, station_id). Hubs the file no longer lists are kept (noted). */
async function importStations(
  trx: Knex.Transaction,
  coopId: string,
  parse: GbfsParse,
  records: RecordReport[],
  notes: string[],
  progress: Progress,
): Promise<boolean> {
  if (!parse.stations) return false;
  const stored = new Map(
    (await trx<SharingHubRow>('sharing_hubs').where('platform_cooperative_id', coopId)).map((row) => [
      row.station_id,
      row,
    ]),
  );
  let changedAny = false;
  const listed = new Set<string>();
  for (const check of parse.stations) {
    const at = `station_information.stations[${check.index}]`;
    step(progress);
    if (!check.ok) {
      records.push({ key: `stations/${check.key}`, at, status: 'rejected', reason: check.problem, notes: [] });
      continue;
    }
    const station = check.value;
    listed.add(station.stationId);
    const row: SharingHubRow = {
      id: hubIdOf(coopId, station.stationId),
      platform_cooperative_id: coopId,
      station_id: station.stationId,
      name: station.name,
      lat: station.lat,
      lon: station.lon,
      address: station.address,
      post_code: station.postCode,
      capacity: station.capacity,
      is_virtual_station: station.isVirtualStation,
    };
    const before = stored.get(station.stationId);
    const changed = changedFields(before, row, HUB_FIELDS);
    records.push({
      key: `stations/${station.stationId}`,
      at,
      entity: `SharingHub ${row.id}`,
      ...outcome(before, changed),
    });
    if (!before || changed.length > 0) await w.storeHub(trx, row, Boolean(before));
    changedAny ||= changed.length > 0;
  }
  const unlisted = [...stored.keys()].filter((id) => !listed.has(id));
  if (unlisted.length > 0) {
    notes.push(`${unlisted.length} hub(s) of the co-op are not in this station_information; kept as they were`);
  }
  return changedAny;
}

/** The hub's vehicle counts to store: known, mapped types only; what was left out, for the report. */
function countsOf(
  status: GbfsStationStatus,
  types: ReadonlyMap<string, string>,
): { vehiclesAvailable: number; counts: { vehicle_type_id: string; count: number }[]; notes: string[] } {
  if (!status.typeCounts) {
    // Without a breakdown, a system of one type has all its vehicles of that type.
    const only = types.size === 1 ? [...types.keys()][0]! : null;
    return {
      vehiclesAvailable: status.vehiclesAvailable,
      counts: only ? [{ vehicle_type_id: only, count: status.vehiclesAvailable }] : [],
      notes: only || types.size === 0 ? [] : ['no vehicle_types_available: the count is not split by kind'],
    };
  }
  const counts = status.typeCounts
    .filter((count) => types.has(count.vehicleTypeId))
    .map((count) => ({ vehicle_type_id: count.vehicleTypeId, count: count.count }))
    .sort((a, b) => a.vehicle_type_id.localeCompare(b.vehicle_type_id));
  const left = status.typeCounts.filter((count) => !types.has(count.vehicleTypeId));
  return {
    vehiclesAvailable: counts.reduce((sum, count) => sum + count.count, 0),
    counts,
    notes: left.map(
      (count) =>
        `vehicle_types_available: ${count.count} vehicle(s) of type ${count.vehicleTypeId} not counted (not a vehicle type of the co-op with an asset kind)`,
    ),
  };
}

/** Station statuses as hubs' availability; a station the co-op does not have is rejected. */
async function importStatuses(
  trx: Knex.Transaction,
  coopId: string,
  parse: GbfsParse,
  records: RecordReport[],
  progress: Progress,
): Promise<boolean> {
  if (!parse.statuses) return false;
  const hubs = new Set(
    (await trx<SharingHubRow>('sharing_hubs').where('platform_cooperative_id', coopId).select('station_id')).map(
      (row) => row.station_id,
    ),
  );
  const types = await vehicleKindsOf(trx, coopId);
  const storedStatus = new Map(
    (
      await trx<SharingHubStatusRow>('sharing_hub_status')
        .join('sharing_hubs', 'sharing_hubs.id', 'sharing_hub_status.hub_id')
        .where('sharing_hubs.platform_cooperative_id', coopId)
        .select('sharing_hub_status.*')
    ).map((row) => [row.hub_id, row]),
  );
  const storedCounts = new Map<string, string>();
  const countRows: SharingHubVehicleCountRow[] = await trx('sharing_hub_vehicle_counts')
    .join('sharing_hubs', 'sharing_hubs.id', 'sharing_hub_vehicle_counts.hub_id')
    .where('sharing_hubs.platform_cooperative_id', coopId)
    .select('sharing_hub_vehicle_counts.*')
    .orderBy(['sharing_hub_vehicle_counts.hub_id', 'sharing_hub_vehicle_counts.vehicle_type_id']);
  for (const row of countRows) {
    storedCounts.set(row.hub_id, `${storedCounts.get(row.hub_id) ?? ''}${row.vehicle_type_id}=${Number(row.count)};`);
  }
  let changedAny = false;
  for (const check of parse.statuses) {
    const at = `station_status.stations[${check.index}]`;
    step(progress);
    if (!check.ok) {
      records.push({ key: `station_status/${check.key}`, at, status: 'rejected', reason: check.problem, notes: [] });
      continue;
    }
    const status = check.value;
    const key = `station_status/${status.stationId}`;
    if (!hubs.has(status.stationId)) {
      records.push({
        key,
        at,
        status: 'rejected',
        reason: `station_id: ${status.stationId} is neither in station_information nor among co-op ${coopId}'s hubs`,
        notes: [],
      });
      continue;
    }
    const hubId = hubIdOf(coopId, status.stationId);
    const { vehiclesAvailable, counts, notes } = countsOf(status, types);
    const row: SharingHubStatusRow = {
      hub_id: hubId,
      vehicles_available: vehiclesAvailable,
      docks_available: status.docksAvailable,
      is_installed: status.isInstalled,
      is_renting: status.isRenting,
      is_returning: status.isReturning,
      last_reported: status.lastReported,
    };
    const before = storedStatus.get(hubId);
    const changed: string[] = changedFields(before, row, STATUS_FIELDS);
    const countText = counts.map((count) => `${count.vehicle_type_id}=${count.count};`).join('');
    if ((storedCounts.get(hubId) ?? '') !== countText) changed.push('vehicle_types_available');
    const result = outcome(before, changed);
    records.push({ key, at, entity: `SharingHub ${hubId}`, ...result, notes: [...result.notes, ...notes] });
    if (changed.length === 0 && before) continue;
    changedAny = true;
    await w.storeHubStatus(trx, row, Boolean(before), counts);
  }
  return changedAny;
}

/**
 * Free-floating vehicles as the system's availability per type, replacing what was stored (a
 * vehicle status feed lists every vehicle not in use). Vehicles of kind-less or unknown types,
 * and malformed vehicles, are rejected.
 */
async function importFreeFloating(
  trx: Knex.Transaction,
  coopId: string,
  parse: GbfsParse,
  records: RecordReport[],
  notes: string[],
): Promise<boolean> {
  if (!parse.vehicles) return false;
  const feed = parse.version === '2.3' ? 'free_bike_status' : 'vehicle_status';
  const listKey = parse.version === '2.3' ? 'bikes' : 'vehicles';
  const types = await vehicleKindsOf(trx, coopId);
  const rejectedTypes = new Map(
    (parse.vehicleTypes ?? []).flatMap((check) => (check.ok ? [] : [[check.key, check.problem] as const])),
  );
  const stored = new Map(
    (await trx<GbfsFreeFloatingRow>('gbfs_free_floating').where('platform_cooperative_id', coopId)).map((row) => [
      row.vehicle_type_id,
      row,
    ]),
  );
  const kept = new Set<string>();
  let changedAny = false;
  for (const vehicle of parse.vehicles.rejected) {
    records.push({
      key: `${feed}/${listKey}[${vehicle.index}]`,
      at: `${feed}.${listKey}[${vehicle.index}]`,
      status: 'rejected',
      reason: vehicle.problem,
      notes: [],
    });
  }
  for (const group of parse.vehicles.freeFloating) {
    const key = `${feed}/${group.vehicleTypeId}`;
    const at = `${feed}.${listKey}[${group.firstIndex}]`;
    if (!types.has(group.vehicleTypeId)) {
      const why = rejectedTypes.get(group.vehicleTypeId) ?? 'not a vehicle type of the co-op';
      records.push({
        key,
        at,
        status: 'rejected',
        reason: `vehicle_type_id: ${group.vehicleTypeId}: ${why}; ${group.listed} vehicle(s) not counted`,
        notes: [],
      });
      continue;
    }
    kept.add(group.vehicleTypeId);
    const row: GbfsFreeFloatingRow = {
      platform_cooperative_id: coopId,
      vehicle_type_id: group.vehicleTypeId,
      vehicles_available: group.available,
    };
    const before = stored.get(group.vehicleTypeId);
    const changed = changedFields(before, row, ['vehicles_available'] as const);
    const result = outcome(before, changed);
    records.push({
      key,
      at,
      entity: `AssetKind ${types.get(group.vehicleTypeId)}`,
      ...result,
      notes: [...result.notes, `${group.available} of ${group.listed} free-floating vehicle(s) available`],
    });
    if (!before || changed.length > 0) await w.storeFreeFloating(trx, row, Boolean(before));
    changedAny ||= changed.length > 0;
  }
  const gone = [...stored.keys()].filter((id) => !kept.has(id));
  if (gone.length > 0) {
    await w.deleteFreeFloating(trx, coopId, gone);
    notes.push(`no free-floating vehicles of type(s) ${gone.join(', ')} any more`);
    changedAny = true;
  }
  if (parse.vehicles.atStations > 0) {
    notes.push(`${parse.vehicles.atStations} vehicle(s) at stations: counted by station_status, not again`);
  }
  return changedAny;
}
