import type { Knex } from 'knex';
import {
  insertBillOfMaterialsLines,
  insertDesignBuilders,
  insertEmissionFactors,
  insertOpenCooperatives,
  insertOpenDesigns,
  insertProductionRuns,
  insertRunAssets,
} from '../subgraphs/production/db/writes.js';
import type { World } from './world.js';

/**
 * Writes the production layer of the seed world: emission factors, open co-ops, open
 * designs with their builders and bills of materials, production runs and the assets
 * each run delivered. Parents first, so foreign keys hold at every insert. Every seeded
 * delivery and asset claim is written CONFIRMED: the seed world's runs stand for deliveries
 * their cities and co-ops agreed to, so seeded footprints and origins count as before.
 */
export async function seedProduction(db: Knex, world: World): Promise<void> {
  await db.transaction(async (trx) => {
    await insertEmissionFactors(
      trx,
      world.emissionFactors.map((f) => ({
        id: f.id,
        category: f.category,
        name: f.name,
        unit: f.unit,
        kg_co2e_per_unit: f.kgCO2ePerUnit,
        source: f.source,
        source_url: f.sourceUrl,
        license: f.license,
        year: f.year,
        region: f.region,
        occupancy: f.occupancy,
        notes: f.notes,
        estimate: f.estimate,
        source_reference: f.sourceReference,
        published_value: f.publishedValue,
        traced_in: f.tracedIn,
      })),
    );
    await insertOpenCooperatives(
      trx,
      world.openCooperatives.map((c) => ({
        id: c.id,
        name: c.name,
        city_id: c.cityId,
        description: c.description,
        website: c.website,
        founded_year: c.foundedYear,
        illustrative: c.illustrative,
      })),
    );
    await insertOpenDesigns(
      trx,
      world.openDesigns.map((d) => ({
        id: d.id,
        name: d.name,
        description: d.description,
        asset_kind: d.assetKind,
        license: d.license,
        open_hardware: d.openHardware,
        license_note: d.licenseNote,
        repository_url: d.repositoryUrl,
        version: d.version,
        steward: d.steward,
        manufacturing_energy_kwh: d.manufacturingEnergyKwh,
        transport_km: d.transportKm,
        // Readiness levels and forks are what Open Know-How manifests state; the seeds have none.
        technology_readiness_level: null,
        documentation_readiness_level: null,
        fork_of: null,
        // Every seeded bill of materials, energy and distance is illustrative (seeds/data/open-cooperatives.ts).
        illustrative: true,
      })),
    );
    await insertDesignBuilders(
      trx,
      world.openDesigns.flatMap((d) =>
        d.builtByCooperativeIds.map((cooperativeId) => ({ design_id: d.id, cooperative_id: cooperativeId })),
      ),
    );
    await insertBillOfMaterialsLines(
      trx,
      world.openDesigns.flatMap((d) =>
        d.billOfMaterials.map((line, index) => ({
          design_id: d.id,
          position: index + 1,
          emission_factor_id: line.emissionFactorId,
          mass_kg: line.massKg,
        })),
      ),
    );
    await insertProductionRuns(
      trx,
      world.productionRuns.map((r) => ({
        id: r.id,
        cooperative_id: r.cooperativeId,
        design_id: r.designId,
        units: r.units,
        completed_on: r.completedOn,
        city_id: r.cityId,
        platform_cooperative_id: r.platformCooperativeId,
        electricity_factor_id: r.electricityFactorId,
        freight_factor_id: r.freightFactorId,
        // The seed world's deliveries are illustrative and taken as agreed by their cities.
        delivery_status: 'CONFIRMED',
      })),
    );
    await insertRunAssets(
      trx, // Each seeded run built the assets of its own platform co-op (seeds/world.ts), so confirmed.
      world.productionRuns.flatMap((r) =>
        r.assetIds.map((assetId) => ({ run_id: r.id, asset_id: assetId, status: 'CONFIRMED' as const })),
      ),
    );
  });
}
