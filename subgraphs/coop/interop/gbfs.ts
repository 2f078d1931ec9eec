/**
 * GBFS (General Bikeshare Feed Specification, MobilityData) 2.3 and 3.0 as pure functions:
 * reading a discovery file (`gbfs.json`) and the feeds it names, and checking every record the
 * import maps. No database and no file system here: the caller hands in the feeds' texts by
 * name, and `apply.ts` writes what passed.
 *
 * GBFS holds no trips: vehicle ids rotate after each rental by design, so nothing here ever
 * becomes a usage event or a shared asset. What it holds is the system (a co-op's service),
 * vehicle types (asset kinds), stations (sharing hubs) and current availability.
 */
import { isObject, isWebUrl, RefusedFileError } from '../../../lib/interop.js';

/** GBFS versions this importer reads; others refuse the file. */
export const SUPPORTED_GBFS_VERSIONS = ['2.3', '3.0'] as const;
export type GbfsVersion = (typeof SUPPORTED_GBFS_VERSIONS)[number];

/** Feeds the import reads, by the name a discovery file gives them; every other feed is not mapped. */
export const MAPPED_FEEDS = [
  'system_information',
  'vehicle_types',
  'station_information',
  'station_status',
  'vehicle_status',
  'free_bike_status',
] as const;
export type MappedFeed = (typeof MAPPED_FEEDS)[number];

/** The free-floating vehicle feed of each version: renamed in 3.0. */
export const VEHICLE_FEED: Record<GbfsVersion, MappedFeed> = { '2.3': 'free_bike_status', '3.0': 'vehicle_status' };

/** A record that passed its checks, or why it is rejected (naming every key at fault). */
export type Check<T> =
  { ok: true; index: number; value: T } | { ok: false; index: number; key: string; problem: string };

export interface GbfsSystemInfo {
  systemId: string;
  name: string;
  operator: string | null;
  url: string | null;
  timezone: string;
  languages: string[];
  openingHours: string | null;
  feedContactEmail: string | null;
  licenseId: string | null;
  licenseUrl: string | null;
  attributionOrganizationName: string | null;
  attributionUrl: string | null;
}

export interface GbfsVehicleType {
  vehicleTypeId: string;
  /** The asset kind the form factor and propulsion make it (see `kindOfVehicleType`). */
  kind: string;
  formFactor: string;
  propulsionType: string;
  name: string | null;
  maxRangeMeters: number | null;
}

export interface GbfsStation {
  stationId: string;
  name: string;
  lat: number;
  lon: number;
  address: string | null;
  postCode: string | null;
  capacity: number | null;
  isVirtualStation: boolean;
}

export interface GbfsStationStatus {
  stationId: string;
  /** num_vehicles_available (num_bikes_available in 2.3), as the feed says. */
  vehiclesAvailable: number;
  docksAvailable: number | null;
  isInstalled: boolean;
  isRenting: boolean;
  isReturning: boolean;
  /** ISO 8601 instant. */
  lastReported: string;
  /** vehicle_types_available; null when the station gives no breakdown by type. */
  typeCounts: { vehicleTypeId: string; count: number }[] | null;
}

/** The free-floating vehicles of one type in a vehicle status feed (vehicles at a station are counted by station_status). */
export interface GbfsFreeFloating {
  vehicleTypeId: string;
  /** Neither reserved nor disabled. */
  available: number;
  /** Every listed vehicle of the type, free-floating. */
  listed: number;
  /** Where the first one sits in the feed, for the report. */
  firstIndex: number;
}

/** What the vehicle status feed (vehicle_status, free_bike_status) says, after checks. */
export interface GbfsVehicles {
  freeFloating: GbfsFreeFloating[];
  /** Vehicles whose own keys are wrong, one per vehicle. */
  rejected: { index: number; problem: string }[];
  /** Vehicles listed at a station (their station's status already counts them). */
  atStations: number;
}

/** One feed file, read: when it was last updated (ISO 8601), its ttl and its data object. */
export interface GbfsFeed {
  lastUpdated: string;
  ttl: number;
  data: Record<string, unknown>;
}

