/**
 * The GBFS 3.0 export of one platform co-op: `gbfs.json`, `gbfs_versions`, `system_information`,
 * `vehicle_types`, `station_information` and `station_status`, built from the coop database at
 * the stable URLs `<base>/gbfs/<co-op id>/<feed>.json` (see docs/open-data.md).
 *
 * The feeds describe the system; they never watch it (privacy model rule 4, docs/methodology.md):
 * nothing in them is read from usage events, so no ingested use changes a byte of them. There is
 * no `vehicle_status` (per-vehicle availability would show single trips), and a station's status
 * is either what an imported operator feed said (stored, changed only by another import) or the
 * fleet based at the station (its home hub), never vehicles taken out by uses. Live availability
 * belongs to the co-op's own operational feed, whose discovery URL the graph links to
 * (`VehicleSharingSystem.operationalFeedUrl`). GBFS 3.0's discovery schema requires
 * `station_status` beside `station_information`, hence the file at all.
 */
import type { Knex } from 'knex';
import { asBoolean } from '../../../lib/resolvers.js';
import * as g from '../db/gbfs.js';
import { platformCooperativesByIds } from '../db/queries.js';
import type {
  GbfsSystemRow,
  GbfsVehicleTypeRow,
  SharedAssetRow,
  SharingHubRow,
  SharingHubStatusRow,
  SharingHubVehicleCountRow,
} from '../db/tables.js';
import { GBFS_FEEDS } from '../../../lib/gbfs-paths.js';

/** The feeds the export publishes (lib/gbfs-paths.ts, shared with the gateway's proxy). */
export const GBFS_EXPORT_FEEDS = GBFS_FEEDS;
export type GbfsExportFeed = (typeof GBFS_EXPORT_FEEDS)[number];

/**
 * ttl of every feed, seconds: the feeds change only when an import or seed writes the system or
 * its fleet, so five minutes lets an import show soon.
 */
export const GBFS_TTL = 300;

/** Why a co-op's feeds cannot be served: the HTTP layer answers 404 with the message. */
export class GbfsNotPublishedError extends Error {}

/** A feed's GBFS file and how long it may be cached. */
export interface GbfsFeedDocument {
  ttl: number;
  body: Record<string, unknown>;
}

export interface GbfsExportOptions {
  /** Where the gateway serves the graph, e.g. `https://graph.example.org`; feed URLs hang below it. */
  baseUrl: string;
  /** The day whose fleet is described (assets in service that day). */
  now: Date;
}

/** The stable path of one feed of one co-op, below the gateway's base URL. */
export const gbfsFeedPath = (coopId: string, feed: GbfsExportFeed) =>
  `/gbfs/${encodeURIComponent(coopId)}/${feed}.json`;

/** The stable URL of one feed of one co-op. */
export function gbfsFeedUrl(baseUrl: string, coopId: string, feed: GbfsExportFeed): string {
  return new URL(gbfsFeedPath(coopId, feed), baseUrl).toString();
}

/** RFC 3339 without fractions, as GBFS 3.0 writes timestamps. */
const rfc3339 = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What GBFS 3.0 needs of a system that GBFS 2.3 did not: the fields missing, empty when publishable. */
export function missingForGbfs3(system: Pick<GbfsSystemRow, 'feed_contact_email' | 'opening_hours'>): string[] {
  return [!system.feed_contact_email && 'feed_contact_email', !system.opening_hours && 'opening_hours'].filter(
    (field): field is string => Boolean(field),
  );
}

/** Every co-op whose feeds the export can publish, by id. */
export async function publishableGbfsCoopIds(db: Knex): Promise<string[]> {
  const systems = await g.gbfsSystemsOf(db, await g.coopIdsWithGbfs(db));
  return systems
    .filter((system) => missingForGbfs3(system).length === 0)
    .map((system) => system.platform_cooperative_id)
    .sort();
}

/** Everything one co-op's feeds are made of, read once. */
interface GbfsSource {
  coopId: string;
  system: GbfsSystemRow;
  types: GbfsVehicleTypeRow[];
  hubs: SharingHubRow[];
  statuses: Map<string, SharingHubStatusRow>;
  counts: Map<string, SharingHubVehicleCountRow[]>;
  /** The fleet based at each hub without a stored status: in service on the day, with its vehicle type. */
  fleet: { hubId: string; vehicleTypeId: string }[];
}

