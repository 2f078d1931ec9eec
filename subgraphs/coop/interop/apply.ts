/**
 * Writes imported open-standard data into the coop database: MDS trips (below) and GBFS systems
 * (at the end of the file, see `importGbfs`).
 *
 * MDS trips become a platform co-op's usage events, through the same `ingestUsage` as any
 * other usage (its validation, idempotency by client id and daily bins), in one transaction
 * per file.
 *
 * Each trip needs a shared asset: the co-op's asset whose id is the trip's `vehicle_id` when
 * there is one, else an asset the import registers for the MDS device, with an id hashed from
 * the co-op and `device_id` so the device's own id never becomes public. After ingest, every
 * imported trip of the days touched gets its rider slot (see mds.ts) as member reference, and
 * those days' bins are rebuilt.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { toDay } from '../../../lib/dates.js';
import { RefusedFileError, type RecordReport } from '../../../lib/interop.js';
import { ingestUsage } from '../db/ingest.js';
import { hubIdOf } from '../db/gbfs.js';
import { chunked, rebuildBins } from '../db/queries.js';
import type {
  GbfsFreeFloatingRow,
  GbfsSystemRow,
  GbfsVehicleTypeRow,
  PlatformCooperativeRow,
  SharedAssetRow,
  SharingHubRow,
  SharingHubStatusRow,
  SharingHubVehicleCountRow,
  UsageEventRow,
} from '../db/tables.js';
import { INGEST_LIMITS, type UsageEventInput } from '../ingest.js';
import type { GbfsParse, GbfsStationStatus, GbfsSystemInfo } from './gbfs.js';
import { missingForGbfs3 } from './gbfs-export.js';
import { assignRiderSlots, clientEventIdOf, riderRef, type MdsTripCheck } from './mds.js';

/** Prefix of assets the import registers for MDS devices. */
export const MDS_ASSET_PREFIX = 'mds-';

/** The member reference trips carry between ingest and rider-slot assignment, within one transaction. */
const PENDING_REF = 'mds-rider-pending';

/** The asset id an MDS device gets in one co-op: stable, and not the device's own id. */
export function deviceAssetId(platformCooperativeId: string, deviceId: string): string {
  const digest = createHash('sha256').update(`${platformCooperativeId}\n${deviceId}`).digest('hex');
  return `${MDS_ASSET_PREFIX}${digest.slice(0, 20)}`;
}

const KIND_LABEL: Record<string, string> = { CAR: 'Car', E_BIKE: 'E-bike', BIKE: 'Bike', CARGO_BIKE: 'Cargo bike' };

export interface MdsImportOptions {
  now?: Date;
  /** Called after each ingest batch: trips done out of trips to ingest. */
  onProgress?: (done: number, total: number) => void;
}

export interface MdsImportResult {
  records: RecordReport[];
  /** Facts about the file as a whole: assets registered, days whose bins were rebuilt. */
  notes: string[];
}

/**
 * Imports a file's checked trips for one platform co-op. Trips rejected by the checks keep
 * their reason; the others go through `ingestUsage` in batches: ACCEPTED trips are reported
 * `created`, trips stored by an earlier import `unchanged`, the rest `rejected` with ingest's
 * reason. An unknown co-op refuses the whole file.
 */
