/**
 * The sharing figures (docs/methodology.md), as pure functions over bin totals, member cells
 * and assets. No database and no GraphQL here, so the formulas are unit-tested on their own.
 */
import { daysInclusive } from '../../lib/dates.js';
import type { SharingStats } from './generated/resolvers.js';

/** Version 2.0: privacy model v2 (docs/methodology.md, "What changed from 1.0"). */
export const SHARING_METHODOLOGY = 'commons-sharing/2.0';

export interface Period {
  from: string;
  to: string;
}

/** A fixed calendar cell of distinct-member counts: one calendar year, or one month of it (1–12). */
export interface Cell {
  year: number;
  month: number | null;
}

/** Additive parts of a sharing aggregate: sums over visible bins, over assets and over published cells. */
export interface SharingParts {
  period: Period;
  /** Bins with at least k distinct members: the only ones summed. */
  visibleBins: number;
  assets: number;
  assetHours: number;
  uses: number;
  /** Σ over visible bins of the bin's distinct members (a member counts once per day). */
  memberDays: number;
  /** Σ of the published distinct-member cells of the period (0 for a cell withheld); 0 when the period is no cell. */
  cellMembers: number;
  /** Hours within the period of the uses started in visible bins, wherever those bins lie (by coverage). */
  hoursInUse: number;
  km: number;
  nights: number;
  avoidedKg: number;
}

/** The public figures of one aggregate: the `SharingStats` the schema declares (generated). */
export type { SharingStats };

export interface AssetService {
  commissioned_on: string;
  decommissioned_on: string | null;
}

/** Days an asset was in service within the period, both ends included. */
export function serviceDays(asset: AssetService, period: Period): number {
  const from = asset.commissioned_on > period.from ? asset.commissioned_on : period.from;
  const to =
    asset.decommissioned_on !== null && asset.decommissioned_on < period.to ? asset.decommissioned_on : period.to;
  return daysInclusive(from, to);
}

/** Assets in service at some point of the period, and their available asset-hours (24 a day). */
export function assetAvailability(
  assets: readonly AssetService[],
  period: Period,
): { assets: number; assetHours: number } {
  let count = 0;
  let days = 0;
  for (const asset of assets) {
    const inService = serviceDays(asset, period);
    if (inService > 0) {
      count += 1;
      days += inService;
    }
  }
  return { assets: count, assetHours: days * 24 };
}

/** The last day (28–31) of a month of a year. */
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The calendar cell a period is exactly, or null: 1 January to 31 December of one year, or the
 * first to the last day of one month. Distinct members are published for these periods only.
 */
export function cellOf(period: Period): Cell | null {
  const from = /^(\d{4})-(\d{2})-01$/.exec(period.from);
  if (!from || period.to.slice(0, 4) !== from[1]) return null;
  const year = Number(from[1]);
  const month = Number(from[2]);
  if (month === 1 && period.to === `${from[1]}-12-31`) return { year, month: null };
  const last = `${from[1]}-${from[2]}-${String(lastDayOf(year, month)).padStart(2, '0')}`;
  return period.to === last ? { year, month } : null;
}

/** The published distinct-member counts of one co-op's year: the year and its twelve months, null where withheld. */
export interface PublishedCells {
  year: number | null;
  /** Index 0 is January. */
  months: (number | null)[];
}

/**
 * Applies rule 3 to one co-op's raw cell counts (distinct members over the visible bins): a
 * cell is published only with at least k members, and a month is withheld too when it differs
 * from its published year by 1 to k − 1, since that difference would be a group of fewer than
 * k members ("active this year but not in this month"). The year is never withheld for its
 * months' sake, so withholding a month never cascades.
 */
export function publishCells(year: number, months: readonly number[], k: number): PublishedCells {
  const shownYear = year >= k ? year : null;
  return {
    year: shownYear,
    months: months.map((count) => {
      if (count < k) return null;
      const gap = (shownYear ?? count) - count;
      return gap === 0 || gap >= k ? count : null;
    }),
  };
}

/** The published count of one cell, 0 when withheld (what it contributes to a city's sum). */
export function cellValue(cells: PublishedCells, cell: Cell): number {
  return (cell.month === null ? cells.year : cells.months[cell.month - 1]) ?? 0;
}

export function emptyParts(period: Period): SharingParts {
  return {
    period,
    visibleBins: 0,
    assets: 0,
    assetHours: 0,
    uses: 0,
    memberDays: 0,
    cellMembers: 0,
    hoursInUse: 0,
    km: 0,
    nights: 0,
    avoidedKg: 0,
  };
}

/**
 * Adds aggregates of the same period (e.g. a city's co-ops). Members are pseudonymous per
 * co-op, so a city's distinct members are the sum of its co-ops' published cells.
 */
export function addParts(period: Period, parts: readonly SharingParts[]): SharingParts {
  const total = emptyParts(period);
  for (const part of parts) {
    total.visibleBins += part.visibleBins;
    total.assets += part.assets;
    total.assetHours += part.assetHours;
    total.uses += part.uses;
    total.memberDays += part.memberDays;
    total.cellMembers += part.cellMembers;
    total.hoursInUse += part.hoursInUse;
    total.km += part.km;
    total.nights += part.nights;
    total.avoidedKg += part.avoidedKg;
  }
  return total;
}

/**
 * Sums of floating-point columns (km, kg CO2e, hours) rounded to 3 decimals (metres, grams):
 * SQLite sums doubles with compensated summation and PostgreSQL without, and each engine
 * computes the daily bins' kg itself, so the raw sums differ in their last bits (47057.3
 * against 47057.30000000007); rounded well above that noise, both engines publish the same figure.
 */
export const cleanSum = (value: number): number => Math.round(value * 1000) / 1000;

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

/**
 * Turns summed parts into public figures: a function of the visible bins, the published cells
 * and the fleet only, so an aggregate with hidden activity and one with none answer alike
 * (rule 2). With no visible bin the aggregate is `suppressed` and its start-day figures are
 * null; it contributes 0 to their sums. Hours in use are the exception: a suppressed period
 * can still hold hours of visible uses started before it (a stay begun on a visible day), and
 * those are shown, so hours add up over any cut of a period (rule 1); they are null only when
 * no visible use covers the period. `activeMembers` and `usersPerAsset` are null unless the
 * period is a calendar cell whose published count reaches k (rule 3).
 */
export function toStats(parts: SharingParts, k: number): SharingStats {
  const suppressed = parts.visibleBins === 0;
  const shown = <T>(value: T): T | null => (suppressed ? null : value);
  // Every visible use covers its start day for some hours, so with a visible bin hours are > 0.
  const hoursInUse = parts.hoursInUse > 0 ? cleanSum(parts.hoursInUse) : null;
  const members = !suppressed && cellOf(parts.period) && parts.cellMembers >= k ? parts.cellMembers : null;
  return {
    period: parts.period,
    assets: parts.assets,
    assetHours: parts.assetHours,
    uses: shown(parts.uses),
    memberDays: shown(parts.memberDays),
    activeMembers: members,
    hoursInUse,
    utilizationRate: hoursInUse === null ? null : ratio(hoursInUse, parts.assetHours),
    usersPerAsset: members === null ? null : ratio(members, parts.assets),
    kmShared: shown(cleanSum(parts.km)),
    nightsShared: shown(parts.nights),
    avoidedKgCO2e: shown(cleanSum(parts.avoidedKg)),
    suppressed,
    suppressionThreshold: k,
    methodology: SHARING_METHODOLOGY,
  };
}
