/**
 * The sharing figures (docs/methodology.md), as pure functions over bin totals and assets.
 * No database and no GraphQL here, so the formulas are unit-tested on their own.
 */
import { daysInclusive } from '../../lib/dates.js';

export const SHARING_METHODOLOGY = 'commons-sharing/1.0';

export interface Period {
  from: string;
  to: string;
}

/** Additive parts of a sharing aggregate: sums over visible bins and over assets. */
export interface SharingParts {
  period: Period;
  /** Bins with any activity in the period, visible or not. */
  bins: number;
  /** Bins with at least k distinct members: the only ones summed. */
  visibleBins: number;
  assets: number;
  assetHours: number;
  uses: number;
  activeMembers: number;
  hoursInUse: number;
  km: number;
  nights: number;
  avoidedKg: number;
}

/** The public figures of one aggregate, member-derived ones null when suppressed. */
export interface SharingStats {
  period: Period;
  assets: number;
  assetHours: number;
  uses: number | null;
  activeMembers: number | null;
  hoursInUse: number | null;
  utilizationRate: number | null;
  usersPerAsset: number | null;
  kmShared: number | null;
  nightsShared: number | null;
  avoidedKgCO2e: number | null;
  suppressed: boolean;
  suppressionThreshold: number;
  methodology: string;
}

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

export function emptyParts(period: Period): SharingParts {
  return {
    period,
    bins: 0,
    visibleBins: 0,
    assets: 0,
    assetHours: 0,
    uses: 0,
    activeMembers: 0,
    hoursInUse: 0,
    km: 0,
    nights: 0,
    avoidedKg: 0,
  };
}

/**
 * Adds aggregates of the same period (e.g. a city's co-ops). Members are pseudonymous per
 * co-op, so distinct members add up across co-ops.
 */
export function addParts(period: Period, parts: readonly SharingParts[]): SharingParts {
  const total = emptyParts(period);
  for (const part of parts) {
    total.bins += part.bins;
    total.visibleBins += part.visibleBins;
    total.assets += part.assets;
    total.assetHours += part.assetHours;
    total.uses += part.uses;
    total.activeMembers += part.activeMembers;
    total.hoursInUse += part.hoursInUse;
    total.km += part.km;
    total.nights += part.nights;
    total.avoidedKg += part.avoidedKg;
  }
  return total;
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

/**
 * Turns summed parts into public figures. An aggregate whose activity lies only in hidden
 * bins is suppressed: its member-derived figures are null, exactly as if it were 0 in any sum.
 */
export function toStats(parts: SharingParts, k: number): SharingStats {
  const suppressed = parts.bins > 0 && parts.visibleBins === 0;
  const shown = <T>(value: T): T | null => (suppressed ? null : value);
  return {
    period: parts.period,
    assets: parts.assets,
    assetHours: parts.assetHours,
    uses: shown(parts.uses),
    activeMembers: shown(parts.activeMembers),
    hoursInUse: shown(parts.hoursInUse),
    utilizationRate: suppressed ? null : ratio(parts.hoursInUse, parts.assetHours),
    usersPerAsset: suppressed ? null : ratio(parts.activeMembers, parts.assets),
    kmShared: shown(parts.km),
    nightsShared: shown(parts.nights),
    avoidedKgCO2e: shown(parts.avoidedKg),
    suppressed,
    suppressionThreshold: k,
    methodology: SHARING_METHODOLOGY,
  };
}
