import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { byKeys, groupByKeys } from '../../lib/db.js';
import type { SubgraphContext, SubgraphSettings } from '../../lib/subgraph.js';
import * as g from './db/gbfs.js';
import * as q from './db/queries.js';
import {
  assetAvailability,
  cellOf,
  cellValue,
  publishCells,
  type Period,
  type PublishedCells,
  type SharingParts,
} from './sharing.js';

/** The key of one co-op's sharing in one period, for the `sharing` loader. */
export const sharingKey = (coopId: string, period: Period) => `${coopId}|${period.from}|${period.to}`;

/** The key of one co-op's calendar cells of one year, for the `cellsOfCoop` loader. */
const cellsKey = (coopId: string, year: number) => `${coopId}|${year}`;

/** One DataLoader set per request: every list, reference and aggregate costs one query per batch. */
export function createLoaders(db: Knex, settings: SubgraphSettings) {
  const k = settings.suppressionK;
  const assetsOfCoop = new DataLoader((ids: readonly string[]) =>
    q.assetsOfPlatformCooperatives(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
  );

  /** Published distinct-member cells (rule 3) of co-op years; keys made by `cellsKey`, batched per year. */
  async function loadCells(keys: readonly string[]): Promise<PublishedCells[]> {
    const byYear = new Map<number, string[]>();
    for (const key of keys) {
      const [coopId, year] = key.split('|') as [string, string];
      byYear.set(Number(year), [...(byYear.get(Number(year)) ?? []), coopId]);
    }
    const results = new Map<string, PublishedCells>();
    await Promise.all(
      [...byYear].map(async ([year, coopIds]) => {
        const rows = await q.cellCounts(db, coopIds, year, k);
        for (const coopId of coopIds) {
          const row = rows.find((r) => r.platform_cooperative_id === coopId);
          results.set(cellsKey(coopId, year), publishCells(row?.members ?? 0, row?.months ?? Array(12).fill(0), k));
        }
      }),
    );
    return keys.map((key) => results.get(key)!);
  }
  const cellsOfCoop = new DataLoader(loadCells);

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
        const cell = cellOf(period);
        const [totals, cells, assets] = await Promise.all([
          q.binTotals(db, coopIds, from, to, k),
          cell ? cellsOfCoop.loadMany(coopIds.map((id) => cellsKey(id, cell.year))) : null,
          assetsOfCoop.loadMany(coopIds),
        ]);
        coopIds.forEach((coopId, index) => {
          const total = totals.find((row) => row.platform_cooperative_id === coopId);
          const owned = assets[index];
          if (owned instanceof Error) throw owned;
          const published = cells?.[index];
          if (published instanceof Error) throw published;
          results.set(sharingKey(coopId, period), {
            period,
            ...assetAvailability(owned ?? [], period),
            visibleBins: total?.visible_bins ?? 0,
            uses: total?.uses ?? 0,
            memberDays: total?.member_days ?? 0,
            cellMembers: cell && published ? cellValue(published, cell) : 0,
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
    cellsOfCoop,
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

/** What every coop resolver receives as its context (the generated resolver types name it). */
export type CoopContext = SubgraphContext<CoopLoaders>;
