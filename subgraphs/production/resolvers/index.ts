import { requireScope } from '../../../lib/auth.js';
import { BadInputError } from '../../../lib/errors.js';
import { parsePage } from '../../../lib/pagination.js';
import { asBoolean, reference, required } from '../../../lib/resolvers.js';
import { DateScalar } from '../../../lib/scalars.js';
import * as q from '../db/queries.js';
import type { BillOfMaterialsLineRow, EmissionFactorRow } from '../db/tables.js';
import type { Resolvers } from '../generated/resolvers.js';
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
} from '../footprint.js';
import { runUnitKey, type ProductionLoaders } from '../loaders.js';
import { recordProductionRun, type RecordProductionRunInput } from '../record-run.js';
import type { CityFootprint } from './parents.js';
import { decideAssetOrigin, decideDelivery, type Decision } from '../consent.js';
import type { OwnerAccess } from '../owners.js';
import type { SubgraphContext } from '../../../lib/subgraph.js';
import { parseInput } from '../../../lib/validate.js';
import { assetDecisionSchema, deliveryDecisionSchema } from './validate.js';

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
    return { run: required(await loaders.productionRun.load(runId), runId) };
  };

/** A resolver for `confirmAssetOrigin` or `declineAssetOrigin`. */
const assetDecision =
  (decision: Decision) => async (_: unknown, args: { runId: string; assetIds: string[] }, context: Context) => {
    const { runId, assetIds } = parseInput(assetDecisionSchema, args, '');
    const { db, loaders, viewer, logger } = context;
    const operator = await decideAssetOrigin(db, ownerAccess(context), viewer, runId, assetIds, decision);
    logger.info({ runId, assetIds, decision, subject: operator.subject }, 'production run asset claims answered');
    return { run: required(await loaders.productionRun.load(runId), runId) };
  };
/** The emission factor a bill-of-materials line points at; its foreign key promises one. */
async function factorOfLine(line: BillOfMaterialsLineRow, loaders: ProductionLoaders): Promise<EmissionFactorRow> {
  return required(await loaders.emissionFactor.load(line.emission_factor_id), `emission factor of ${line.design_id}`);
}