export async function importMdsTrips(
  db: Knex,
  platformCooperativeId: string,
  checks: readonly MdsTripCheck[],
  options: MdsImportOptions = {},
): Promise<MdsImportResult> {
  const now = options.now ?? new Date();
  const records: RecordReport[] = checks.map((check) =>
    check.ok
      ? { key: check.trip.tripId, at: `trips[${check.trip.index}]`, status: 'unchanged', notes: [] }
      : { key: check.key, at: `trips[${check.index}]`, status: 'rejected', reason: check.problem, notes: [] },
  );
  const notes: string[] = [];
  await db.transaction(async (trx) => {
    const coop = await trx<PlatformCooperativeRow>('platform_cooperatives')
      .where('id', platformCooperativeId)
      .first('id');
    if (!coop) throw new RefusedFileError(`--coop ${platformCooperativeId}: no platform co-op has this id`);

    const valid = checks.flatMap((check) => (check.ok ? [check.trip] : []));
    const reject = (index: number, reason: string) => Object.assign(records[index]!, { status: 'rejected', reason });

    // The asset of each trip: the co-op's own asset named by vehicle_id, else the device's asset.
    const ownIds = [...new Set(valid.flatMap((trip) => (trip.vehicleId ? [trip.vehicleId] : [])))];
    const own = new Map<string, SharedAssetRow>();
    for (const chunk of chunked(ownIds)) {
      for (const row of await trx<SharedAssetRow>('shared_assets')
        .where('platform_cooperative_id', platformCooperativeId)
        .whereIn('id', chunk)) {
        own.set(row.id, row);
      }
    }
    const deviceIds = [...new Set(valid.map((trip) => deviceAssetId(platformCooperativeId, trip.deviceId)))];
    const registered = new Map<string, SharedAssetRow>();
    for (const chunk of chunked(deviceIds)) {
      for (const row of await trx<SharedAssetRow>('shared_assets').whereIn('id', chunk)) registered.set(row.id, row);
    }
    const commissionedBefore = new Map([...registered].map(([id, row]) => [id, row.commissioned_on]));
    const newAssets = new Map<string, SharedAssetRow>();
    const events: { index: number; event: UsageEventInput }[] = [];
    for (const trip of valid) {
      const ownAsset = trip.vehicleId ? own.get(trip.vehicleId) : undefined;
      const assetId = ownAsset?.id ?? deviceAssetId(platformCooperativeId, trip.deviceId);
      const asset = ownAsset ?? registered.get(assetId) ?? newAssets.get(assetId);
      const day = toDay(trip.startMs);
      if (asset && asset.platform_cooperative_id !== platformCooperativeId) {
        reject(trip.index, 'device_id: the device is registered with another platform co-op');
        continue;
      }
      if (asset && asset.kind !== trip.kind) {
        reject(
          trip.index,
          `vehicle_type: ${trip.vehicleType} makes a ${trip.kind}, but asset ${asset.id} is a ${asset.kind}`,
        );
        continue;
      }
      if (!asset) {
        newAssets.set(assetId, {
          id: assetId,
          platform_cooperative_id: platformCooperativeId,
          kind: trip.kind,
          label: `${KIND_LABEL[trip.kind]} from MDS (device ${assetId.slice(MDS_ASSET_PREFIX.length, MDS_ASSET_PREFIX.length + 8)})`,
          commissioned_on: day,
          decommissioned_on: null,
        });
      } else if (!ownAsset && asset.commissioned_on > day) {
        asset.commissioned_on = day;
      }
      events.push({
        index: trip.index,
        event: {
          clientEventId: clientEventIdOf(trip.tripId),
          assetId,
          memberRef: PENDING_REF,
          startedAt: new Date(trip.startMs).toISOString(),
          endedAt: new Date(trip.endMs).toISOString(),
          km: trip.distanceMetres / 1000,
        },
      });
    }
    for (const chunk of chunked([...newAssets.values()])) await trx('shared_assets').insert(chunk);
    for (const [id, asset] of registered) {
      if (asset.commissioned_on !== commissionedBefore.get(id)) {
        await trx('shared_assets').where('id', id).update({ commissioned_on: asset.commissioned_on });
      }
    }

    const touchedDays = new Set<string>();
    const firstAccepted = new Map<string, string>();
    for (let start = 0; start < events.length; start += INGEST_LIMITS.maxEvents) {
      const batch = events.slice(start, start + INGEST_LIMITS.maxEvents);
      const outcome = await ingestUsage(
        trx as unknown as Knex,
        platformCooperativeId,
        batch.map((item) => item.event),
        now,
      );
      outcome.results.forEach((result, position) => {
        const { index, event } = batch[position]!;
        if (result.status === 'ACCEPTED') {
          records[index]!.status = 'created';
          const day = event.startedAt.slice(0, 10);
          touchedDays.add(day);
          const first = firstAccepted.get(event.assetId);
          if (!first || day < first) firstAccepted.set(event.assetId, day);
        } else if (result.status === 'REJECTED') reject(index, result.reason ?? 'rejected by ingest');
      });
      options.onProgress?.(Math.min(start + batch.length, events.length), events.length);
    }

    // Assets the file registered but whose every trip was rejected are not kept; the others
    // are in service from their first imported trip.
    let registeredCount = 0;
    for (const [id, asset] of newAssets) {
      const firstDay = firstAccepted.get(id);
      if (!firstDay) await trx('shared_assets').where('id', id).delete();
      else {
        registeredCount++;
        if (firstDay !== asset.commissioned_on)
          await trx('shared_assets').where('id', id).update({ commissioned_on: firstDay });
      }
    }
    for (const [id, asset] of registered) {
      const before = commissionedBefore.get(id)!;
      const firstDay = firstAccepted.get(id);
      const wanted = firstDay && firstDay < before ? firstDay : before;
      if (wanted !== asset.commissioned_on)
        await trx('shared_assets').where('id', id).update({ commissioned_on: wanted });
    }
    if (registeredCount > 0) notes.push(`registered ${registeredCount} shared assets for MDS devices`);

    await assignRiders(trx, platformCooperativeId, [...touchedDays].sort());
    if (touchedDays.size > 0) notes.push(`rebuilt the bins of ${touchedDays.size} days`);
  });
  return { records, notes };
}

