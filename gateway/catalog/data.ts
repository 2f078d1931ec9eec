/**
 * What the catalogue and its CSV files are built from: public GraphQL operations, run through
 * the gateway's own request pipeline (see index.ts), never a database. Every answer must be
 * complete: a GraphQL error (a subgraph down or timed out) makes the whole build fail with
 * CatalogUnavailableError rather than publish a partial file.
 */
import type { CatalogFootprintQuery, FiguresFragment } from '../generated/operations.js';

/** Runs one operation through the gateway and returns its data; throws CatalogUnavailableError on any error. */
export type Execute = <Data>(query: string, variables?: Record<string, unknown>) => Promise<Data>;

/** The graph could not answer completely; the message names what failed. */
export class CatalogUnavailableError extends Error {}

interface Page<Node> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Node[];
}

/**
 * Every node of a paged root list, page by page. Nested lists of the graph are capped (the first
 * `first`, by the demand control's `@listSize`), so the catalogue reads every list through a
 * root connection like this one and never through a nested field, which would cut it silently.
 */
async function allPages<Node>(
  execute: Execute,
  pageSize: number,
  query: string,
  field: string,
  variables: Record<string, unknown> = {},
): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  do {
    const data: Record<string, Page<Node>> = await execute(query, { ...variables, first: pageSize, after });
    const page = data[field];
    if (!page) throw new CatalogUnavailableError(`the graph gave no ${field}`);
    nodes.push(...page.nodes);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return nodes;
}

export interface CityEntry {
  id: string;
  name: string;
  countryCode: string;
  latitude: number;
  longitude: number;
  /** Years with usage: one sharing dataset each. */
  sharingYears: number[];
  /** Years with usage or with goods delivered to the city's co-ops: one footprint dataset each. */
  footprintYears: number[];
}

export interface Application {
  id: string;
  name: string;
  summary: string;
  domain: string;
  license: string;
  repositoryUrl: string | null;
  website: string | null;
  foundedYear: number | null;
  illustrative: boolean;
  stewardId: string | null;
}

export interface EmissionFactor {
  id: string;
  category: string;
  name: string;
  unit: string;
  kgCO2ePerUnit: number;
  occupancy: number | null;
  kgCO2ePerPassengerKm: number | null;
  source: string;
  sourceUrl: string;
  license: string;
  year: number;
  region: string;
  notes: string;
}

/** A co-op that publishes descriptive GBFS 3.0 feeds: one catalogue dataset each. */
export interface GbfsEntry {
  platformCooperativeId: string;
  name: string;
  cityId: string | null;
  /** The path of its discovery file at the gateway, `/gbfs/<id>/gbfs.json`. */
  path: string;
  systemName: string;
  /** When the system, its types or stations last changed (ISO 8601): the feeds describe it since then. */
  updatedAt: string;
  licenseId: string | null;
  licenseUrl: string | null;
  /** The co-op's own live feed, when known: the catalogue points to it for availability. */
  operationalFeedUrl: string | null;
}

/** What the catalogue itself describes: which datasets exist and their coverage. */
export interface CatalogIndex {
  cities: CityEntry[];
  applications: Application[];
  emissionFactors: EmissionFactor[];
  gbfs: GbfsEntry[];
}

const CITIES = `query CatalogCities($first: Int!, $after: String) {
  cities(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name countryCode latitude longitude annualSharing { year } }
  }
}`;

/** Production runs name the city they delivered to: the footprint of that year has embodied emissions. */
const DELIVERIES = `query CatalogDeliveries($first: Int!, $after: String) {
  productionRuns(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { completedOn city { id } }
  }
}`;

const APPLICATIONS = `query CatalogApplications($first: Int!, $after: String) {
  applications(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name summary domain license repositoryUrl website foundedYear illustrative steward { id } }
  }
}`;

const EMISSION_FACTORS = `query CatalogEmissionFactors($first: Int!, $after: String) {
  emissionFactors(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id category name unit kgCO2ePerUnit occupancy kgCO2ePerPassengerKm
      source sourceUrl license year region notes
    }
  }
}`;

