import { BadInputError } from '../../../lib/errors.js';
import { paginateLoaded, parsePage } from '../../../lib/pagination.js';
import { asBoolean, present, reference, required } from '../../../lib/resolvers.js';
import { DateScalar, DateTimeScalar } from '../../../lib/scalars.js';
import type { SubgraphContext } from '../../../lib/subgraph.js';
import type { Resolvers } from '../generated/resolvers.js';
import * as q from '../db/queries.js';
import { gbfsFeedPath, missingForGbfs3 } from '../interop/gbfs-export.js';
import type { CoopLoaders } from '../loaders.js';
import { addParts, cleanSum, toStats, type Period } from '../sharing.js';
import { mutations } from './mutations.js';

type IdArgs = { id: string };
type Context = SubgraphContext<CoopLoaders>;

/** A period must not end before it starts. */
function checkPeriod(period: Period): Period {
  if (period.from > period.to) {
    throw new BadInputError('period', `"from" (${period.from}) must be on or before "to" (${period.to}).`);
  }
  return period;
}

async function sharingOfCoops(coopIds: readonly string[], period: Period, { loaders, settings }: Context) {
  const parts = present(await loaders.sharing.loadMany(coopIds.map((coopId) => ({ coopId, period }))));
  return toStats(addParts(period, parts), settings.suppressionK);
}

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    platformCooperative: (_, { id }, { loaders }) => loaders.platformCooperative.load(id),
    platformCooperatives: (_, args, { db, settings }) =>
      q.listPlatformCooperatives(db, parsePage(args, settings.maxPageSize), args),
    sharedAsset: (_, { id }, { loaders }) => loaders.sharedAsset.load(id),
  },
  Mutation: mutations,
  PlatformCooperative: {
    __resolveReference: (ref, { loaders }) => loaders.platformCooperative.load(ref.id),
    foundedYear: (coop) => coop.founded_year,
    illustrative: (coop) => asBoolean(coop.illustrative),
    city: (coop) => reference('City', coop.city_id),
    application: (coop) => reference('CommonsApplication', coop.application_id),
    assetCount: async (coop, _, { loaders }) => (await loaders.assetsOfCoop.load(coop.id)).length,
    assets: async (coop, args, { loaders, settings }) => {
      const page = parsePage(args, settings.maxPageSize);
      const assets = await loaders.assetsOfCoop.load(coop.id);
      return paginateLoaded(args.kind ? assets.filter((asset) => asset.kind === args.kind) : assets, page);
    },
    sharing: (coop, { period }, context) => sharingOfCoops([coop.id], checkPeriod(period), context),
    gbfs: async (coop, _, { loaders }) => {
      const system = await loaders.gbfsSystem.load(coop.id);
      return system && missingForGbfs3(system).length === 0 ? gbfsFeedPath(coop.id, 'gbfs') : null;
    },
    vehicleSharingSystem: (coop, _, { loaders }) => loaders.gbfsSystem.load(coop.id),
    hubs: async (coop, args, { loaders, settings }) =>
      paginateLoaded(await loaders.hubsOfCoop.load(coop.id), parsePage(args, settings.maxPageSize)),
  },
  VehicleSharingSystem: {
    systemId: (system) => system.system_id,
    languages: (system) => JSON.parse(system.languages) as string[],
    openingHours: (system) => system.opening_hours,
    licenseId: (system) => system.license_id,
    licenseUrl: (system) => system.license_url,
    attributionOrganizationName: (system) => system.attribution_organization_name,
    attributionUrl: (system) => system.attribution_url,
    importedVersion: (system) => system.source_version,
    operationalFeedUrl: (system) => system.operational_feed_url ?? null,
    updatedAt: (system) => system.updated_at,
    vehicleTypes: (system, _, { loaders }) => loaders.vehicleTypesOfCoop.load(system.platform_cooperative_id),
    freeFloating: (system, _, { loaders }) => loaders.freeFloatingOfCoop.load(system.platform_cooperative_id),
  },
  VehicleType: {
    id: (type) => type.vehicle_type_id,
    formFactor: (type) => type.form_factor,
    propulsionType: (type) => type.propulsion_type,
    maxRangeMeters: (type) => type.max_range_meters,
  },
  SharingHub: {
    stationId: (hub) => hub.station_id,
    postCode: (hub) => hub.post_code,
    isVirtual: (hub) => asBoolean(hub.is_virtual_station),
    availability: async (hub, _, { loaders }) => {
      const [status, byKind] = await Promise.all([loaders.hubStatus.load(hub.id), loaders.hubKindCounts.load(hub.id)]);
      return status ? { status, byKind } : null;
    },
  },
  HubAvailability: {
    vehiclesAvailable: ({ status }) => status.vehicles_available,
    docksAvailable: ({ status }) => status.docks_available,
    byKind: ({ byKind }) => byKind,
    isInstalled: ({ status }) => asBoolean(status.is_installed),
    isRenting: ({ status }) => asBoolean(status.is_renting),
    isReturning: ({ status }) => asBoolean(status.is_returning),
    reportedAt: ({ status }) => status.last_reported,
  },
  SharedAsset: {
    __resolveReference: (ref, { loaders }) => loaders.sharedAsset.load(ref.id),
    commissionedOn: (asset) => asset.commissioned_on,
    decommissionedOn: (asset) => asset.decommissioned_on,
    platformCooperative: async (asset, _, { loaders }) =>
      required(await loaders.platformCooperative.load(asset.platform_cooperative_id), `co-op of ${asset.id}`),
  },
  City: {
    // The league owns cities; a reference here only needs its id.
    __resolveReference: (ref) => ref,
    platformCooperatives: (city, _, { loaders }) => loaders.coopsOfCity.load(city.id),
    sharing: async (city: IdArgs, { period }: { period: Period }, context) => {
      const coops = await context.loaders.coopsOfCity.load(city.id);
      return sharingOfCoops(
        coops.map((coop) => coop.id),
        checkPeriod(period),
        context,
      );
    },
    annualSharing: async (city, _, { loaders }) => {
      const coops = await loaders.coopsOfCity.load(city.id);
      const perCoop = present(await loaders.annualOfCoop.loadMany(coops.map((coop) => coop.id)));
      // Only years with a visible bin are listed (rule 2), so every entry has a figure.
      const years = new Map<number, number>();
      for (const rows of perCoop) {
        for (const row of rows) years.set(row.year, (years.get(row.year) ?? 0) + row.avoided_kg);
      }
      return [...years]
        .sort(([a], [b]) => a - b)
        .map(([year, avoidedKg]) => ({ year, avoidedKgCO2e: cleanSum(avoidedKg) }));
    },
  },
  CommonsApplication: {
    // The depository owns applications; a reference here only needs its id.
    __resolveReference: (ref) => ref,
    deployments: (app, _, { loaders }) => loaders.coopsOfApplication.load(app.id),
  },
};
