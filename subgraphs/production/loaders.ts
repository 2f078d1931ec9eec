import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { byKeys, groupByKeys } from '../../lib/db.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import * as q from './db/queries.js';
import { asBoolean } from '../../lib/resolvers.js';
import type { EmissionFactorRow, ProductionRunRow } from './db/tables.js';
import { unitEmbodiedKgCO2e } from './footprint.js';

/** Key of `unitEmbodied`: a design priced with one electricity and one freight factor. */
export interface UnitEmbodiedKey {
  designId: string;
  electricityFactorId: string;
  freightFactorId: string;
}

/** The `unitEmbodied` key of a run: its design priced with the run's own factors. */
export const runUnitKey = (run: ProductionRunRow): UnitEmbodiedKey => ({
  designId: run.design_id,
  electricityFactorId: run.electricity_factor_id,
  freightFactorId: run.freight_factor_id,
});

/** Key of `embodiedOfCityYear` and `estimatedFactorsOfCityYear`: a city in one year. */
export interface CityYearKey {
  cityId: string;
  year: number;
}

/** The year a run counts in: the year it was completed. */
const yearOf = (run: ProductionRunRow): number => Number(run.completed_on.slice(0, 4));

/**
 * Cache identities of the object keys (DataLoader compares keys by identity otherwise). Ids are
 * slugs, so `|` cannot occur in them; the string never leaves the cache.
 */
const unitEmbodiedCacheKey = (key: UnitEmbodiedKey): string =>
  `${key.designId}|${key.electricityFactorId}|${key.freightFactorId}`;
const cityYearCacheKey = (key: CityYearKey): string => `${key.cityId}|${key.year}`;