/** A discovery file with its feeds, or a lone station_status file, checked. */
export interface GbfsParse {
  version: GbfsVersion;
  /** Null for a lone station_status file: the stations must already be known. */
  system: GbfsSystemInfo | null;
  /** Null when the system has no such feed. */
  vehicleTypes: Check<GbfsVehicleType>[] | null;
  stations: Check<GbfsStation>[] | null;
  statuses: Check<GbfsStationStatus>[] | null;
  vehicles: GbfsVehicles | null;
  /** last_updated of the status feeds read (ISO 8601), the latest; null when none. */
  statusUpdatedAt: string | null;
  /**
   * Where the operator publishes this discovery file live: the discovery's own `gbfs` entry, else
   * the `gbfs_versions` entry of the imported version; null when the files do not say.
   */
  discoveryUrl: string | null;
  /** Facts about the files as a whole: feeds not mapped, assumptions made. */
  notes: string[];
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
/** Ids GBFS uses (station, vehicle type, system): printable text, at most this long. */
const MAX_ID_LENGTH = 200;

/**
 * The asset kind of a GBFS vehicle type: bicycle + human → BIKE; bicycle + electric_assist
 * (or electric) → E_BIKE; cargo_bicycle (any propulsion) → CARGO_BIKE; car (any) → CAR.
 * Scooters, mopeds and `other` have no kind in this graph: null, and the type is rejected.
 */
export function kindOfVehicleType(formFactor: unknown, propulsion: unknown): string | null {
  if (formFactor === 'bicycle') {
    if (propulsion === 'human') return 'BIKE';
    if (propulsion === 'electric_assist' || propulsion === 'electric') return 'E_BIKE';
    return null;
  }
  if (formFactor === 'cargo_bicycle') return 'CARGO_BIKE';
  if (formFactor === 'car') return 'CAR';
  return null;
}

/** Parses a JSON text, refusing the file when it is not a JSON object. */
function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RefusedFileError(`${what}: malformed JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw)) throw new RefusedFileError(`${what}: malformed GBFS file: not a JSON object`);
  return raw;
}

/** The version a GBFS file declares, refusing a missing or unsupported one. */
function versionOf(raw: Record<string, unknown>, what: string): GbfsVersion {
  if (raw.version === undefined) {
    throw new RefusedFileError(`${what}: version is missing: the file does not say which GBFS version it follows`);
  }
  if (!SUPPORTED_GBFS_VERSIONS.includes(raw.version as GbfsVersion)) {
    throw new RefusedFileError(
      `${what}: unsupported GBFS version ${JSON.stringify(raw.version)}: this importer reads GBFS ${SUPPORTED_GBFS_VERSIONS.join(' and ')}`,
    );
  }
  return raw.version as GbfsVersion;
}

/** A GBFS timestamp as an ISO 8601 instant: POSIX seconds in 2.3, RFC 3339 text in 3.0; null when neither. */
export function instantOf(value: unknown, version: GbfsVersion): string | null {
  if (version === '2.3') {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e11
      ? new Date(value * 1000).toISOString()
      : null;
  }
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Reads one feed file: JSON, the same version as the discovery, last_updated, ttl and a data object. */
export function parseGbfsFeed(name: string, text: string, expected?: GbfsVersion): GbfsFeed & { version: GbfsVersion } {
  const what = `${name}.json`;
  const raw = parseJsonObject(text, what);
  const version = versionOf(raw, what);
  if (expected && version !== expected) {
    throw new RefusedFileError(`${what}: version ${version} differs from the discovery file's ${expected}`);
  }
  const lastUpdated = instantOf(raw.last_updated, version);
  if (!lastUpdated) {
    throw new RefusedFileError(
      `${what}: last_updated is missing or malformed (${version === '2.3' ? 'POSIX seconds' : 'an RFC 3339 date-time'} required)`,
    );
  }
  if (typeof raw.ttl !== 'number' || !Number.isInteger(raw.ttl) || raw.ttl < 0) {
    throw new RefusedFileError(`${what}: ttl is missing or not a non-negative integer`);
  }
  if (!isObject(raw.data)) throw new RefusedFileError(`${what}: data is missing or not an object`);
  return { version, lastUpdated, ttl: raw.ttl, data: raw.data };
}

