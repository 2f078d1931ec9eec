import { requireScope } from '../../../lib/auth.js';
import { BadInputError } from '../../../lib/errors.js';
import { parsePage, type PageArgs } from '../../../lib/pagination.js';
import { asBoolean, reference } from '../../../lib/resolvers.js';
import { DateScalar } from '../../../lib/scalars.js';
import type { Resolvers } from '../../../lib/subgraph.js';
import type { EmissionFactorCategory } from '../domain.js';
import * as q from '../db/queries.js';
import type {
  BillOfMaterialsLineRow,
  EmissionFactorRow,
  OpenCooperativeRow,
  OpenDesignRow,
  ProductionRunRow,
} from '../db/tables.js';
import {
  MAX_YEAR,
  MIN_YEAR,
  REFERENCE_ELECTRICITY_FACTOR_ID,
  REFERENCE_FREIGHT_FACTOR_ID,
  designMassKg,
  footprint,
  isFootprintYear,
  kgCO2ePerPassengerKm,
  lineKgCO2e,
  type AnnualSharingFigure,
  type Footprint,
} from '../footprint.js';
import { cityYearKey, runUnitKey, unitEmbodiedKey, type ProductionLoaders } from '../loaders.js';
import { recordProductionRun, type RecordProductionRunInput } from '../record-run.js';
import { decideAssetOrigin, decideDelivery, type Decision } from '../consent.js';
import type { OwnerAccess } from '../owners.js';
import type { SubgraphContext } from '../../../lib/subgraph.js';
import { parseInput } from '../../../lib/validate.js';
import { assetDecisionSchema, deliveryDecisionSchema } from './validate.js';

type IdArgs = { id: string };

/**
 * A City as the gateway sends it: its key, plus the fields `footprint` @requires from the
 * league (population) and coop (annualSharing) subgraphs when that field is asked for.
 */
interface CityRepresentation {
  id: string;
  population?: number | null;
  annualSharing?: AnnualSharingFigure[] | null;
}

type Context = SubgraphContext<ProductionLoaders>;

/** Where this request may ask the owners of cities and assets (`owners.ts`). */
const ownerAccess = ({ settings, subgraphSecret }: Context): OwnerAccess => ({
  peerUrls: settings.peerUrls,
  subgraphSecret,
});

/** A resolver for `confirmDelivery` or `declineDelivery`. */
const deliveryDecision =
  (decision: Decision) =>
  async (_: unknown, args: { runId: string }, { db, loaders, viewer, logger }: Context) => {
    const { runId } = parseInput(deliveryDecisionSchema, args, '');
    const admin = await decideDelivery(db, viewer, runId, decision);
    logger.info({ runId, decision, subject: admin.subject }, 'production run delivery answered');
    return { run: await loaders.productionRun.load(runId) };
  };

/** A resolver for `confirmAssetOrigin` or `declineAssetOrigin`. */
const assetDecision =
  (decision: Decision) => async (_: unknown, args: { runId: string; assetIds: string[] }, context: Context) => {
    const { runId, assetIds } = parseInput(assetDecisionSchema, args, '');
    const { db, loaders, viewer, logger } = context;
    const operator = await decideAssetOrigin(db, ownerAccess(context), viewer, runId, assetIds, decision);
    logger.info({ runId, assetIds, decision, subject: operator.subject }, 'production run asset claims answered');
    return { run: await loaders.productionRun.load(runId) };
  };
/** A footprint as `City.footprint` returns it: the figures, plus the city `estimatedFactors` looks up. */
interface CityFootprint extends Footprint {
  cityId: string;
}

