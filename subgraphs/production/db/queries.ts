import type { Knex } from 'knex';
import type { Connection, Page } from '../../../lib/pagination.js';
import { paginate } from '../../../lib/pagination.js';
import type { AssetKind, EmissionFactorCategory } from '../domain.js';
import type {
  BillOfMaterialsLineRow,
  ConsentStatus,
  DesignBuilderRow,
  EmissionFactorRow,
  OpenCooperativeRow,
  OpenDesignRow,
  ProductionRunRow,
  RunAssetRow,
} from './tables.js';

/** Criteria of the `openDesigns` list. */
export interface OpenDesignFilter {
  assetKind?: AssetKind | null;
  openHardware?: boolean | null;
}

export function emissionFactorsByIds(db: Knex, ids: readonly string[]): Promise<EmissionFactorRow[]> {
  return db<EmissionFactorRow>('emission_factors').whereIn('id', ids);
}

export function listEmissionFactors(
  db: Knex,
  page: Page,
  category?: EmissionFactorCategory | null,
): Promise<Connection<EmissionFactorRow>> {
  return paginate<EmissionFactorRow & Record<string, unknown>>(db, 'emission_factors', page, (query) =>
    category ? query.where('emission_factors.category', category) : query,
  );
}

export function openCooperativesByIds(db: Knex, ids: readonly string[]): Promise<OpenCooperativeRow[]> {
  return db<OpenCooperativeRow>('open_cooperatives').whereIn('id', ids);
}

export function listOpenCooperatives(
  db: Knex,
  page: Page,
  cityId?: string | null,
): Promise<Connection<OpenCooperativeRow>> {
  return paginate<OpenCooperativeRow & Record<string, unknown>>(db, 'open_cooperatives', page, (query) =>
    cityId ? query.where('open_cooperatives.city_id', cityId) : query,
  );
}

/** Open co-ops based in the given cities, for grouping by city. */
export function openCooperativesOfCities(db: Knex, cityIds: readonly string[]): Promise<OpenCooperativeRow[]> {
  return db<OpenCooperativeRow>('open_cooperatives').whereIn('city_id', cityIds).orderBy('id');
}

export function openDesignsByIds(db: Knex, ids: readonly string[]): Promise<OpenDesignRow[]> {
  return db<OpenDesignRow>('open_designs').whereIn('id', ids);
}

export function listOpenDesigns(
  db: Knex,
  page: Page,
  filter: OpenDesignFilter = {},
): Promise<Connection<OpenDesignRow>> {
  return paginate<OpenDesignRow & Record<string, unknown>>(db, 'open_designs', page, (query) => {
    if (filter.assetKind) query.where('open_designs.asset_kind', filter.assetKind);
    if (filter.openHardware != null) query.where('open_designs.open_hardware', filter.openHardware);
    return query;
  });
}

/** Designs built by the given co-ops, for grouping by co-op. */
export function designsOfCooperatives(
  db: Knex,
  cooperativeIds: readonly string[],
): Promise<(OpenDesignRow & { cooperative_id: string })[]> {
  return db('open_designs')
    .join('design_builders as b', 'b.design_id', 'open_designs.id')
    .whereIn('b.cooperative_id', cooperativeIds)
    .select('open_designs.*', 'b.cooperative_id')
    .orderBy('open_designs.id');
}

/** Co-ops building the given designs, for grouping by design. */
export function buildersOfDesigns(
  db: Knex,
  designIds: readonly string[],
): Promise<(OpenCooperativeRow & { design_id: string })[]> {
  return db('open_cooperatives')
    .join('design_builders as b', 'b.cooperative_id', 'open_cooperatives.id')
    .whereIn('b.design_id', designIds)
    .select('open_cooperatives.*', 'b.design_id')
    .orderBy('open_cooperatives.id');
}

/** Bill-of-materials lines of the given designs, in position order. */
export function billOfMaterialsOfDesigns(db: Knex, designIds: readonly string[]): Promise<BillOfMaterialsLineRow[]> {
  return db<BillOfMaterialsLineRow>('bill_of_materials_lines')
    .whereIn('design_id', designIds)
    .orderBy(['design_id', 'position']);
}

export function productionRunsByIds(db: Knex, ids: readonly string[]): Promise<ProductionRunRow[]> {
  return db<ProductionRunRow>('production_runs').whereIn('id', ids);
}