/** The feed names a discovery file lists, and its version. In 2.3 feeds sit per language; 3.0 has one list. */
export function parseGbfsDiscovery(text: string): {
  version: GbfsVersion;
  feeds: string[];
  /** The URL the discovery gives for itself (a feed named `gbfs`), when it is a web URL. */
  selfUrl: string | null;
  notes: string[];
} {
  const raw = parseJsonObject(text, 'gbfs.json');
  const version = versionOf(raw, 'gbfs.json');
  if (!isObject(raw.data)) throw new RefusedFileError('gbfs.json: data is missing or not an object');
  const notes: string[] = [];
  let list: unknown;
  if (version === '3.0') list = raw.data.feeds;
  else {
    const languages = Object.keys(raw.data);
    const language = languages.includes('en') ? 'en' : languages[0];
    if (!language || !isObject(raw.data[language])) {
      throw new RefusedFileError(
        'gbfs.json: data holds no language with a feeds list (GBFS 2.3: data.<language>.feeds)',
      );
    }
    list = raw.data[language].feeds;
    if (languages.length > 1) {
      notes.push(`feeds read from language "${language}" of ${languages.join(', ')}; files are read by feed name`);
    }
  }
  if (!Array.isArray(list)) throw new RefusedFileError('gbfs.json: the feeds list is missing or not a list');
  const feeds = list.map((feed, index) => {
    if (!isObject(feed) || typeof feed.name !== 'string' || feed.name === '') {
      throw new RefusedFileError(`gbfs.json: feeds[${index}].name is missing`);
    }
    return feed.name;
  });
  const self = list.find((feed) => isObject(feed) && feed.name === 'gbfs') as Record<string, unknown> | undefined;
  return { version, feeds, selfUrl: isWebUrl(self?.url) ? self.url : null, notes };
}

/** The URL `gbfs_versions` gives for one version's discovery file, when the file lists it as a web URL. */
export function versionUrlOf(text: string | null, version: GbfsVersion): string | null {
  if (text === null) return null;
  const { data } = parseGbfsFeed('gbfs_versions', text);
  const versions = Array.isArray(data.versions) ? data.versions : [];
  const entry = versions.find((item) => isObject(item) && item.version === version) as
    Record<string, unknown> | undefined;
  return isWebUrl(entry?.url) ? entry.url : null;
}

/** A text the feed gives as a plain string (2.3) or as localised texts (3.0): the one in `language`, else the first. */
export function localized(value: unknown, language: string | undefined): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (!Array.isArray(value)) return null;
  const texts = value.filter(
    (entry): entry is { text: string; language: string } =>
      isObject(entry) && typeof entry.text === 'string' && typeof entry.language === 'string',
  );
  const chosen = texts.find((entry) => entry.language === language) ?? texts[0];
  return chosen && chosen.text.trim() !== '' ? chosen.text : null;
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH;

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const optionalText = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;

/**
 * Reads system_information, the root every other record hangs from: a missing or malformed
 * system_id, name, timezone or language refuses the whole file.
 */
export function readSystemInformation(data: Record<string, unknown>, version: GbfsVersion): GbfsSystemInfo {
  const problems: string[] = [];
  const languages =
    version === '3.0'
      ? Array.isArray(data.languages) && data.languages.every((l) => typeof l === 'string' && LANGUAGE.test(l))
        ? (data.languages as string[])
        : null
      : typeof data.language === 'string' && LANGUAGE.test(data.language)
        ? [data.language]
        : null;
  if (!languages || languages.length === 0)
    problems.push(
      version === '3.0'
        ? 'languages: missing (mandatory) or not a list of IETF BCP 47 codes'
        : 'language: missing (mandatory) or not an IETF BCP 47 code',
    );
  const language = languages?.[0];
  const systemId = data.system_id;
  if (!isId(systemId)) problems.push('system_id: missing (mandatory)');
  const name = localized(data.name, language);
  if (!name) problems.push('name: missing (mandatory)');
  const timezone = data.timezone;
  if (typeof timezone !== 'string' || timezone === '') problems.push('timezone: missing (mandatory)');
  else if (!validTimezone(timezone)) problems.push(`timezone: ${JSON.stringify(timezone)} is not an IANA time zone`);
  if (problems.length > 0) throw new RefusedFileError(`system_information.json: ${problems.join('; ')}`);
  return {
    systemId: systemId as string,
    name: name!,
    operator: localized(data.operator, language),
    url: optionalText(data.url),
    timezone: timezone as string,
    languages: languages!,
    openingHours: optionalText(data.opening_hours),
    feedContactEmail: optionalText(data.feed_contact_email),
    licenseId: optionalText(data.license_id),
    licenseUrl: optionalText(data.license_url),
    attributionOrganizationName: localized(data.attribution_organization_name, language),
    attributionUrl: optionalText(data.attribution_url),
  };
}