/** The co-op's system, or why it publishes no feeds. */
async function systemOf(db: Knex, coopId: string): Promise<GbfsSystemRow> {
  const [system] = await g.gbfsSystemsOf(db, [coopId]);
  if (system) {
    const missing = missingForGbfs3(system);
    if (missing.length === 0) return system;
    throw new GbfsNotPublishedError(
      `co-op ${coopId}'s GBFS system has no ${missing.join(' or ')}, which GBFS 3.0 requires (it was imported from GBFS ${system.source_version}); its feeds are not published`,
    );
  }
  const [coop] = await platformCooperativesByIds(db, [coopId]);
  throw new GbfsNotPublishedError(
    coop
      ? `co-op ${coopId} shares no vehicles through a GBFS system (homes, rooms and tools are not GBFS vehicles): it publishes no GBFS feeds`
      : `no platform co-op has id ${coopId}`,
  );
}

/** In service on a UTC day, as ingest counts service days (both ends included). */
function inServiceOn(asset: SharedAssetRow, day: string): boolean {
  return asset.commissioned_on <= day && (asset.decommissioned_on === null || asset.decommissioned_on >= day);
}

/** Reads what the feeds need: the system, its types, hubs, stored statuses and fleet; never usage. */
async function loadSource(db: Knex, coopId: string, now: Date): Promise<GbfsSource> {
  const system = await systemOf(db, coopId);
  const [types, hubs] = await Promise.all([g.vehicleTypesOf(db, [coopId]), g.hubsOf(db, [coopId])]);
  const hubIds = hubs.map((hub) => hub.id);
  const [statusRows, countRows] = await Promise.all([g.hubStatusesOf(db, hubIds), g.hubVehicleCountsOf(db, hubIds)]);
  const statuses = new Map(statusRows.map((row) => [row.hub_id, row]));
  const counts = new Map<string, SharingHubVehicleCountRow[]>();
  for (const row of countRows) counts.set(row.hub_id, [...(counts.get(row.hub_id) ?? []), row]);
  return { coopId, system, types, hubs, statuses, counts, fleet: await loadFleet(db, coopId, now, types, statuses) };
}

/** The co-op's vehicles in service on the day of `now`, at their home hubs without a stored status. */
async function loadFleet(
  db: Knex,
  coopId: string,
  now: Date,
  types: readonly GbfsVehicleTypeRow[],
  statuses: ReadonlyMap<string, SharingHubStatusRow>,
): Promise<GbfsSource['fleet']> {
  const day = now.toISOString().slice(0, 10);
  const typeOfKind = new Map<string, string>();
  for (const type of types) if (!typeOfKind.has(type.kind)) typeOfKind.set(type.kind, type.vehicle_type_id);
  return (await g.hubbedAssetsOf(db, coopId))
    .filter((asset) => !statuses.has(asset.hub_id!) && typeOfKind.has(asset.kind) && inServiceOn(asset, day))
    .map((asset) => ({ hubId: asset.hub_id!, vehicleTypeId: typeOfKind.get(asset.kind)! }));
}

const localised = (text: string, system: GbfsSystemRow) => [
  { text, language: (JSON.parse(system.languages) as string[])[0] ?? 'en' },
];

const MOTORISED = new Set([
  'electric',
  'electric_assist',
  'combustion',
  'combustion_diesel',
  'hybrid',
  'plug_in_hybrid',
  'hydrogen_fuel_cell',
]);

/** The data object of each feed. */
const FEED_DATA: Record<GbfsExportFeed, (source: GbfsSource, options: GbfsExportOptions) => Record<string, unknown>> = {
  gbfs: (source, { baseUrl }) => ({
    feeds: GBFS_EXPORT_FEEDS.filter((feed) => feed !== 'gbfs').map((feed) => ({
      name: feed,
      url: gbfsFeedUrl(baseUrl, source.coopId, feed),
    })),
  }),
  gbfs_versions: (source, { baseUrl }) => ({
    versions: [{ version: '3.0', url: gbfsFeedUrl(baseUrl, source.coopId, 'gbfs') }],
  }),
  system_information: ({ system }) => ({
    system_id: system.system_id,
    languages: JSON.parse(system.languages) as string[],
    name: localised(system.name, system),
    ...(system.operator ? { operator: localised(system.operator, system) } : {}),
    ...(system.url ? { url: system.url } : {}),
    opening_hours: system.opening_hours,
    feed_contact_email: system.feed_contact_email,
    timezone: system.timezone,
    // GBFS 3.0 allows license_id or license_url, not both: the SPDX id wins.
    ...(system.license_id
      ? { license_id: system.license_id }
      : system.license_url
        ? { license_url: system.license_url }
        : {}),
    ...(system.attribution_organization_name
      ? { attribution_organization_name: localised(system.attribution_organization_name, system) }
      : {}),
    ...(system.attribution_url ? { attribution_url: system.attribution_url } : {}),
  }),
  vehicle_types: ({ types, system }) => ({
    vehicle_types: types.map((type) => ({
      vehicle_type_id: type.vehicle_type_id,
      form_factor: type.form_factor,
      propulsion_type: type.propulsion_type,
      ...(type.name ? { name: localised(type.name, system) } : {}),
      // Required for motorised types; 0 where the source did not know it (GBFS 2.3 feeds write 0 so).
      ...(type.max_range_meters !== null
        ? { max_range_meters: Number(type.max_range_meters) }
        : MOTORISED.has(type.propulsion_type)
          ? { max_range_meters: 0 }
          : {}),
    })),
  }),
  station_information: ({ hubs, system }) => ({
    stations: hubs.map((hub) => ({
      station_id: hub.station_id,
      name: localised(hub.name, system),
      lat: Number(hub.lat),
      lon: Number(hub.lon),
      ...(hub.address ? { address: hub.address } : {}),
      ...(hub.post_code ? { post_code: hub.post_code } : {}),
      ...(asBoolean(hub.is_virtual_station) ? { is_virtual_station: true } : {}),
      ...(hub.capacity !== null ? { capacity: Number(hub.capacity) } : {}),
    })),
  }),
  station_status: (source) => ({ stations: stationStatuses(source) }),
};

