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

/** One co-op's sharing in one period: a key of the `sharing` loader. */
export interface SharingKey {
  coopId: string;
  period: Period;
}

/** One co-op's calendar cells of one year: a key of the `cellsOfCoop` loader. */
interface CellsKey {
  coopId: string;
  year: number;
}

/** The cache identity of a period; ISO days hold no `|`. */
const periodId = (period: Period) => `${period.from}|${period.to}`;

/** The cache identity of a `SharingKey` (DataLoader compares keys by identity otherwise). */
const sharingCacheKey = ({ coopId, period }: SharingKey) => `${coopId}|${periodId(period)}`;

/** The cache identity of a `CellsKey`. */
const cellsCacheKey = ({ coopId, year }: CellsKey) => `${coopId}|${year}`;

/** The co-op ids of `keys`, grouped by what `groupOf` says they share. */
function coopsBy<K extends { coopId: string }, G>(keys: readonly K[], groupOf: (key: K) => [string, G]) {
  const groups = new Map<string, { group: G; coopIds: string[] }>();
  for (const key of keys) {
    const [id, group] = groupOf(key);
    const entry = groups.get(id) ?? { group, coopIds: [] };
    entry.coopIds.push(key.coopId);
    groups.set(id, entry);
  }
  return [...groups.values()];
}

/** One DataLoader set per request: every list, reference and aggregate costs one query per batch. */
export function createLoaders(db: Knex, settings: SubgraphSettings) {
  const k = settings.suppressionK;
  const assetsOfCoop = new DataLoader((ids: readonly string[]) =>
    q.assetsOfPlatformCooperatives(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.platform_cooperative_id)),
  );

  /** Published distinct-member cells (rule 3) of co-op years, batched per year. */
  async function loadCells(keys: readonly CellsKey[]): Promise<PublishedCells[]> {
    const results = new Map<string, PublishedCells>();
    await Promise.all(
      coopsBy(keys, ({ year }) => [String(year), year]).map(async ({ group: year, coopIds }) => {
        const rows = await q.cellCounts(db, coopIds, year, k);
        for (const coopId of coopIds) {
          const row = rows.find((r) => r.platform_cooperative_id === coopId);
          const cells = publishCells(row?.members ?? 0, row?.months ?? Array(12).fill(0), k);
          results.set(cellsCacheKey({ coopId, year }), cells);
        }
      }),
    );
    return keys.map((key) => results.get(cellsCacheKey(key))!);
  }
  const cellsOfCoop = new DataLoader(loadCells, { cacheKeyFn: cellsCacheKey });

  /** Sharing parts of co-ops for periods, batched per distinct period. */
  async function loadSharing(keys: readonly SharingKey[]): Promise<SharingParts[]> {
    const results = new Map<string, SharingParts>();
    await Promise.all(
      coopsBy(keys, ({ period }) => [periodId(period), period]).map(async ({ group: period, coopIds }) => {
        const cell = cellOf(period);
        const [totals, cells, assets] = await Promise.all([
          q.periodTotals(db, coopIds, period.from, period.to, k),
          cell ? cellsOfCoop.loadMany(coopIds.map((coopId) => ({ coopId, year: cell.year }))) : null,
          assetsOfCoop.loadMany(coopIds),
        ]);
        coopIds.forEach((coopId, index) => {
          const total = totals.find((row) => row.platform_cooperative_id === coopId);
          const owned = assets[index];
          if (owned instanceof Error) throw owned;
          const published = cells?.[index];
          if (published instanceof Error) throw published;
          results.set(sharingCacheKey({ coopId, period }), {
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
    return keys.map((key) => results.get(sharingCacheKey(key))!);
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
    sharing: new DataLoader(loadSharing, { cacheKeyFn: sharingCacheKey }),
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
