/**
 * Writes imported MDS trips into the coop database: they become a platform co-op's usage
 * events, through the same `ingestUsage` as any other usage (its validation, idempotency by
 * client id and daily bins), in one transaction per file.
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
import * as w from '../db/writes.js';
import { chunked, rebuildBins } from '../db/queries.js';
import type { PlatformCooperativeRow, SharedAssetRow, UsageEventRow } from '../db/tables.js';
import { INGEST_LIMITS, type UsageEventInput } from '../ingest.js';
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
    await w.insertAssets(trx, [...newAssets.values()]);
    for (const [id, asset] of registered) {
      if (asset.commissioned_on !== commissionedBefore.get(id)) {
        await w.setAssetCommissioned(trx, id, asset.commissioned_on);
      }
    }

    const touchedDays = new Set<string>();
    const firstAccepted = new Map<string, string>();
    for (let start = 0; start < events.length; start += INGEST_LIMITS.maxEvents) {
      const batch = events.slice(start, start + INGEST_LIMITS.maxEvents);
      const outcome = await w.ingestUsage(
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
      if (!firstDay) await w.deleteAsset(trx, id);
      else {
        registeredCount++;
        if (firstDay !== asset.commissioned_on) await w.setAssetCommissioned(trx, id, firstDay);
      }
    }
    for (const [id, asset] of registered) {
      const before = commissionedBefore.get(id)!;
      const firstDay = firstAccepted.get(id);
      const wanted = firstDay && firstDay < before ? firstDay : before;
      if (wanted !== asset.commissioned_on) await w.setAssetCommissioned(trx, id, wanted);
    }
    if (registeredCount > 0) notes.push(`registered ${registeredCount} shared assets for MDS devices`);

    await assignRiders(trx, platformCooperativeId, [...touchedDays].sort());
    if (touchedDays.size > 0)
      notes.push(`rebuilt the bins of ${touchedDays.size} ${touchedDays.size === 1 ? 'day' : 'days'}`);
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
    for (const [ref, ids] of moves) await w.setMemberRef(trx, platformCooperativeId, ids, ref);
  }
  await rebuildBins(trx, [platformCooperativeId], days);
}