/**
 * One entry per hub: the stored status when an import gave one (the operator's own public
 * figures, as of their last_reported), else the fleet based there (every vehicle type listed, 0
 * included; docks free = capacity − fleet), reported as of the system's last change. No use is
 * subtracted: the figures describe where vehicles belong, not where they are.
 */
function stationStatuses(source: GbfsSource): Record<string, unknown>[] {
  const typeIds = source.types.map((type) => type.vehicle_type_id);
  return source.hubs.map((hub) => {
    const stored = source.statuses.get(hub.id);
    if (stored) {
      return {
        station_id: hub.station_id,
        num_vehicles_available: Number(stored.vehicles_available),
        vehicle_types_available: (source.counts.get(hub.id) ?? []).map((row) => ({
          vehicle_type_id: row.vehicle_type_id,
          count: Number(row.count),
        })),
        ...(stored.docks_available !== null ? { num_docks_available: Number(stored.docks_available) } : {}),
        is_installed: asBoolean(stored.is_installed),
        is_renting: asBoolean(stored.is_renting),
        is_returning: asBoolean(stored.is_returning),
        last_reported: rfc3339(stored.last_reported),
      };
    }
    const here = source.fleet.filter((vehicle) => vehicle.hubId === hub.id);
    const virtual = asBoolean(hub.is_virtual_station);
    return {
      station_id: hub.station_id,
      num_vehicles_available: here.length,
      vehicle_types_available: typeIds.map((id) => ({
        vehicle_type_id: id,
        count: here.filter((vehicle) => vehicle.vehicleTypeId === id).length,
      })),
      ...(!virtual && hub.capacity !== null
        ? { num_docks_available: Math.max(0, Number(hub.capacity) - here.length) }
        : {}),
      is_installed: true,
      is_renting: true,
      is_returning: true,
      last_reported: rfc3339(source.system.updated_at),
    };
  });
}

/** The instant a feed's data last changed: the system's last change, or the last imported status if later. */
function lastUpdatedOf(feed: GbfsExportFeed, source: GbfsSource): string {
  const status = source.system.status_updated_at;
  if (feed === 'station_status' && status && status > source.system.updated_at) return status;
  return source.system.updated_at;
}

/** One feed as a GBFS 3.0 file, with its ttl. Throws GbfsNotPublishedError for co-ops without feeds. */
export async function buildGbfsFeed(
  db: Knex,
  coopId: string,
  feed: GbfsExportFeed,
  options: GbfsExportOptions,
): Promise<GbfsFeedDocument> {
  return render(feed, await loadSource(db, coopId, options.now), options);
}

function render(feed: GbfsExportFeed, source: GbfsSource, options: GbfsExportOptions): GbfsFeedDocument {
  return {
    ttl: GBFS_TTL,
    body: {
      last_updated: rfc3339(lastUpdatedOf(feed, source)),
      ttl: GBFS_TTL,
      version: '3.0',
      data: FEED_DATA[feed](source, options),
    },
  };
}

/** Every feed of one co-op, read once. Throws GbfsNotPublishedError for co-ops without feeds. */
export async function buildGbfsFeeds(
  db: Knex,
  coopId: string,
  options: GbfsExportOptions,
): Promise<Record<GbfsExportFeed, GbfsFeedDocument>> {
  const source = await loadSource(db, coopId, options.now);
  return Object.fromEntries(GBFS_EXPORT_FEEDS.map((feed) => [feed, render(feed, source, options)])) as Record<
    GbfsExportFeed,
    GbfsFeedDocument
  >;
}