/**
 * Gives every imported trip of the given days its rider slot as member reference (see
 * mds.ts) and rebuilds those days' bins, so each bin counts the fewest riders its trips need.
 */
async function assignRiders(trx: Knex.Transaction, platformCooperativeId: string, days: readonly string[]) {
  for (const dayChunk of chunked(days)) {
    const events: Pick<UsageEventRow, 'client_event_id' | 'started_at' | 'ended_at' | 'member_ref' | 'day'>[] =
      await trx<UsageEventRow>('usage_events')
        .where('platform_cooperative_id', platformCooperativeId)
        .whereIn('day', dayChunk)
        .where('client_event_id', 'like', 'mds:%')
        .select('client_event_id', 'started_at', 'ended_at', 'member_ref', 'day');
    const byDay = new Map<string, typeof events>();
    for (const event of events) {
      const list = byDay.get(event.day);
      if (list) list.push(event);
      else byDay.set(event.day, [event]);
    }
    const moves = new Map<string, string[]>();
    for (const dayEvents of byDay.values()) {
      const slots = assignRiderSlots(
        dayEvents.map((event) => ({ id: event.client_event_id, startedAt: event.started_at, endedAt: event.ended_at })),
      );
      for (const event of dayEvents) {
        const ref = riderRef(slots.get(event.client_event_id)!);
        if (ref === event.member_ref) continue;
        const list = moves.get(ref);
        if (list) list.push(event.client_event_id);
        else moves.set(ref, [event.client_event_id]);
      }
    }
    for (const [ref, ids] of moves) {
      for (const chunk of chunked(ids)) {
        await trx('usage_events')
          .where('platform_cooperative_id', platformCooperativeId)
          .whereIn('client_event_id', chunk)
          .update({ member_ref: ref });
      }
    }
  }
  await rebuildBins(trx, [platformCooperativeId], days);
}

// ---------------------------------------------------------------------------------------------
// GBFS: a vehicle-sharing system's service, vehicle types, hubs and availability (see gbfs.ts).
// ---------------------------------------------------------------------------------------------

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
      if (!stored) await trx('gbfs_systems').insert({ ...row, updated_at: now, status_updated_at: null });
      else if (changed.length > 0) await trx('gbfs_systems').where('platform_cooperative_id', coopId).update(row);
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
    if (Object.keys(update).length > 0)
      await trx('gbfs_systems').where('platform_cooperative_id', coopId).update(update);
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
    if (!before) await trx('gbfs_vehicle_types').insert(row);
    else if (changed.length > 0) {
      await trx('gbfs_vehicle_types')
        .where({ platform_cooperative_id: coopId, vehicle_type_id: type.vehicleTypeId })
        .update(row);
    }
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
    if (!before) await trx('sharing_hubs').insert(row);
    else if (changed.length > 0) await trx('sharing_hubs').where('id', row.id).update(row);
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
    if (!before) await trx('sharing_hub_status').insert(row);
    else await trx('sharing_hub_status').where('hub_id', hubId).update(row);
    await trx('sharing_hub_vehicle_counts').where('hub_id', hubId).delete();
    if (counts.length > 0)
      await trx('sharing_hub_vehicle_counts').insert(counts.map((count) => ({ hub_id: hubId, ...count })));
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
    if (!before) await trx('gbfs_free_floating').insert(row);
    else if (changed.length > 0) {
      await trx('gbfs_free_floating')
        .where({ platform_cooperative_id: coopId, vehicle_type_id: group.vehicleTypeId })
        .update(row);
    }
    changedAny ||= changed.length > 0;
  }
  const gone = [...stored.keys()].filter((id) => !kept.has(id));
  if (gone.length > 0) {
    await trx('gbfs_free_floating').where('platform_cooperative_id', coopId).whereIn('vehicle_type_id', gone).delete();
    notes.push(`no free-floating vehicles of type(s) ${gone.join(', ')} any more`);
    changedAny = true;
  }
  if (parse.vehicles.atStations > 0) {
    notes.push(`${parse.vehicles.atStations} vehicle(s) at stations: counted by station_status, not again`);
  }
  return changedAny;
}
