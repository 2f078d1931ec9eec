/**
 * The operations the end-to-end tests send, as clients would. `npm run codegen` types their
 * answers in gateway/generated/operations.ts (CityReportQuery, CitiesReportQuery, SharingQuery).
 */

/** The fields of the README's CityReport; it reads the operation's $from, $to and $year. */
const CITY_REPORT_FIELDS = /* GraphQL */ `
  fragment CityReportFields on City {
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
  }`;

/** The README's CityReport, its fields as a fragment shared with CITIES_REPORT. */
export const CITY_REPORT = /* GraphQL */ `
  query CityReport($id: ID!, $from: Date!, $to: Date!, $year: Int!) {
    city(id: $id) { ...CityReportFields }
  }
  ${CITY_REPORT_FIELDS}`;

/** The same report for the first `first` cities of the list. */
export const CITIES_REPORT = /* GraphQL */ `
  query CitiesReport($first: Int!, $from: Date!, $to: Date!, $year: Int!) {
    cities(first: $first) { totalCount nodes { ...CityReportFields } }
  }
  ${CITY_REPORT_FIELDS}`;

/** Every additive sharing figure, per co-op and per city, for one period. */
export const SHARING_SPLIT = /* GraphQL */ `
  query Sharing($id: ID!, $from: Date!, $to: Date!) {
    city(id: $id) {
      sharing(period: { from: $from, to: $to }) { ...SplitFigures }
      platformCooperatives { id sharing(period: { from: $from, to: $to }) { ...SplitFigures } }
    }
  }
  fragment SplitFigures on SharingStats {
    assets assetHours uses memberDays activeMembers hoursInUse kmShared nightsShared avoidedKgCO2e suppressed utilizationRate usersPerAsset
  }`;

export const REPORT_PERIOD = { from: '2025-01-01', to: '2025-12-31', year: 2025 };
