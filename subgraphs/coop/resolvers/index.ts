import { BadInputError } from '../../../lib/errors.js';
import { paginateLoaded, parsePage, type PageArgs } from '../../../lib/pagination.js';
import { asBoolean, present, reference } from '../../../lib/resolvers.js';
import { DateScalar, DateTimeScalar } from '../../../lib/scalars.js';
import type { Resolvers, SubgraphContext } from '../../../lib/subgraph.js';
import * as q from '../db/queries.js';
import type {
  GbfsSystemRow,
  GbfsVehicleTypeRow,
  PlatformCooperativeRow,
  SharedAssetRow,
  SharingHubRow,
  SharingHubStatusRow,
} from '../db/tables.js';
import { gbfsFeedPath, missingForGbfs3 } from '../interop/gbfs-export.js';
import type { CoopLoaders } from '../loaders.js';
import { addParts, toStats, type Period } from '../sharing.js';
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

export const resolvers: Resolvers<CoopLoaders> = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    platformCooperative: (_: unknown, { id }: IdArgs, { loaders }) => loaders.platformCooperative.load(id),
    platformCooperatives: (_: unknown, args: PageArgs & q.PlatformCooperativeFilter, { db, settings }) =>
      q.listPlatformCooperatives(db, parsePage(args, settings.maxPageSize), args),
    sharedAsset: (_: unknown, { id }: IdArgs, { loaders }) => loaders.sharedAsset.load(id),
  },
  Mutation: mutations,
  PlatformCooperative: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.platformCooperative.load(ref.id),
    foundedYear: (coop: PlatformCooperativeRow) => coop.founded_year,
    illustrative: (coop: PlatformCooperativeRow) => asBoolean(coop.illustrative),
    city: (coop: PlatformCooperativeRow) => reference('City', coop.city_id),
    application: (coop: PlatformCooperativeRow) => reference('CommonsApplication', coop.application_id),
    assetCount: async (coop: PlatformCooperativeRow, _: unknown, { loaders }) =>
      (await loaders.assetsOfCoop.load(coop.id)).length,
    assets: async (coop: PlatformCooperativeRow, args: PageArgs & { kind?: string }, { loaders, settings }) => {
      const page = parsePage(args, settings.maxPageSize);
      const assets = await loaders.assetsOfCoop.load(coop.id);
      return paginateLoaded(args.kind ? assets.filter((asset) => asset.kind === args.kind) : assets, page);
    },
    sharing: (coop: PlatformCooperativeRow, { period }: { period: Period }, context) =>
      sharingOfCoops([coop.id], checkPeriod(period), context),
    gbfs: async (coop: PlatformCooperativeRow, _: unknown, { loaders }) => {
      const system = await loaders.gbfsSystem.load(coop.id);
      return system && missingForGbfs3(system).length === 0 ? gbfsFeedPath(coop.id, 'gbfs') : null;
    },
    vehicleSharingSystem: (coop: PlatformCooperativeRow, _: unknown, { loaders }) => loaders.gbfsSystem.load(coop.id),
    hubs: async (coop: PlatformCooperativeRow, args: PageArgs, { loaders, settings }) =>
      paginateLoaded(await loaders.hubsOfCoop.load(coop.id), parsePage(args, settings.maxPageSize)),
  },
  VehicleSharingSystem: {
    systemId: (system: GbfsSystemRow) => system.system_id,
    languages: (system: GbfsSystemRow) => JSON.parse(system.languages) as string[],
    openingHours: (system: GbfsSystemRow) => system.opening_hours,
    licenseId: (system: GbfsSystemRow) => system.license_id,
    licenseUrl: (system: GbfsSystemRow) => system.license_url,
    attributionOrganizationName: (system: GbfsSystemRow) => system.attribution_organization_name,
    attributionUrl: (system: GbfsSystemRow) => system.attribution_url,
    importedVersion: (system: GbfsSystemRow) => system.source_version,
    operationalFeedUrl: (system: GbfsSystemRow) => system.operational_feed_url ?? null,
    updatedAt: (system: GbfsSystemRow) => system.updated_at,
    vehicleTypes: (system: GbfsSystemRow, _: unknown, { loaders }) =>
      loaders.vehicleTypesOfCoop.load(system.platform_cooperative_id),
    freeFloating: (system: GbfsSystemRow, _: unknown, { loaders }) =>
      loaders.freeFloatingOfCoop.load(system.platform_cooperative_id),
  },
  VehicleType: {
    id: (type: GbfsVehicleTypeRow) => type.vehicle_type_id,
    formFactor: (type: GbfsVehicleTypeRow) => type.form_factor,
    propulsionType: (type: GbfsVehicleTypeRow) => type.propulsion_type,
    maxRangeMeters: (type: GbfsVehicleTypeRow) => type.max_range_meters,
  },
  SharingHub: {
    stationId: (hub: SharingHubRow) => hub.station_id,
    postCode: (hub: SharingHubRow) => hub.post_code,
    isVirtual: (hub: SharingHubRow) => asBoolean(hub.is_virtual_station),
    availability: async (hub: SharingHubRow, _: unknown, { loaders }) => {
      const [status, byKind] = await Promise.all([loaders.hubStatus.load(hub.id), loaders.hubKindCounts.load(hub.id)]);
      return status ? { status, byKind } : null;
    },
  },
  HubAvailability: {
    vehiclesAvailable: ({ status }: { status: SharingHubStatusRow }) => status.vehicles_available,
    docksAvailable: ({ status }: { status: SharingHubStatusRow }) => status.docks_available,
    byKind: ({ byKind }: { byKind: { kind: string; count: number }[] }) => byKind,
    isInstalled: ({ status }: { status: SharingHubStatusRow }) => asBoolean(status.is_installed),
    isRenting: ({ status }: { status: SharingHubStatusRow }) => asBoolean(status.is_renting),
    isReturning: ({ status }: { status: SharingHubStatusRow }) => asBoolean(status.is_returning),
    reportedAt: ({ status }: { status: SharingHubStatusRow }) => status.last_reported,
  },
  SharedAsset: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.sharedAsset.load(ref.id),
    commissionedOn: (asset: SharedAssetRow) => asset.commissioned_on,
    decommissionedOn: (asset: SharedAssetRow) => asset.decommissioned_on,
    platformCooperative: (asset: SharedAssetRow, _: unknown, { loaders }) =>
      loaders.platformCooperative.load(asset.platform_cooperative_id),
  },
  City: {
    // The league owns cities; a reference here only needs its id.
    __resolveReference: (ref: IdArgs) => ref,
    platformCooperatives: (city: IdArgs, _: unknown, { loaders }) => loaders.coopsOfCity.load(city.id),
    sharing: async (city: IdArgs, { period }: { period: Period }, context) => {
      const coops = await context.loaders.coopsOfCity.load(city.id);
      return sharingOfCoops(
        coops.map((coop) => coop.id),
        checkPeriod(period),
        context,
      );
    },
    annualSharing: async (city: IdArgs, _: unknown, { loaders }) => {
      const coops = await loaders.coopsOfCity.load(city.id);
      const perCoop = present(await loaders.annualOfCoop.loadMany(coops.map((coop) => coop.id)));
      // Only years with a visible bin are listed (rule 2), so every entry has a figure.
      const years = new Map<number, number>();
      for (const rows of perCoop) {
        for (const row of rows) years.set(row.year, (years.get(row.year) ?? 0) + row.avoided_kg);
      }
      return [...years].sort(([a], [b]) => a - b).map(([year, avoidedKgCO2e]) => ({ year, avoidedKgCO2e }));
    },
  },
  CommonsApplication: {
    // The depository owns applications; a reference here only needs its id.
    __resolveReference: (ref: IdArgs) => ref,
    deployments: (app: IdArgs, _: unknown, { loaders }) => loaders.coopsOfApplication.load(app.id),
  },
};