/** The list under `data[key]`, refusing the file when it is not a list. */
function listOf(data: Record<string, unknown>, key: string, feed: string): unknown[] {
  const list = data[key];
  if (!Array.isArray(list)) throw new RefusedFileError(`${feed}.json: data.${key} is missing or not a list`);
  return list;
}

/** First occurrence of each id; later copies are rejected (which one is right cannot be told). */
function duplicateProblem(ids: readonly unknown[], index: number, key: string): string | null {
  const id = ids[index];
  if (!isId(id)) return null;
  const first = ids.indexOf(id);
  return first === index ? null : `${key}: repeats entry [${first}] of this file; only the first is imported`;
}

/** Checks vehicle types: id, form factor and propulsion present, a form factor with an asset kind. */
export function checkVehicleTypes(
  data: Record<string, unknown>,
  language: string | undefined,
): Check<GbfsVehicleType>[] {
  const list = listOf(data, 'vehicle_types', 'vehicle_types');
  const ids = list.map((entry) => (isObject(entry) ? entry.vehicle_type_id : undefined));
  return list.map((entry, index): Check<GbfsVehicleType> => {
    const key = isId(ids[index]) ? (ids[index] as string) : `vehicle_types[${index}]`;
    if (!isObject(entry)) return { ok: false, index, key, problem: 'must be a JSON object' };
    const problems: string[] = [];
    if (!isId(entry.vehicle_type_id)) problems.push('vehicle_type_id: missing (mandatory)');
    const duplicate = duplicateProblem(ids, index, 'vehicle_type_id');
    if (duplicate) problems.push(duplicate);
    const { form_factor: formFactor, propulsion_type: propulsion } = entry;
    if (typeof formFactor !== 'string') problems.push('form_factor: missing (mandatory)');
    if (typeof propulsion !== 'string') problems.push('propulsion_type: missing (mandatory)');
    const kind = kindOfVehicleType(formFactor, propulsion);
    if (typeof formFactor === 'string' && typeof propulsion === 'string' && !kind) {
      problems.push(
        `form_factor: ${formFactor} (${propulsion}) has no asset kind in this graph (bicycle, cargo_bicycle and car have)`,
      );
    }
    const range = entry.max_range_meters;
    if (range !== undefined && (typeof range !== 'number' || !(range >= 0)))
      problems.push('max_range_meters: must be a non-negative number');
    if (problems.length > 0) return { ok: false, index, key, problem: problems.join('; ') };
    return {
      ok: true,
      index,
      value: {
        vehicleTypeId: entry.vehicle_type_id as string,
        kind: kind!,
        formFactor: formFactor as string,
        propulsionType: propulsion as string,
        name: localized(entry.name, language),
        maxRangeMeters: typeof range === 'number' ? range : null,
      },
    };
  });
}

const isLatitude = (value: unknown): value is number => typeof value === 'number' && value >= -90 && value <= 90;
const isLongitude = (value: unknown): value is number => typeof value === 'number' && value >= -180 && value <= 180;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Checks stations: id, name and position present and sane, capacity a count. */
export function checkStations(data: Record<string, unknown>, language: string | undefined): Check<GbfsStation>[] {
  const list = listOf(data, 'stations', 'station_information');
  const ids = list.map((entry) => (isObject(entry) ? entry.station_id : undefined));
  return list.map((entry, index): Check<GbfsStation> => {
    const key = isId(ids[index]) ? (ids[index] as string) : `stations[${index}]`;
    if (!isObject(entry)) return { ok: false, index, key, problem: 'must be a JSON object' };
    const problems: string[] = [];
    if (!isId(entry.station_id)) problems.push('station_id: missing (mandatory)');
    const duplicate = duplicateProblem(ids, index, 'station_id');
    if (duplicate) problems.push(duplicate);
    const name = localized(entry.name, language);
    if (!name) problems.push('name: missing (mandatory)');
    if (entry.lat === undefined) problems.push('lat: missing (mandatory)');
    else if (!isLatitude(entry.lat)) problems.push('lat: must be a latitude between -90 and 90');
    if (entry.lon === undefined) problems.push('lon: missing (mandatory)');
    else if (!isLongitude(entry.lon)) problems.push('lon: must be a longitude between -180 and 180');
    if (entry.capacity !== undefined && !isCount(entry.capacity))
      problems.push('capacity: must be a non-negative integer');
    if (entry.is_virtual_station !== undefined && typeof entry.is_virtual_station !== 'boolean')
      problems.push('is_virtual_station: must be true or false');
    if (problems.length > 0) return { ok: false, index, key, problem: problems.join('; ') };
    return {
      ok: true,
      index,
      value: {
        stationId: entry.station_id as string,
        name: name!,
        lat: entry.lat as number,
        lon: entry.lon as number,
        address: optionalText(entry.address),
        postCode: optionalText(entry.post_code),
        capacity: (entry.capacity as number | undefined) ?? null,
        isVirtualStation: entry.is_virtual_station === true,
      },
    };
  });
}

