/**
 * What the benchmark sends: each scenario is one GraphQL operation, a way to choose its
 * variables per request, and where it goes (the gateway, or straight to a subgraph).
 */
import { CITIES_REPORT, CITY_REPORT, REPORT_PERIOD } from '../test/queries.js';

/** A single-subgraph lookup: everything it asks for is owned by `league`. */
export const CITY_LOOKUP = `
  query CityLookup($id: ID!) {
    city(id: $id) { id name countryCode population populationYear leagues { id name } }
  }`;

/** A public aggregate: one city's sharing figures for a year (`league` resolves the city, `coop` the figures). */
export const CITY_SHARING = `
  query CitySharing($id: ID!, $from: Date!, $to: Date!) {
    city(id: $id) {
      id
      sharing(period: { from: $from, to: $to }) {
        assets uses activeMembers hoursInUse utilizationRate usersPerAsset kmShared nightsShared avoidedKgCO2e suppressed
      }
    }
  }`;

export type Variables = Record<string, unknown>;

/** How a scenario's requests vary: one fixed request, or a function of the request's sequence number. */
export type VariablesFor = Variables | ((n: number) => Variables);

export interface Scenario {
  id: string;
  title: string;
  query: string;
  variables: VariablesFor;
  /** `gateway`: through each gateway under test; `league`: straight to that subgraph, with the secret. */
  via: 'gateway' | 'league';
  /** Which gateway set serves it: plain (no Redis) or with the shared Redis response cache. */
  gateways: 'plain' | 'cached';
  /** Gateway instances loaded at once (round-robin over connections). */
  instances: 1 | 2;
  /** Cache state the run starts from; `cold` also makes every request a distinct cache entry. */
  cache?: 'cold' | 'warm';
  /** Run again on every extra data set given with --data-dir. */
  atEachScale?: boolean;
  /** Load the reads while 10,000-event ingests run back to back (bench/read-during-ingest.ts). */
  duringIngest?: boolean;
}

/** Date of `days` after 1 January of `year`, ISO 8601. */
function dayOf(year: number, days: number): string {
  return new Date(Date.UTC(year, 0, 1 + days)).toISOString().slice(0, 10);
}

/**
 * A different period for each request number (up to 365 × 365 distinct ones), ending in the
 * report year: the same work as the report's year, but never the same cache entry twice.
 */
export function distinctPeriod(n: number, year: number): { from: string; to: string } {
  return { from: dayOf(year - 1, n % 365), to: dayOf(year, 364 - (Math.floor(n / 365) % 365)) };
}

export interface ScenarioContext {
  /** The city the single-city scenarios ask for. */
  city: string;
  /** Every city id of the data set, for the scenario that spreads requests over them. */
  cities: string[];
  year: number;
}

/** The benchmark's scenarios, in the order they run. */
export function scenarios({ city, cities, year }: ScenarioContext): Scenario[] {
  const period = year === REPORT_PERIOD.year ? REPORT_PERIOD : { from: `${year}-01-01`, to: `${year}-12-31`, year };
  const report = { id: city, ...period };
  const plain = { via: 'gateway', gateways: 'plain', instances: 1 } as const;
  const cached = { via: 'gateway', gateways: 'cached', query: CITY_REPORT } as const;
  const coldReport = (n: number) => ({ id: city, year, ...distinctPeriod(n, year) });
  return [
    { ...plain, id: 'city-report', title: 'CityReport, one city', query: CITY_REPORT, variables: report },
    {
      ...plain,
      id: 'city-report-mixed',
      title: `CityReport, ${cities.length} cities in turn`,
      query: CITY_REPORT,
      variables: (n) => ({ ...report, id: cities[n % cities.length] }),
    },
    {
      ...plain,
      id: 'cities-50',
      title: 'CitiesReport, first: 50',
      query: CITIES_REPORT,
      variables: { first: 50, ...period },
      atEachScale: true,
    },
    // The lookup goes through the cities in turn, on both paths: with no two identical requests
    // in flight, neither gateway can share an answer, so the ratio is the cost of the gateway hop.
    {
      ...plain,
      id: 'lookup',
      title: 'City lookup (league only), cities in turn',
      query: CITY_LOOKUP,
      variables: (n) => ({ id: cities[n % cities.length] }),
    },
    {
      ...plain,
      id: 'lookup-direct',
      title: 'The same lookup, straight to league',
      via: 'league',
      query: CITY_LOOKUP,
      variables: (n) => ({ id: cities[n % cities.length] }),
    },
    {
      ...plain,
      id: 'aggregate',
      title: `City.sharing for ${year}`,
      query: CITY_SHARING,
      variables: { id: city, from: period.from, to: period.to },
      atEachScale: true,
    },
    {
      ...plain,
      id: 'aggregate-mixed',
      title: `City.sharing for ${year}, cities in turn`,
      query: CITY_SHARING,
      variables: (n) => ({ id: cities[n % cities.length], from: period.from, to: period.to }),
      atEachScale: true,
    },
    // The aggregate's reads again, while a co-op of the same city ingests: compare its p99 with aggregate's.
    {
      ...plain,
      id: 'read-during-ingest',
      title: `City.sharing for ${year} during 10,000-event ingests`,
      query: CITY_SHARING,
      variables: { id: city, from: period.from, to: period.to },
      duringIngest: true,
    },
    {
      ...cached,
      id: 'cache-cold',
      title: 'CityReport, Redis cache cold',
      instances: 1,
      cache: 'cold',
      variables: coldReport,
    },
    {
      ...cached,
      id: 'cache-warm',
      title: 'CityReport, Redis cache warm',
      instances: 1,
      cache: 'warm',
      variables: report,
    },
    {
      ...cached,
      id: 'cache-cold-x2',
      title: 'CityReport, cache cold, 2 instances',
      instances: 2,
      cache: 'cold',
      variables: coldReport,
    },
    {
      ...cached,
      id: 'cache-warm-x2',
      title: 'CityReport, cache warm, 2 instances',
      instances: 2,
      cache: 'warm',
      variables: report,
    },
  ];
}