/** Criteria of the `productionRuns` list. */
export interface ProductionRunFilter {
  cityId?: string | null;
  platformCooperativeId?: string | null;
  deliveryStatus?: ConsentStatus | null;
  claimStatus?: ConsentStatus | null;
}

export function listProductionRuns(
  db: Knex,
  page: Page,
  filter: ProductionRunFilter = {},
): Promise<Connection<ProductionRunRow>> {
  return paginate<ProductionRunRow & Record<string, unknown>>(db, 'production_runs', page, (query) => {
    if (filter.cityId) query.where('production_runs.city_id', filter.cityId);
    if (filter.platformCooperativeId) {
      query.where('production_runs.platform_cooperative_id', filter.platformCooperativeId);
    }
    if (filter.deliveryStatus) query.where('production_runs.delivery_status', filter.deliveryStatus);
    if (filter.claimStatus) {
      query.whereExists(
        db('run_assets')
          .whereRaw('run_assets.run_id = production_runs.id')
          .where('run_assets.status', filter.claimStatus),
      );
    }
    return query;
  });
}

/** Runs of the given co-ops, newest first. */
export function productionRunsOfCooperatives(db: Knex, cooperativeIds: readonly string[]): Promise<ProductionRunRow[]> {
  return db<ProductionRunRow>('production_runs')
    .whereIn('cooperative_id', cooperativeIds)
    .orderBy([{ column: 'completed_on', order: 'desc' }, 'id']);
}

/** Runs whose delivery the given cities confirmed, completed in one calendar year. */
export function productionRunsOfCitiesInYear(
  db: Knex,
  cityIds: readonly string[],
  year: number,
): Promise<ProductionRunRow[]> {
  // completed_on is an ISO date string, so a string range selects the calendar year.
  return db<ProductionRunRow>('production_runs')
    .whereIn('city_id', cityIds)
    .where('delivery_status', 'CONFIRMED')
    .whereBetween('completed_on', [`${year}-01-01`, `${year}-12-31`]);
}

/** Confirmed assets of the given runs (those the run is the origin of), in asset id order. */
export function assetsOfRuns(db: Knex, runIds: readonly string[]): Promise<RunAssetRow[]> {
  return db<RunAssetRow>('run_assets').whereIn('run_id', runIds).where('status', 'CONFIRMED').orderBy('asset_id');
}

/** Every claim of the given runs on assets, whatever its status, in asset id order. */
export function claimsOfRuns(db: Knex, runIds: readonly string[]): Promise<RunAssetRow[]> {
  return db<RunAssetRow>('run_assets').whereIn('run_id', runIds).orderBy('asset_id');
}

/** The run each of the given assets comes from (its confirmed claim), with the asset id alongside. */
export function runsOfAssets(
  db: Knex,
  assetIds: readonly string[],
): Promise<(ProductionRunRow & { asset_id: string })[]> {
  return db('production_runs')
    .join('run_assets', 'run_assets.run_id', 'production_runs.id')
    .whereIn('run_assets.asset_id', assetIds)
    .where('run_assets.status', 'CONFIRMED')
    .select('production_runs.*', 'run_assets.asset_id');
}

/** True when the co-op is one of the design's builders. */
export async function buildsDesign(db: Knex, cooperativeId: string, designId: string): Promise<boolean> {
  const row = await db<DesignBuilderRow>('design_builders')
    .where({ cooperative_id: cooperativeId, design_id: designId })
    .first();
  return row !== undefined;
}

/** The confirmed claims (origins) among the given assets, optionally leaving one run out, in asset id order. */
export function confirmedOrigins(db: Knex, assetIds: readonly string[], exceptRunId?: string): Promise<RunAssetRow[]> {
  if (assetIds.length === 0) return Promise.resolve([]);
  const query = db<RunAssetRow>('run_assets').whereIn('asset_id', assetIds).where('status', 'CONFIRMED');
  if (exceptRunId) query.whereNot('run_id', exceptRunId);
  return query.orderBy('asset_id');
}

/**
 * Locks every claim on the given assets, in one order, until the transaction ends (PostgreSQL;
 * SQLite runs one write transaction at a time anyway). Two co-op answers on the same assets
 * then run one after the other instead of deadlocking, and the second sees the first's result.
 */
export async function lockClaimsOfAssets(trx: Knex, assetIds: readonly string[]): Promise<void> {
  if (trx.client.config.client !== 'pg') return;
  await trx<RunAssetRow>('run_assets').whereIn('asset_id', assetIds).orderBy(['asset_id', 'run_id']).forUpdate();
}