/** Checks station statuses: the keys GBFS makes mandatory, counts that are counts, a last_reported instant. */
export function checkStationStatuses(data: Record<string, unknown>, version: GbfsVersion): Check<GbfsStationStatus>[] {
  const list = listOf(data, 'stations', 'station_status');
  const ids = list.map((entry) => (isObject(entry) ? entry.station_id : undefined));
  const totalKey = version === '2.3' ? 'num_bikes_available' : 'num_vehicles_available';
  return list.map((entry, index): Check<GbfsStationStatus> => {
    const key = isId(ids[index]) ? (ids[index] as string) : `stations[${index}]`;
    if (!isObject(entry)) return { ok: false, index, key, problem: 'must be a JSON object' };
    const problems: string[] = [];
    if (!isId(entry.station_id)) problems.push('station_id: missing (mandatory)');
    const duplicate = duplicateProblem(ids, index, 'station_id');
    if (duplicate) problems.push(duplicate);
    if (!isCount(entry[totalKey])) problems.push(`${totalKey}: missing (mandatory) or not a non-negative integer`);
    const docks = entry.num_docks_available;
    if (docks !== undefined && !isCount(docks)) problems.push('num_docks_available: must be a non-negative integer');
    for (const flag of ['is_installed', 'is_renting', 'is_returning']) {
      if (typeof entry[flag] !== 'boolean') problems.push(`${flag}: missing (mandatory) or not true/false`);
    }
    const lastReported = instantOf(entry.last_reported, version);
    if (!lastReported) problems.push('last_reported: missing (mandatory) or malformed');
    let typeCounts: { vehicleTypeId: string; count: number }[] | null = null;
    if (entry.vehicle_types_available !== undefined) {
      const counts = entry.vehicle_types_available;
      if (
        !Array.isArray(counts) ||
        !counts.every((count) => isObject(count) && isId(count.vehicle_type_id) && isCount(count.count))
      ) {
        problems.push('vehicle_types_available: must be a list of { vehicle_type_id, count }');
      } else {
        typeCounts = (counts as { vehicle_type_id: string; count: number }[]).map((count) => ({
          vehicleTypeId: count.vehicle_type_id,
          count: count.count,
        }));
      }
    }
    if (problems.length > 0) return { ok: false, index, key, problem: problems.join('; ') };
    return {
      ok: true,
      index,
      value: {
        stationId: entry.station_id as string,
        vehiclesAvailable: entry[totalKey] as number,
        docksAvailable: (docks as number | undefined) ?? null,
        isInstalled: entry.is_installed as boolean,
        isRenting: entry.is_renting as boolean,
        isReturning: entry.is_returning as boolean,
        lastReported: lastReported!,
        typeCounts,
      },
    };
  });
}

/**
 * Reads a vehicle status feed: free-floating vehicles are counted per type (available = neither
 * reserved nor disabled); vehicles at a station are left to station_status. Vehicle ids and
 * positions are checked but never kept: ids rotate per rental, and a parked vehicle's position
 * is where someone's trip ended.
 */
