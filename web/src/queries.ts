/**
 * Every GraphQL document the explorer and the dashboard send. They read the public graph at
 * /graphql like any other client: no private endpoint, no raw events, no token.
 */
import { ASSET_KINDS, KIND_ALIASES, type KindCounts } from './dashboard/kinds.js';

/** The README's CityReport, verbatim: the explorer's preloaded example. */
export const CITY_REPORT = `query CityReport($id: ID!, $from: Date!, $to: Date!, $year: Int!) {
  city(id: $id) {
    id name countryCode population
    leagues { id name }
    adaptations { id title status application { id name } }
    platformCooperatives {
      id name
      application { id name license steward { id name } }
      sharing(period: { from: $from, to: $to }) {
        assets uses activeMembers utilizationRate usersPerAsset kmShared nightsShared avoidedKgCO2e suppressed
      }
    }
    sharing(period: { from: $from, to: $to }) { uses utilizationRate avoidedKgCO2e suppressed }
    footprint(year: $year) { embodiedKgCO2e avoidedKgCO2e netKgCO2e perCapitaKgCO2e methodology }
  }
}
`;

/** Working variables for CITY_REPORT on the seed data (the README's example). */
export const CITY_REPORT_VARIABLES = { id: 'gent', from: '2025-01-01', to: '2025-12-31', year: 2025 };

/** One page of the city list. */
export const CITY_LIST = `query CityList($first: Int!, $after: String) {
  cities(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name countryCode population leagues { id name } }
  }
}`;

/** What a city page shows whatever the year (the co-ops' asset kinds as one count per kind, 7 aliases): who the city is, whom it works with, and the sources. */
export const CITY_PAGE = `query CityPage($id: ID!) {
  city(id: $id) {
    id name countryCode population populationYear populationSource
    leagues { id name website protocolCooperatives { id name } }
    pledges { id year amountEur purpose protocolCooperative { id name } application { id name } }
    adaptations { id title status createdOn application { id name } adoptedBy { id name } }
    adoptedAdaptations { id title status city { id name } application { id name } }
    platformCooperatives {
      id name illustrative
      application { id name domain license illustrative steward { id name } }
      ${ASSET_KINDS.map((kind) => `${KIND_ALIASES[kind]}: assets(kind: ${kind}, first: 0) { totalCount }`).join('\n      ')}
    }
    annualSharing { year }
  }
  emissionFactors(first: 100) {
    totalCount
    nodes { id category name source sourceUrl license year }
  }
}`;

/** Month aliases of CITY_YEAR, in calendar order (12 of the gateway's 15 allowed aliases). */
export const MONTH_KEYS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
export type MonthKey = (typeof MONTH_KEYS)[number];

/** The figures of one period that a city page shows; `sharing` of a city or a co-op (hours for the split by kind). */
const FIGURES =
  'assets assetHours hoursInUse uses activeMembers utilizationRate usersPerAsset kmShared nightsShared avoidedKgCO2e suppressed';

/** What a city page shows for one year: the year's sharing, by co-op and by month, and the footprint. */
export const CITY_YEAR = `query CityYear($id: ID!, $year: Int!, $period: PeriodInput!, ${MONTH_KEYS.map((m) => `$${m}: PeriodInput!`).join(', ')}) {
  city(id: $id) {
    id
    sharing(period: $period) { ...Figures methodology suppressionThreshold }
    platformCooperatives { id sharing(period: $period) { ...Figures } }
    footprint(year: $year) { year embodiedKgCO2e avoidedKgCO2e netKgCO2e perCapitaKgCO2e methodology }
${MONTH_KEYS.map((m) => `    ${m}: sharing(period: $${m}) { ...Figures }`).join('\n')}
  }
}
fragment Figures on SharingStats { ${FIGURES} }`;

/** A period as the graph takes it: both days included, ISO dates. */
export interface Period {
  from: string;
  to: string;
}

/** The whole calendar year. */
export function yearPeriod(year: number): Period {
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** The twelve calendar months of a year, keyed as in CITY_YEAR. */
export function monthPeriods(year: number): Record<MonthKey, Period> {
  const entries = MONTH_KEYS.map((key, index) => {
    const month = String(index + 1).padStart(2, '0');
    // Day 0 of the next month is the last day of this one.
    const lastDay = new Date(Date.UTC(year, index + 1, 0)).getUTCDate();
    return [key, { from: `${year}-${month}-01`, to: `${year}-${month}-${lastDay}` }];
  });
  return Object.fromEntries(entries) as Record<MonthKey, Period>;
}

/** The variables of CITY_YEAR for one city and year. */
export function cityYearVariables(id: string, year: number): Record<string, unknown> {
  return { id, year, period: yearPeriod(year), ...monthPeriods(year) };
}

/** SharingStats as the dashboard asks for it. Member-derived figures are null when suppressed. */
export interface SharingFigures {
  assets: number;
  assetHours: number;
  hoursInUse: number | null;
  uses: number | null;
  activeMembers: number | null;
  utilizationRate: number | null;
  usersPerAsset: number | null;
  kmShared: number | null;
  nightsShared: number | null;
  avoidedKgCO2e: number | null;
  suppressed: boolean;
}

export interface Footprint {
  year: number;
  embodiedKgCO2e: number;
  avoidedKgCO2e: number | null;
  netKgCO2e: number | null;
  perCapitaKgCO2e: number | null;
  methodology: string;
}

/** The answer of CITY_YEAR. Fields another subgraph contributes are null when that subgraph fails. */
export type CityYearData = {
  city:
    | ({
        id: string;
        sharing: (SharingFigures & { methodology: string; suppressionThreshold: number }) | null;
        platformCooperatives: { id: string; sharing: SharingFigures | null }[] | null;
        footprint: Footprint | null;
      } & Record<MonthKey, SharingFigures | null>)
    | null;
};

export interface Named {
  id: string;
  name: string;
}

export interface CityPageData {
  city: {
    id: string;
    name: string;
    countryCode: string;
    population: number;
    populationYear: number;
    populationSource: string;
    leagues: (Named & { website: string | null; protocolCooperatives: Named[] })[];
    pledges: {
      id: string;
      year: number;
      amountEur: number;
      purpose: string;
      protocolCooperative: Named | null;
      application: Named | null;
    }[];
    adaptations:
      { id: string; title: string; status: string; createdOn: string; application: Named; adoptedBy: Named[] }[] | null;
    adoptedAdaptations: { id: string; title: string; status: string; city: Named | null; application: Named }[] | null;
    platformCooperatives:
      | (Named & {
          illustrative: boolean;
          application:
            (Named & { domain: string; license: string; illustrative: boolean; steward: Named | null }) | null;
        } & KindCounts)[]
      | null;
    annualSharing: { year: number }[] | null;
  } | null;
  emissionFactors: {
    totalCount: number;
    nodes: {
      id: string;
      category: string;
      name: string;
      source: string;
      sourceUrl: string;
      license: string;
      year: number;
    }[];
  } | null;
}

export interface CityListData {
  cities: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: (Named & { countryCode: string; population: number; leagues: Named[] })[];
  };
}
