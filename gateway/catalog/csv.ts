/**
 * The CSV files the catalogue's distributions point at: RFC 4180 (CRLF line ends, a header row,
 * fields quoted when they hold a comma, a quote or a line break, quotes doubled), UTF-8 without a
 * byte-order mark. Column names are the GraphQL field names, so a row reads like the graph's
 * answer it was built from. A null (a suppressed or unknown figure) is an empty field.
 */
import type { Application, EmissionFactor, Footprint, SharingRow } from './data.js';

/** One field as RFC 4180 writes it. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: the header row, then one row per record, each line ended by CRLF. */
export function toCsv<Row>(columns: readonly (keyof Row & string)[], rows: readonly Row[]): string {
  const lines = [
    columns.join(','),
    ...rows.map((row) => columns.map((column) => csvField(row[column] as never)).join(',')),
  ];
  return lines.map((line) => `${line}\r\n`).join('');
}

/**
 * sharing.csv: for the whole year and for each calendar month, one row for the city (all its
 * co-ops: `platformCooperativeId` empty) and one per platform co-op, exactly as
 * `City.sharing(period)` and `PlatformCooperative.sharing(period)` answer. Every period is a
 * calendar cell, so distinct members are published where rule 3 allows; never per day.
 */
export const SHARING_COLUMNS = [
  'cityId',
  'from',
  'to',
  'platformCooperativeId',
  'platformCooperativeName',
  'assets',
  'assetHours',
  'uses',
  'memberDays',
  'activeMembers',
  'hoursInUse',
  'utilizationRate',
  'usersPerAsset',
  'kmShared',
  'nightsShared',
  'avoidedKgCO2e',
  'suppressed',
  'suppressionThreshold',
  'methodology',
] as const satisfies readonly (keyof SharingRow)[];

/** footprint.csv: one row, `City.footprint(year)`. */
export const FOOTPRINT_COLUMNS = [
  'cityId',
  'year',
  'embodiedKgCO2e',
  'avoidedKgCO2e',
  'netKgCO2e',
  'perCapitaKgCO2e',
  'methodology',
] as const satisfies readonly (keyof (Footprint & { cityId: string }))[];

/** applications.csv: one row per CommonsApplication, ordered by id. */
export const APPLICATION_COLUMNS = [
  'id',
  'name',
  'summary',
  'domain',
  'license',
  'repositoryUrl',
  'website',
  'foundedYear',
  'illustrative',
  'stewardId',
] as const satisfies readonly (keyof Application)[];

/** emission-factors.csv: one row per EmissionFactor, ordered by id; every row names its own source and licence. */
export const EMISSION_FACTOR_COLUMNS = [
  'id',
  'category',
  'name',
  'unit',
  'kgCO2ePerUnit',
  'occupancy',
  'kgCO2ePerPassengerKm',
  'source',
  'sourceUrl',
  'license',
  'year',
  'region',
  'notes',
] as const satisfies readonly (keyof EmissionFactor)[];

export const sharingCsv = (rows: readonly SharingRow[]) => toCsv<SharingRow>(SHARING_COLUMNS, rows);

export const footprintCsv = (cityId: string, footprint: Footprint) =>
  toCsv<Footprint & { cityId: string }>(FOOTPRINT_COLUMNS, [{ cityId, ...footprint }]);

export const applicationsCsv = (rows: readonly Application[]) => toCsv<Application>(APPLICATION_COLUMNS, rows);

export const emissionFactorsCsv = (rows: readonly EmissionFactor[]) =>
  toCsv<EmissionFactor>(EMISSION_FACTOR_COLUMNS, rows);