export const resolvers: Resolvers<ProductionLoaders> = {
  Date: DateScalar,
  Query: {
    openCooperative: (_: unknown, { id }: IdArgs, { loaders }) => loaders.openCooperative.load(id),
    openCooperatives: (_: unknown, args: PageArgs & { cityId?: string | null }, { db, settings }) =>
      q.listOpenCooperatives(db, parsePage(args, settings.maxPageSize), args.cityId),
    openDesign: (_: unknown, { id }: IdArgs, { loaders }) => loaders.openDesign.load(id),
    openDesigns: (_: unknown, args: PageArgs & q.OpenDesignFilter, { db, settings }) =>
      q.listOpenDesigns(db, parsePage(args, settings.maxPageSize), {
        assetKind: args.assetKind,
        openHardware: args.openHardware,
      }),
    productionRun: (_: unknown, { id }: IdArgs, { loaders }) => loaders.productionRun.load(id),
    productionRuns: (_: unknown, args: PageArgs & q.ProductionRunFilter, { db, settings }) =>
      q.listProductionRuns(db, parsePage(args, settings.maxPageSize), {
        cityId: args.cityId,
        platformCooperativeId: args.platformCooperativeId,
        deliveryStatus: args.deliveryStatus,
        claimStatus: args.claimStatus,
      }),
    emissionFactors: (_: unknown, args: PageArgs & { category?: EmissionFactorCategory | null }, { db, settings }) =>
      q.listEmissionFactors(db, parsePage(args, settings.maxPageSize), args.category),
  },
  Mutation: {
    recordProductionRun: async (_: unknown, { input }: { input: RecordProductionRunInput }, context: Context) => {
      const { db, loaders, viewer, logger } = context;
      // Authorize before any check or read, so a caller outside the co-op learns nothing.
      const writer = requireScope(viewer, 'production-operator', input.cooperativeId);
      const id = await recordProductionRun(db, ownerAccess(context), input);
      logger.info(
        { runId: id, cooperativeId: input.cooperativeId, subject: writer.subject },
        'production run recorded',
      );
      // Read back through the loaders, so the payload is the stored row with the usual resolvers.
      return { run: await loaders.productionRun.load(id) };
    },
    confirmDelivery: deliveryDecision('CONFIRMED'),
    declineDelivery: deliveryDecision('DECLINED'),
    confirmAssetOrigin: assetDecision('CONFIRMED'),
    declineAssetOrigin: assetDecision('DECLINED'),
  },
  OpenCooperative: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.openCooperative.load(ref.id),
    foundedYear: (coop: OpenCooperativeRow) => coop.founded_year,
    illustrative: (coop: OpenCooperativeRow) => asBoolean(coop.illustrative),
    city: (coop: OpenCooperativeRow) => reference('City', coop.city_id),
    designs: (coop: OpenCooperativeRow, _: unknown, { loaders }) => loaders.designsOfCooperative.load(coop.id),
    productionRuns: (coop: OpenCooperativeRow, _: unknown, { loaders }) =>
      loaders.productionRunsOfCooperative.load(coop.id),
  },
  OpenDesign: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.openDesign.load(ref.id),
    assetKind: (design: OpenDesignRow) => design.asset_kind,
    openHardware: (design: OpenDesignRow) => asBoolean(design.open_hardware),
    licenseNote: (design: OpenDesignRow) => design.license_note,
    repositoryUrl: (design: OpenDesignRow) => design.repository_url,
    manufacturingEnergyKwh: (design: OpenDesignRow) => design.manufacturing_energy_kwh,
    transportKm: (design: OpenDesignRow) => design.transport_km,
    technologyReadinessLevel: (design: OpenDesignRow) => design.technology_readiness_level,
    documentationReadinessLevel: (design: OpenDesignRow) => design.documentation_readiness_level,
    forkOf: (design: OpenDesignRow) => design.fork_of,
    illustrative: (design: OpenDesignRow) => asBoolean(design.illustrative),
    billOfMaterials: (design: OpenDesignRow, _: unknown, { loaders }) =>
      loaders.billOfMaterialsOfDesign.load(design.id),
    massKg: async (design: OpenDesignRow, _: unknown, { loaders }) =>
      designMassKg((await loaders.billOfMaterialsOfDesign.load(design.id)).map((line) => ({ massKg: line.mass_kg }))),
    embodiedKgCO2e: (design: OpenDesignRow, _: unknown, { loaders }) =>
      loaders.unitEmbodied.load(
        unitEmbodiedKey(design.id, REFERENCE_ELECTRICITY_FACTOR_ID, REFERENCE_FREIGHT_FACTOR_ID),
      ),
    builtBy: (design: OpenDesignRow, _: unknown, { loaders }) => loaders.buildersOfDesign.load(design.id),
  },
  BillOfMaterialsLine: {
    material: async (line: BillOfMaterialsLineRow, _: unknown, { loaders }) =>
      (await loaders.emissionFactor.load(line.emission_factor_id))?.name,
    massKg: (line: BillOfMaterialsLineRow) => line.mass_kg,
    emissionFactor: (line: BillOfMaterialsLineRow, _: unknown, { loaders }) =>
      loaders.emissionFactor.load(line.emission_factor_id),
    kgCO2e: async (line: BillOfMaterialsLineRow, _: unknown, { loaders }) => {
      const factor = await loaders.emissionFactor.load(line.emission_factor_id);
      return factor && lineKgCO2e({ massKg: line.mass_kg, kgCO2ePerKg: factor.kg_co2e_per_unit });
    },
  },
  ProductionRun: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.productionRun.load(ref.id),
    cooperative: (run: ProductionRunRow, _: unknown, { loaders }) => loaders.openCooperative.load(run.cooperative_id),
    design: (run: ProductionRunRow, _: unknown, { loaders }) => loaders.openDesign.load(run.design_id),
    completedOn: (run: ProductionRunRow) => run.completed_on,
    city: (run: ProductionRunRow) => reference('City', run.city_id),
    platformCooperative: (run: ProductionRunRow) => reference('PlatformCooperative', run.platform_cooperative_id),
    electricityFactor: (run: ProductionRunRow, _: unknown, { loaders }) =>
      loaders.emissionFactor.load(run.electricity_factor_id),
    freightFactor: (run: ProductionRunRow, _: unknown, { loaders }) =>
      loaders.emissionFactor.load(run.freight_factor_id),
    embodiedKgCO2e: async (run: ProductionRunRow, _: unknown, { loaders }) =>
      run.units * (await loaders.unitEmbodied.load(runUnitKey(run))),
    assets: async (run: ProductionRunRow, _: unknown, { loaders }) =>
      (await loaders.assetsOfRun.load(run.id)).map((row) => reference('SharedAsset', row.asset_id)),
    delivery: (run: ProductionRunRow) => ({ city: reference('City', run.city_id), status: run.delivery_status }),
    assetClaims: async (run: ProductionRunRow, _: unknown, { loaders }) =>
      (await loaders.claimsOfRun.load(run.id)).map((claim) => ({
        asset: reference('SharedAsset', claim.asset_id),
        status: claim.status,
      })),
  },
  EmissionFactor: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.emissionFactor.load(ref.id),
    kgCO2ePerUnit: (factor: EmissionFactorRow) => factor.kg_co2e_per_unit,
    kgCO2ePerPassengerKm: (factor: EmissionFactorRow) =>
      kgCO2ePerPassengerKm({
        category: factor.category,
        unit: factor.unit,
        kgCO2ePerUnit: factor.kg_co2e_per_unit,
        occupancy: factor.occupancy,
      }),
    sourceUrl: (factor: EmissionFactorRow) => factor.source_url,
    estimate: (factor: EmissionFactorRow) => asBoolean(factor.estimate),
    sourceReference: (factor: EmissionFactorRow) => factor.source_reference,
    publishedValue: (factor: EmissionFactorRow) => factor.published_value,
    tracedIn: (factor: EmissionFactorRow) => factor.traced_in,
  },
  Footprint: {
    estimatedFactors: (figure: CityFootprint, _: unknown, { loaders }) =>
      loaders.estimatedFactorsOfCityYear.load(cityYearKey(figure.cityId, figure.year)),
  },
  City: {
    // The league owns cities; the representation already carries what `footprint` @requires.
    __resolveReference: (ref: CityRepresentation) => ref,
    openCooperatives: (city: CityRepresentation, _: unknown, { loaders }) =>
      loaders.openCooperativesOfCity.load(city.id),
    footprint: async (city: CityRepresentation, { year }: { year: number }, { loaders }) => {
      if (!isFootprintYear(year)) {
        throw new BadInputError('year', `must be an integer from ${MIN_YEAR} to ${MAX_YEAR}, got ${year}.`);
      }
      const embodiedKgCO2e = await loaders.embodiedOfCityYear.load(cityYearKey(city.id, year));
      const figure = footprint({
        year,
        embodiedKgCO2e,
        population: city.population,
        annualSharing: city.annualSharing,
      });
      return { ...figure, cityId: city.id } satisfies CityFootprint;
    },
  },
  SharedAsset: {
    // The coop subgraph owns shared assets; here only the id matters.
    __resolveReference: (ref: IdArgs) => ref,
    origin: (asset: IdArgs, _: unknown, { loaders }) => loaders.originOfAsset.load(asset.id),
    embodiedKgCO2e: async (asset: IdArgs, _: unknown, { loaders }) => {
      const run = await loaders.originOfAsset.load(asset.id);
      return run && loaders.unitEmbodied.load(runUnitKey(run));
    },
  },
};