export const resolvers: Resolvers = {
  Date: DateScalar,
  Query: {
    openCooperative: (_, { id }, { loaders }) => loaders.openCooperative.load(id),
    openCooperatives: (_, args, { db, settings }) =>
      q.listOpenCooperatives(db, parsePage(args, settings.maxPageSize), args.cityId),
    openDesign: (_, { id }, { loaders }) => loaders.openDesign.load(id),
    openDesigns: (_, args, { db, settings }) =>
      q.listOpenDesigns(db, parsePage(args, settings.maxPageSize), {
        assetKind: args.assetKind,
        openHardware: args.openHardware,
      }),
    productionRun: (_, { id }, { loaders }) => loaders.productionRun.load(id),
    productionRuns: (_, args, { db, settings }) =>
      q.listProductionRuns(db, parsePage(args, settings.maxPageSize), {
        cityId: args.cityId,
        platformCooperativeId: args.platformCooperativeId,
        deliveryStatus: args.deliveryStatus,
        claimStatus: args.claimStatus,
      }),
    emissionFactors: (_, args, { db, settings }) =>
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
      return { run: required(await loaders.productionRun.load(id), id) };
    },
    confirmDelivery: deliveryDecision('CONFIRMED'),
    declineDelivery: deliveryDecision('DECLINED'),
    confirmAssetOrigin: assetDecision('CONFIRMED'),
    declineAssetOrigin: assetDecision('DECLINED'),
  },
  OpenCooperative: {
    __resolveReference: (ref, { loaders }) => loaders.openCooperative.load(ref.id),
    foundedYear: (coop) => coop.founded_year,
    illustrative: (coop) => asBoolean(coop.illustrative),
    city: (coop) => reference('City', coop.city_id),
    designs: (coop, _, { loaders }) => loaders.designsOfCooperative.load(coop.id),
    productionRuns: (coop, _, { loaders }) => loaders.productionRunsOfCooperative.load(coop.id),
  },
  OpenDesign: {
    __resolveReference: (ref, { loaders }) => loaders.openDesign.load(ref.id),
    assetKind: (design) => design.asset_kind,
    openHardware: (design) => asBoolean(design.open_hardware),
    licenseNote: (design) => design.license_note,
    repositoryUrl: (design) => design.repository_url,
    manufacturingEnergyKwh: (design) => design.manufacturing_energy_kwh,
    transportKm: (design) => design.transport_km,
    technologyReadinessLevel: (design) => design.technology_readiness_level,
    documentationReadinessLevel: (design) => design.documentation_readiness_level,
    forkOf: (design) => design.fork_of,
    illustrative: (design) => asBoolean(design.illustrative),
    billOfMaterials: (design, _, { loaders }) => loaders.billOfMaterialsOfDesign.load(design.id),
    massKg: async (design, _, { loaders }) =>
      designMassKg((await loaders.billOfMaterialsOfDesign.load(design.id)).map((line) => ({ massKg: line.mass_kg }))),
    embodiedKgCO2e: (design, _, { loaders }) =>
      loaders.unitEmbodied.load({
        designId: design.id,
        electricityFactorId: REFERENCE_ELECTRICITY_FACTOR_ID,
        freightFactorId: REFERENCE_FREIGHT_FACTOR_ID,
      }),
    builtBy: (design, _, { loaders }) => loaders.buildersOfDesign.load(design.id),
  },
  BillOfMaterialsLine: {
    material: async (line, _, { loaders }) => (await factorOfLine(line, loaders)).name,
    massKg: (line) => line.mass_kg,
    emissionFactor: (line, _, { loaders }) => factorOfLine(line, loaders),
    kgCO2e: async (line, _, { loaders }) => {
      const factor = await factorOfLine(line, loaders);
      return lineKgCO2e({ massKg: line.mass_kg, kgCO2ePerKg: factor.kg_co2e_per_unit });
    },
  },
  ProductionRun: {
    __resolveReference: (ref, { loaders }) => loaders.productionRun.load(ref.id),
    cooperative: async (run, _, { loaders }) =>
      required(await loaders.openCooperative.load(run.cooperative_id), `cooperative of ${run.id}`),
    design: async (run, _, { loaders }) =>
      required(await loaders.openDesign.load(run.design_id), `design of ${run.id}`),
    completedOn: (run) => run.completed_on,
    city: (run) => reference('City', run.city_id),
    platformCooperative: (run) => reference('PlatformCooperative', run.platform_cooperative_id),
    electricityFactor: async (run, _, { loaders }) =>
      required(await loaders.emissionFactor.load(run.electricity_factor_id), `electricity factor of ${run.id}`),
    freightFactor: async (run, _, { loaders }) =>
      required(await loaders.emissionFactor.load(run.freight_factor_id), `freight factor of ${run.id}`),
    embodiedKgCO2e: async (run, _, { loaders }) => run.units * (await loaders.unitEmbodied.load(runUnitKey(run))),
    assets: async (run, _, { loaders }) =>
      (await loaders.assetsOfRun.load(run.id)).map((row) => reference('SharedAsset', row.asset_id)),
    delivery: (run) => ({ city: reference('City', run.city_id), status: run.delivery_status }),
    assetClaims: async (run, _, { loaders }) =>
      (await loaders.claimsOfRun.load(run.id)).map((claim) => ({
        asset: reference('SharedAsset', claim.asset_id),
        status: claim.status,
      })),
  },
  EmissionFactor: {
    __resolveReference: (ref, { loaders }) => loaders.emissionFactor.load(ref.id),
    kgCO2ePerUnit: (factor) => factor.kg_co2e_per_unit,
    kgCO2ePerPassengerKm: (factor) =>
      kgCO2ePerPassengerKm({
        category: factor.category,
        unit: factor.unit,
        kgCO2ePerUnit: factor.kg_co2e_per_unit,
        occupancy: factor.occupancy,
      }),
    sourceUrl: (factor) => factor.source_url,
    estimate: (factor) => asBoolean(factor.estimate),
    sourceReference: (factor) => factor.source_reference,
    publishedValue: (factor) => factor.published_value,
    tracedIn: (factor) => factor.traced_in,
  },
  Footprint: {
    estimatedFactors: (figure, _, { loaders }) =>
      loaders.estimatedFactorsOfCityYear.load({ cityId: figure.cityId, year: figure.year }),
  },
  City: {
    // The league owns cities; the representation already carries what `footprint` @requires.
    __resolveReference: (ref) => ref,
    openCooperatives: (city, _, { loaders }) => loaders.openCooperativesOfCity.load(city.id),
    footprint: async (city, { year }, { loaders }) => {
      if (!isFootprintYear(year)) {
        throw new BadInputError('year', `must be an integer from ${MIN_YEAR} to ${MAX_YEAR}, got ${year}.`);
      }
      const embodiedKgCO2e = await loaders.embodiedOfCityYear.load({ cityId: city.id, year });
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
    __resolveReference: (ref) => ref,
    origin: (asset, _, { loaders }) => loaders.originOfAsset.load(asset.id),
    embodiedKgCO2e: async (asset, _, { loaders }) => {
      const run = await loaders.originOfAsset.load(asset.id);
      return run && loaders.unitEmbodied.load(runUnitKey(run));
    },
  },
};