export function checkVehicles(data: Record<string, unknown>, version: GbfsVersion): GbfsVehicles {
  const listKey = version === '2.3' ? 'bikes' : 'vehicles';
  const idKey = version === '2.3' ? 'bike_id' : 'vehicle_id';
  const list = listOf(data, listKey, VEHICLE_FEED[version]);
  const byType = new Map<string, GbfsFreeFloating>();
  const rejected: GbfsVehicles['rejected'] = [];
  let atStations = 0;
  list.forEach((entry, index) => {
    if (!isObject(entry)) {
      rejected.push({ index, problem: 'must be a JSON object' });
      return;
    }
    const problems: string[] = [];
    if (!isId(entry[idKey])) problems.push(`${idKey}: missing (mandatory)`);
    for (const flag of ['is_reserved', 'is_disabled']) {
      if (typeof entry[flag] !== 'boolean') problems.push(`${flag}: missing (mandatory) or not true/false`);
    }
    const atStation = isId(entry.station_id);
    if (!atStation && !(isLatitude(entry.lat) && isLongitude(entry.lon)))
      problems.push('lat, lon: a vehicle needs a position or a station_id');
    if (!isId(entry.vehicle_type_id))
      problems.push('vehicle_type_id: missing, so the asset kind cannot be told (this importer needs it)');
    if (problems.length > 0) {
      rejected.push({ index, problem: problems.join('; ') });
      return;
    }
    if (atStation) {
      atStations++;
      return;
    }
    const typeId = entry.vehicle_type_id as string;
    const group = byType.get(typeId) ?? { vehicleTypeId: typeId, available: 0, listed: 0, firstIndex: index };
    group.listed++;
    if (entry.is_reserved === false && entry.is_disabled === false) group.available++;
    byType.set(typeId, group);
  });
  return { freeFloating: [...byType.values()], rejected, atStations };
}

/**
 * Reads a whole system: the discovery file's text and a reader that gives a feed's text by its
 * name (null when the file is absent). A feed the import maps that the discovery names but that
 * is absent refuses the whole import, as does system_information missing from the discovery.
 * Feeds not mapped are not read.
 */
export function parseGbfsSystem(discoveryText: string, readFeed: (name: string) => string | null): GbfsParse {
  const discovery = parseGbfsDiscovery(discoveryText);
  const { version } = discovery;
  const notes = [...discovery.notes];
  if (!discovery.feeds.includes('system_information')) {
    throw new RefusedFileError('gbfs.json: names no system_information feed (mandatory in GBFS)');
  }
  const feeds = new Map<string, GbfsFeed>();
  for (const name of discovery.feeds) {
    if (!(MAPPED_FEEDS as readonly string[]).includes(name)) continue;
    const text = readFeed(name);
    if (text === null) {
      throw new RefusedFileError(`${name}.json: named by gbfs.json but absent beside it (feeds are read by file name)`);
    }
    feeds.set(name, parseGbfsFeed(name, text, version));
  }
  const unmapped = discovery.feeds.filter(
    (name) => name !== 'gbfs' && !(MAPPED_FEEDS as readonly string[]).includes(name),
  );
  if (unmapped.length > 0) notes.push(`not mapped: ${unmapped.join(', ')}`);

  const system = readSystemInformation(feeds.get('system_information')!.data, version);
  const language = system.languages[0];
  const types = feeds.get('vehicle_types');
  const stations = feeds.get('station_information');
  const statuses = feeds.get('station_status');
  const vehicles = feeds.get(VEHICLE_FEED[version]);
  const statusTimes = [statuses, vehicles].flatMap((feed) => (feed ? [feed.lastUpdated] : [])).sort();
  return {
    version,
    system,
    vehicleTypes: types ? checkVehicleTypes(types.data, language) : null,
    stations: stations ? checkStations(stations.data, language) : null,
    statuses: statuses ? checkStationStatuses(statuses.data, version) : null,
    vehicles: vehicles ? checkVehicles(vehicles.data, version) : null,
    statusUpdatedAt: statusTimes.at(-1) ?? null,
    discoveryUrl:
      discovery.selfUrl ??
      (discovery.feeds.includes('gbfs_versions') ? versionUrlOf(readFeed('gbfs_versions'), version) : null),
    notes,
  };
}

/**
 * Reads a lone station_status file (no discovery beside it, like the Oslo Bysykkel snapshot):
 * availability for stations the co-op already has, nothing else.
 */
export function parseLoneStationStatus(text: string): GbfsParse {
  const feed = parseGbfsFeed('station_status', text);
  return {
    version: feed.version,
    system: null,
    vehicleTypes: null,
    stations: null,
    statuses: checkStationStatuses(feed.data, feed.version),
    vehicles: null,
    statusUpdatedAt: feed.lastUpdated,
    discoveryUrl: null,
    notes: ['a lone station_status file: availability of stations the co-op already has, nothing else'],
  };
}