const GBFS_SYSTEMS = `query CatalogGbfs($first: Int!, $after: String) {
  platformCooperatives(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name gbfs city { id } vehicleSharingSystem { name updatedAt licenseId licenseUrl operationalFeedUrl } }
  }
}`;

interface GbfsNode {
  id: string;
  name: string;
  gbfs: string | null;
  city: { id: string } | null;
  vehicleSharingSystem: {
    name: string;
    updatedAt: string;
    licenseId: string | null;
    licenseUrl: string | null;
    operationalFeedUrl: string | null;
  } | null;
}

interface CityNode extends Omit<CityEntry, 'sharingYears' | 'footprintYears'> {
  annualSharing: { year: number }[] | null;
}

const sortedUnique = (years: Iterable<number>) => [...new Set(years)].sort((a, b) => a - b);

/**
 * Lists the cities with their years, the application registry and the emission-factor table,
 * in pages of `pageSize` (at most the subgraphs' MAX_PAGE_SIZE, or they refuse the operation).
 */
export async function loadIndex(execute: Execute, pageSize: number): Promise<CatalogIndex> {
  const [cityNodes, runs, applicationNodes, emissionFactors, coopNodes] = await Promise.all([
    allPages<CityNode>(execute, pageSize, CITIES, 'cities'),
    allPages<{ completedOn: string; city: { id: string } | null }>(execute, pageSize, DELIVERIES, 'productionRuns'),
    allPages<Omit<Application, 'stewardId'> & { steward: { id: string } | null }>(
      execute,
      pageSize,
      APPLICATIONS,
      'applications',
    ),
    allPages<EmissionFactor>(execute, pageSize, EMISSION_FACTORS, 'emissionFactors'),
    allPages<GbfsNode>(execute, pageSize, GBFS_SYSTEMS, 'platformCooperatives'),
  ]);
  const deliveryYears = new Map<string, number[]>();
  for (const run of runs) {
    if (!run.city) continue;
    const years = deliveryYears.get(run.city.id) ?? [];
    years.push(Number(run.completedOn.slice(0, 4)));
    deliveryYears.set(run.city.id, years);
  }
  const cities = cityNodes.map(({ annualSharing, ...city }) => {
    if (!annualSharing) throw new CatalogUnavailableError(`the graph gave no annualSharing for city ${city.id}`);
    const sharingYears = sortedUnique(annualSharing.map((entry) => entry.year));
    const footprintYears = sortedUnique([...sharingYears, ...(deliveryYears.get(city.id) ?? [])]);
    return { ...city, sharingYears, footprintYears };
  });
  const applications = applicationNodes.map(({ steward, ...application }) => ({
    ...application,
    stewardId: steward?.id ?? null,
  }));
  const gbfs = coopNodes.flatMap((coop) =>
    coop.gbfs && coop.vehicleSharingSystem
      ? [
          {
            platformCooperativeId: coop.id,
            name: coop.name,
            cityId: coop.city?.id ?? null,
            path: coop.gbfs,
            systemName: coop.vehicleSharingSystem.name,
            updatedAt: coop.vehicleSharingSystem.updatedAt,
            licenseId: coop.vehicleSharingSystem.licenseId,
            licenseUrl: coop.vehicleSharingSystem.licenseUrl,
            operationalFeedUrl: coop.vehicleSharingSystem.operationalFeedUrl,
          },
        ]
      : [],
  );
  return { cities, applications, emissionFactors, gbfs };
}

/** One row of sharing.csv: the figures the graph answers (the generated `Figures` type), per period and co-op. */
export type SharingRow = Omit<FiguresFragment, 'period'> & {
  cityId: string;
  from: string;
  to: string;
  platformCooperativeId: string | null;
  platformCooperativeName: string | null;
};

