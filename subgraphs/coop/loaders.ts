import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { byKeys, groupByKeys } from '../../lib/db.js';
import type { SubgraphSettings } from '../../lib/subgraph.js';
import * as g from './db/gbfs.js';
import * as q from './db/queries.js';
import { assetAvailability, type Period, type SharingParts } from './sharing.js';

/** The key of one co-op's sharing in one period, for the `sharing` loader. */
export const sharingKey = (coopId: string, period: Period) => `${coopId}|${period.from}|${period.to}`;

/** One DataLoader set per request: every list, reference and aggregate costs one query per batch. */
export function createLoaders(db: Knex, settings: SubgraphSettings) {
  const k = settings.suppressionK;
  const assetsOfCoop = new DataLoader((ids: readonly string[]) =>
    q.assetsOfPlatformCooperatives(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
  );

  /** Sharing parts of co-ops for periods; keys made by `sharingKey`, batched per distinct period. */
  async function loadSharing(keys: readonly string[]): Promise<SharingParts[]> {
    const byPeriod = new Map<string, string[]>();
    for (const key of keys) {
      const [coopId, from, to] = key.split('|') as [string, string, string];
      const periodId = `${from}|${to}`;
      byPeriod.set(periodId, [...(byPeriod.get(periodId) ?? []), coopId]);
    }
    const results = new Map<string, SharingParts>();
    await Promise.all(
      [...byPeriod].map(async ([periodId, coopIds]) => {
        const [from, to] = periodId.split('|') as [string, string];
        const period = { from, to };
        const [totals, members, assets] = await Promise.all([
          q.binTotals(db, coopIds, from, to, k),
          q.visibleMembers(db, coopIds, from, to, k),
          assetsOfCoop.loadMany(coopIds),
        ]);
        coopIds.forEach((coopId, index) => {
          const total = totals.find((row) => row.platform_cooperative_id === coopId);
          const owned = assets[index];
          if (owned instanceof Error) throw owned;
          results.set(sharingKey(coopId, period), {
            period,
            ...assetAvailability(owned ?? [], period),
            bins: total?.bins ?? 0,
            visibleBins: total?.visible_bins ?? 0,
            uses: total?.uses ?? 0,
            activeMembers: members.find((row) => row.platform_cooperative_id === coopId)?.members ?? 0,
            hoursInUse: total?.hours_in_use ?? 0,
            km: total?.km ?? 0,
            nights: total?.nights ?? 0,
            avoidedKg: total?.avoided_kg ?? 0,
          });
        });
      }),
    );
    return keys.map((key) => results.get(key)!);
  }

  return {
    platformCooperative: new DataLoader((ids: readonly string[]) =>
      q.platformCooperativesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    sharedAsset: new DataLoader((ids: readonly string[]) =>
      q.sharedAssetsByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    coopsOfCity: new DataLoader((ids: readonly string[]) =>
      q.platformCooperativesWhere(db, 'city_id', ids).then((rows) => groupByKeys(ids, rows, (r) => r.city_id)),
    ),
    coopsOfApplication: new DataLoader((ids: readonly string[]) =>
      q
        .platformCooperativesWhere(db, 'application_id', ids)
        .then((rows) => groupByKeys(ids, rows, (r) => r.application_id ?? '')),
    ),
    assetsOfCoop,
    sharing: new DataLoader(loadSharing),
    gbfsSystem: new DataLoader((ids: readonly string[]) =>
      g.gbfsSystemsOf(db, ids).then((rows) => byKeys(ids, rows, (r) => r.platform_cooperative_id)),
    ),
    vehicleTypesOfCoop: new DataLoader((ids: readonly string[]) =>
      g.vehicleTypesOf(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
    ),
    freeFloatingOfCoop: new DataLoader((ids: readonly string[]) =>
      g.freeFloatingKindsOf(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
    ),
    hubsOfCoop: new DataLoader((ids: readonly string[]) =>
      g.hubsOf(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
    ),
    hubStatus: new DataLoader((ids: readonly string[]) =>
      g.hubStatusesOf(db, ids).then((rows) => byKeys(ids, rows, (r) => r.hub_id)),
    ),
    hubKindCounts: new DataLoader((ids: readonly string[]) =>
      g.hubKindCountsOf(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.hub_id)),
    ),
    annualOfCoop: new DataLoader((ids: readonly string[]) =>
      q.annualBinTotals(db, ids, k).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
    ),
  };
}

export type CoopLoaders = ReturnType<typeof createLoaders>;
