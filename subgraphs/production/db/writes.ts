/**
 * Every write of the production database: the mutations (recordProductionRun and the consent
 * answers) and the OKH importer call the same operations. Each takes the knex handle or the
 * caller's transaction first and knows nothing of GraphQL. The bulk inserts at the end load rows
 * known to be valid (the seed world), in chunks.
 */
import type { Knex } from 'knex';
import { insertInChunks } from '../../../lib/db.js';
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

/** Writes one run and its claims on assets, both PENDING; pass a transaction so both land or neither does. */
export async function insertProductionRun(db: Knex, run: ProductionRunRow, assetIds: readonly string[]): Promise<void> {
  await db<ProductionRunRow>('production_runs').insert(run);
  await insertInChunks<RunAssetRow>(
    db,
    'run_assets',
    assetIds.map((assetId) => ({ run_id: run.id, asset_id: assetId, status: 'PENDING' })),
  );
}

/** Records the city's answer to a run's delivery. */
export async function setDeliveryStatus(db: Knex, runId: string, status: ConsentStatus): Promise<void> {
  await db<ProductionRunRow>('production_runs').where({ id: runId }).update({ delivery_status: status });
}

/**
 * Records a co-op's answer to one run's claims on its assets. Confirming also declines the
 * other runs' pending claims on the same assets: an asset has one origin. Pass a transaction.
 */
export async function setClaimStatus(
  db: Knex,
  runId: string,
  assetIds: readonly string[],
  status: ConsentStatus,
): Promise<void> {
  if (status === 'CONFIRMED') {
    await db<RunAssetRow>('run_assets')
      .whereIn('asset_id', assetIds)
      .whereNot('run_id', runId)
      .where('status', 'PENDING')
      .update({ status: 'DECLINED' });
  }
  await db<RunAssetRow>('run_assets').where('run_id', runId).whereIn('asset_id', assetIds).update({ status });
}

/** A new open design; `illustrative` takes the column's default. */
export type NewOpenDesign = Omit<OpenDesignRow, 'illustrative'>;

/** Inserts an open design (the OKH importer creates them). */
export async function insertOpenDesign(db: Knex, design: NewOpenDesign): Promise<void> {
  await db<OpenDesignRow>('open_designs').insert(design);
}

/** The open design columns an OKH manifest rewrites. */
export type OpenDesignFields = Partial<Omit<OpenDesignRow, 'id'>>;

/** Rewrites an open design's descriptive columns. */
export async function updateOpenDesign(db: Knex, id: string, fields: OpenDesignFields): Promise<void> {
  await db<OpenDesignRow>('open_designs').where('id', id).update(fields);
}

/** Replaces a design's bill of materials with `lines`; pass a transaction so none is lost midway. */
export async function replaceBillOfMaterials(
  db: Knex,
  designId: string,
  lines: readonly BillOfMaterialsLineRow[],
): Promise<void> {
  await db('bill_of_materials_lines').where('design_id', designId).delete();
  if (lines.length > 0) await db('bill_of_materials_lines').insert(lines);
}

/** Inserts emission factors. */
export async function insertEmissionFactors(db: Knex, rows: readonly EmissionFactorRow[]): Promise<void> {
  await insertInChunks(db, 'emission_factors', rows);
}

/** Inserts open co-ops. */
export async function insertOpenCooperatives(db: Knex, rows: readonly OpenCooperativeRow[]): Promise<void> {
  await insertInChunks(db, 'open_cooperatives', rows);
}

/** Inserts open designs, `illustrative` included. */
export async function insertOpenDesigns(db: Knex, rows: readonly OpenDesignRow[]): Promise<void> {
  await insertInChunks(db, 'open_designs', rows);
}

/** Inserts which open co-ops build which designs. */
export async function insertDesignBuilders(db: Knex, rows: readonly DesignBuilderRow[]): Promise<void> {
  await insertInChunks(db, 'design_builders', rows);
}

/** Inserts lines of designs' bills of materials. */
export async function insertBillOfMaterialsLines(db: Knex, rows: readonly BillOfMaterialsLineRow[]): Promise<void> {
  await insertInChunks(db, 'bill_of_materials_lines', rows);
}

/** Inserts production runs with their consent state given (insertProductionRun writes a new, PENDING one). */
export async function insertProductionRuns(db: Knex, rows: readonly ProductionRunRow[]): Promise<void> {
  await insertInChunks(db, 'production_runs', rows);
}

/** Inserts runs' claims on assets with their consent state given. */
export async function insertRunAssets(db: Knex, rows: readonly RunAssetRow[]): Promise<void> {
  await insertInChunks(db, 'run_assets', rows);
}