const FIGURES = /* GraphQL */ `fragment Figures on SharingStats {
  period { from to }
  assets assetHours uses memberDays activeMembers hoursInUse utilizationRate usersPerAsset
  kmShared nightsShared avoidedKgCO2e suppressed suppressionThreshold methodology
}`;

const CITY_SHARING = `query CatalogSharing($id: ID!, $period: PeriodInput!) {
  city(id: $id) { sharing(period: $period) { ...Figures } }
}
${FIGURES}`;

/** The city's co-ops and their figures, paged through the root list (a city may run thousands). */
const COOP_SHARING = `query CatalogCoopSharing($id: ID!, $period: PeriodInput!, $first: Int!, $after: String) {
  platformCooperatives(cityId: $id, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name sharing(period: $period) { ...Figures } }
  }
}
${FIGURES}`;

/** The whole year, then its twelve calendar months: the periods of sharing.csv. */
export function sharingPeriods(year: number): { from: string; to: string }[] {
  const months = Array.from({ length: 12 }, (_, index) => {
    const month = String(index + 1).padStart(2, '0');
    // Day 0 of the next month is the last day of this one.
    const lastDay = String(new Date(Date.UTC(year, index + 1, 0)).getUTCDate()).padStart(2, '0');
    return { from: `${year}-${month}-01`, to: `${year}-${month}-${lastDay}` };
  });
  return [{ from: `${year}-01-01`, to: `${year}-12-31` }, ...months];
}

function rowOf(cityId: string, stats: FiguresFragment, coop: { id: string; name: string } | null): SharingRow {
  const { period, ...figures } = stats;
  return {
    cityId,
    from: period.from,
    to: period.to,
    platformCooperativeId: coop?.id ?? null,
    platformCooperativeName: coop?.name ?? null,
    ...figures,
  };
}

/**
 * The rows of one city's sharing.csv for a year: per period the city's row, then every co-op's,
 * in pages of `pageSize`. One operation per period (and page) keeps each well under the
 * gateway's alias limit (a month per alias would need two per month); they run in sequence so
 * one file never takes more than one request's share of the subgraphs at a time.
 */
export async function loadSharing(
  execute: Execute,
  pageSize: number,
  cityId: string,
  year: number,
): Promise<SharingRow[]> {
  const rows: SharingRow[] = [];
  for (const period of sharingPeriods(year)) {
    const { city } = await execute<{ city: { sharing: FiguresFragment | null } | null }>(CITY_SHARING, {
      id: cityId,
      period,
    });
    if (!city?.sharing) {
      throw new CatalogUnavailableError(`the graph gave no sharing for city ${cityId}, ${period.from}–${period.to}`);
    }
    rows.push(rowOf(cityId, city.sharing, null));
    const coops = await allPages<{ id: string; name: string; sharing: FiguresFragment | null }>(
      execute,
      pageSize,
      COOP_SHARING,
      'platformCooperatives',
      { id: cityId, period },
    );
    for (const coop of coops) {
      if (!coop.sharing) throw new CatalogUnavailableError(`the graph gave no sharing for co-op ${coop.id}`);
      rows.push(rowOf(cityId, coop.sharing, coop));
    }
  }
  return rows;
}

/** One city's footprint for a year, as `CatalogFootprint` asks for it. */
export type Footprint = NonNullable<NonNullable<CatalogFootprintQuery['city']>['footprint']>;

const FOOTPRINT = /* GraphQL */ `query CatalogFootprint($id: ID!, $year: Int!) {
  city(id: $id) {
    footprint(year: $year) { year embodiedKgCO2e avoidedKgCO2e netKgCO2e perCapitaKgCO2e methodology }
  }
}`;

/** One city's footprint for a year, as `City.footprint(year)` answers. */
export async function loadFootprint(execute: Execute, cityId: string, year: number): Promise<Footprint> {
  const { city } = await execute<CatalogFootprintQuery>(FOOTPRINT, { id: cityId, year });
  if (!city?.footprint) throw new CatalogUnavailableError(`the graph gave no footprint for city ${cityId}, ${year}`);
  return city.footprint;
}