/** One DataLoader set per request: every list, reference and figure below costs one query per batch. */
export function createLoaders(db: Knex) {
  const emissionFactor = new DataLoader((ids: readonly string[]) =>
    q.emissionFactorsByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
  );
  const openDesign = new DataLoader((ids: readonly string[]) =>
    q.openDesignsByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
  );
  const billOfMaterialsOfDesign = new DataLoader((ids: readonly string[]) =>
    q.billOfMaterialsOfDesigns(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.design_id)),
  );

  /** Per-unit embodied kg CO2e of a design priced with two factors, from the design, its BOM and the factors. */
  async function computeUnitEmbodied({
    designId,
    electricityFactorId,
    freightFactorId,
  }: UnitEmbodiedKey): Promise<number> {
    const [design, lines] = await Promise.all([openDesign.load(designId), billOfMaterialsOfDesign.load(designId)]);
    if (!design) throw new Error(`No open design "${designId}".`);
    // Material, electricity and freight factors in one batch, shared with every other key.
    const factorIds = [electricityFactorId, freightFactorId, ...lines.map((line) => line.emission_factor_id)];
    const factors = await emissionFactor.loadMany(factorIds);
    const factorOf = (id: string): number => {
      const factor = factors[factorIds.indexOf(id)];
      if (!factor || factor instanceof Error) throw new Error(`No emission factor "${id}".`);
      return factor.kg_co2e_per_unit;
    };
    return unitEmbodiedKgCO2e(
      {
        manufacturingEnergyKwh: design.manufacturing_energy_kwh,
        transportKm: design.transport_km,
        billOfMaterials: lines.map((line) => ({
          massKg: line.mass_kg,
          kgCO2ePerKg: factorOf(line.emission_factor_id),
        })),
      },
      factorOf(electricityFactorId),
      factorOf(freightFactorId),
    );
  }

  const unitEmbodied = new DataLoader(
    (keys: readonly UnitEmbodiedKey[]) =>
      // A missing design or factor fails its own key, not the whole batch.
      Promise.all(keys.map((key) => computeUnitEmbodied(key).catch((error: Error) => error))),
    { cacheKeyFn: unitEmbodiedCacheKey },
  );

  /** Runs delivered to a city in a year: one query per distinct year for all cities of the batch. */
  const runsOfCityYear = new DataLoader(
    async (keys: readonly CityYearKey[]) => {
      const citiesByYear = new Map<number, string[]>();
      for (const { cityId, year } of keys) citiesByYear.set(year, [...(citiesByYear.get(year) ?? []), cityId]);
      const runs = (
        await Promise.all([...citiesByYear].map(([year, cityIds]) => q.productionRunsOfCitiesInYear(db, cityIds, year)))
      ).flat();
      return groupByKeys(keys.map(cityYearCacheKey), runs, (run) =>
        cityYearCacheKey({ cityId: run.city_id, year: yearOf(run) }),
      );
    },
    { cacheKeyFn: cityYearCacheKey },
  );

  /**
   * The factors with `estimate` set among those that price the given runs: each run's
   * electricity and freight factors and its design's bill of materials. Ordered by id.
   */
  async function estimatedFactorsOfRuns(runs: readonly ProductionRunRow[]): Promise<EmissionFactorRow[]> {
    const boms = await billOfMaterialsOfDesign.loadMany([...new Set(runs.map((run) => run.design_id))]);
    const ids = new Set(runs.flatMap((run) => [run.electricity_factor_id, run.freight_factor_id]));
    for (const lines of boms) {
      if (lines instanceof Error) throw lines;
      for (const line of lines) ids.add(line.emission_factor_id);
    }
    const factors = await emissionFactor.loadMany([...ids]);
    return factors
      .filter(
        (factor): factor is EmissionFactorRow =>
          factor != null && !(factor instanceof Error) && asBoolean(factor.estimate),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  return {
    emissionFactor,
    openDesign,
    billOfMaterialsOfDesign,
    /** Embodied kg CO2e of one unit of a design priced with two factors. */
    unitEmbodied,
    openCooperative: new DataLoader((ids: readonly string[]) =>
      q.openCooperativesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    productionRun: new DataLoader((ids: readonly string[]) =>
      q.productionRunsByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    openCooperativesOfCity: new DataLoader((ids: readonly string[]) =>
      q.openCooperativesOfCities(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.city_id)),
    ),
    designsOfCooperative: new DataLoader((ids: readonly string[]) =>
      q.designsOfCooperatives(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.cooperative_id)),
    ),
    buildersOfDesign: new DataLoader((ids: readonly string[]) =>
      q.buildersOfDesigns(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.design_id)),
    ),
    productionRunsOfCooperative: new DataLoader((ids: readonly string[]) =>
      q.productionRunsOfCooperatives(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.cooperative_id)),
    ),
    assetsOfRun: new DataLoader((ids: readonly string[]) =>
      q.assetsOfRuns(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.run_id)),
    ),
    /** Every claim of a run on an asset, whatever its status. */
    claimsOfRun: new DataLoader((ids: readonly string[]) =>
      q.claimsOfRuns(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.run_id)),
    ),
    /** The run each shared asset comes from (its confirmed claim), null when none. */
    originOfAsset: new DataLoader((ids: readonly string[]) =>
      q.runsOfAssets(db, ids).then((rows) => byKeys(ids, rows, (r) => r.asset_id)),
    ),
    /**
     * Embodied kg CO2e of the runs whose delivery a city confirmed in a year: one query per
     * distinct year for all cities of the batch, then the per-unit figures of every run in one
     * more round of batches.
     */
    embodiedOfCityYear: new DataLoader(
      async (keys: readonly CityYearKey[]) => {
        const runs = (await runsOfCityYear.loadMany(keys)).flatMap((found) => {
          if (found instanceof Error) throw found;
          return found;
        });
        const perUnit = await unitEmbodied.loadMany(runs.map(runUnitKey));
        const totals = new Map<string, number>();
        runs.forEach((run, i) => {
          const figure = perUnit[i];
          if (figure instanceof Error) throw figure;
          const key = cityYearCacheKey({ cityId: run.city_id, year: yearOf(run) });
          totals.set(key, (totals.get(key) ?? 0) + run.units * figure!);
        });
        return keys.map((key) => totals.get(cityYearCacheKey(key)) ?? 0);
      },
      { cacheKeyFn: cityYearCacheKey },
    ),
    /** Estimate factors behind `embodiedOfCityYear`, ordered by id. */
    estimatedFactorsOfCityYear: new DataLoader(
      async (keys: readonly CityYearKey[]) => {
        const runsPerKey = await runsOfCityYear.loadMany(keys);
        return Promise.all(
          runsPerKey.map((runs) => (runs instanceof Error ? Promise.resolve(runs) : estimatedFactorsOfRuns(runs))),
        );
      },
      { cacheKeyFn: cityYearCacheKey },
    ),
  };
}

export type ProductionLoaders = ReturnType<typeof createLoaders>;

/** What every production resolver receives as its context (the generated resolver types name it). */
export type ProductionContext = SubgraphContext<ProductionLoaders>;
