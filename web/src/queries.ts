/**
 * The GraphQL documents the dashboard sends, by name, with their variables, and the explorer's
 * example. The dashboard's operations are written in operations.graphql and typed from the API
 * schema by `npm run codegen` (generated/operations.ts). They read the public graph at /graphql
 * like any other client: no private endpoint, no raw events, no token.
 */
import {
  CityListDocument,
  CityPageDocument,
  CityYearDocument,
  type CityYearQueryVariables,
  type DashboardFiguresFragment,
} from './generated/operations.js';

/**
 * The README's CityReport, verbatim: the explorer's preloaded example, text for a person to edit
 * and send, so kept as the README writes it (test/browser/front-end.test.ts compares the two;
 * test/queries.ts's typed CityReport is the same operation).
 */
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

/** One page of the city list (web/src/operations.graphql, as every document below). */
export const CITY_LIST = CityListDocument;

/** What a city page shows whatever the year: who the city is, whom it works with, and the sources. */
export const CITY_PAGE = CityPageDocument;

/** Month aliases of CITY_YEAR, in calendar order (12 of the gateway's 15 allowed aliases). */
export const MONTH_KEYS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
export type MonthKey = (typeof MONTH_KEYS)[number];

/** What a city page shows for one year: the year's sharing, by co-op and by month, and the footprint. */
export const CITY_YEAR = CityYearDocument;

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
export function cityYearVariables(id: string, year: number): CityYearQueryVariables {
  return { id, year, period: yearPeriod(year), ...monthPeriods(year) };
}

/** SharingStats as the dashboard asks for it (fragment DashboardFigures). Member-derived figures are null when suppressed. */
export type SharingFigures = DashboardFiguresFragment;

/** Anything the page names with a link: an id and a name. */
export interface Named {
  id: string;
  name: string;
}
