/**
 * What a researcher would do with the raw rows: recompute the published sharing figures
 * from usage events, assets and mode factors, independently of the coop subgraph's code.
 */
import type { Knex } from 'knex';

export interface RawEvent {
  platform_cooperative_id: string;
  member_ref: string;
  day: string;
  started_at: string;
  ended_at: string;
  /** The asset's last day in service (its decommissioning), null while in service. */
  last_day: string | null;
  hours: number;
  km: number;
  nights: number;
  kind: string;
}

export interface RawAsset {
  platform_cooperative_id: string;
  commissioned_on: string;
  decommissioned_on: string | null;
}

export interface RawData {
  events: RawEvent[];
  assets: RawAsset[];
  /** kg CO2e avoided per shared km, by asset kind. */
  avoidedPerKm: Map<string, number>;
}

export async function loadRawData(coopDb: Knex): Promise<RawData> {
  const events = await coopDb('usage_events as e')
    .join('shared_assets as a', 'a.id', 'e.asset_id')
    .select('e.platform_cooperative_id', 'e.member_ref', 'e.day', 'e.started_at', 'e.ended_at', 'e.hours')
    .select('e.km', 'e.nights', 'a.kind', 'a.decommissioned_on as last_day');
  const assets = await coopDb('shared_assets').select(
    'platform_cooperative_id',
    'commissioned_on',
    'decommissioned_on',
  );
  const factors = await coopDb('mode_factors').select('*');
  return {
    events,
    assets,
    avoidedPerKm: new Map(factors.map((f) => [f.asset_kind, f.private_kg_per_pkm - f.shared_kg_per_pkm])),
  };
}

export interface Recomputed {
  assets: number;
  assetHours: number;
  uses: number;
  /** Σ over visible bins of their distinct members. */
  memberDays: number;
  /** Distinct members, as published (rule 3): null unless the period is a calendar month or year. */
  activeMembers: number | null;
  hoursInUse: number;
  kmShared: number;
  nightsShared: number;
  avoidedKgCO2e: number;
  suppressed: boolean;
  /** Uses in bins left out because they had fewer than k members. */
  hiddenUses: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The hours of one use on each UTC day it covers, from its start and end instants: the part of
 * [startedAt, endedAt) inside each day, up to the asset's last day in service.
 */
export function coverage(event: RawEvent): { day: string; hours: number }[] {
  const started = Date.parse(event.started_at);
  const ended = Date.parse(event.ended_at);
  const days: { day: string; hours: number }[] = [];
  for (let midnight = Date.parse(`${event.day}T00:00:00Z`); midnight < ended; midnight += DAY_MS) {
    const day = new Date(midnight).toISOString().slice(0, 10);
    if (event.last_day !== null && day > event.last_day) break;
    days.push({ day, hours: (Math.min(ended, midnight + DAY_MS) - Math.max(started, midnight)) / HOUR_MS });
  }
  return days;
}

/** Distinct members of every co-op-day bin with a use, by `<co-op>|<day>`; cached per data set. */
const binSizes = new WeakMap<RawData, Map<string, number>>();
export function binMembers(raw: RawData): Map<string, number> {
  const cached = binSizes.get(raw);
  if (cached) return cached;
  const members = new Map<string, Set<string>>();
  for (const event of raw.events) {
    const key = `${event.platform_cooperative_id}|${event.day}`;
    members.set(key, (members.get(key) ?? new Set()).add(event.member_ref));
  }
  const sizes = new Map([...members].map(([key, set]) => [key, set.size]));
  binSizes.set(raw, sizes);
  return sizes;
}

/**
 * Hours in use of the given co-ops within [from, to] by coverage: the hours falling in the
 * period of every use whose start day's bin has at least k members, wherever that day lies.
 */
export function coveredHours(raw: RawData, coopIds: readonly string[], from: string, to: string, k: number): number {
  const coops = new Set(coopIds);
  const members = binMembers(raw);
  let hours = 0;
  for (const event of raw.events) {
    if (!coops.has(event.platform_cooperative_id) || event.day > to) continue;
    if ((members.get(`${event.platform_cooperative_id}|${event.day}`) ?? 0) < k) continue;
    for (const part of coverage(event)) if (part.day >= from && part.day <= to) hours += part.hours;
  }
  return hours;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Sharing of the given co-ops over [from, to], with bins of fewer than k members left out. */
export function recompute(raw: RawData, coopIds: readonly string[], from: string, to: string, k: number): Recomputed {
  const coops = new Set(coopIds);
  const bins = new Map<string, RawEvent[]>();
  for (const event of raw.events) {
    if (!coops.has(event.platform_cooperative_id) || event.day < from || event.day > to) continue;
    const key = `${event.platform_cooperative_id}|${event.day}`;
    bins.set(key, [...(bins.get(key) ?? []), event]);
  }
  const result: Recomputed = {
    assets: 0,
    assetHours: 0,
    uses: 0,
    memberDays: 0,
    activeMembers: null,
    hoursInUse: 0,
    kmShared: 0,
    nightsShared: 0,
    avoidedKgCO2e: 0,
    suppressed: false,
    hiddenUses: 0,
  };
  let visibleBins = 0;
  for (const events of bins.values()) {
    const members = new Set(events.map((e) => e.member_ref)).size;
    if (members < k) {
      result.hiddenUses += events.length;
      continue;
    }
    visibleBins += 1;
    result.memberDays += members;
    for (const event of events) {
      result.uses += 1;
      result.kmShared += event.km;
      result.nightsShared += event.nights;
      result.avoidedKgCO2e += event.km * (raw.avoidedPerKm.get(event.kind) ?? 0);
    }
  }
  // Rule 2: no visible bin, whether there was hidden activity or none.
  result.suppressed = visibleBins === 0;
  result.hoursInUse = coveredHours(raw, coopIds, from, to, k);
  const cell = calendarCell(from, to);
  if (cell && !result.suppressed) {
    const total = coopIds.reduce((sum, id) => sum + (publishedCells(raw, id, cell.year, k)[cell.index] ?? 0), 0);
    result.activeMembers = total >= k ? total : null;
  }
  for (const asset of raw.assets) {
    if (!coops.has(asset.platform_cooperative_id)) continue;
    let days = 0;
    for (let day = from; day <= to; day = nextDay(day)) {
      if (asset.commissioned_on <= day && (asset.decommissioned_on === null || day <= asset.decommissioned_on))
        days += 1;
    }
    if (days > 0) {
      result.assets += 1;
      result.assetHours += days * 24;
    }
  }
  return result;
}

/** A calendar year (index 0) or month (index 1–12) when [from, to] is exactly one, else null. */
export function calendarCell(from: string, to: string): { year: number; index: number } | null {
  const year = Number(from.slice(0, 4));
  if (from === `${year}-01-01` && to === `${year}-12-31`) return { year, index: 0 };
  if (!from.endsWith('-01')) return null;
  const month = Number(from.slice(5, 7));
  const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  return to === last ? { year, index: month } : null;
}

/**
 * One co-op's published distinct-member cells of a year, from raw events: index 0 the year,
 * 1–12 the months; null where withheld. Members count over visible bins (≥ k members that day);
 * a cell needs k members, and a month within 1 to k − 1 of its published year is withheld.
 */
export function publishedCells(raw: RawData, coopId: string, year: number, k: number): (number | null)[] {
  const byDay = new Map<string, Set<string>>();
  for (const event of raw.events) {
    if (event.platform_cooperative_id !== coopId || !event.day.startsWith(`${year}-`)) continue;
    byDay.set(event.day, (byDay.get(event.day) ?? new Set()).add(event.member_ref));
  }
  const cells = Array.from({ length: 13 }, () => new Set<string>());
  for (const [day, members] of byDay) {
    if (members.size < k) continue;
    for (const member of members) {
      cells[0]!.add(member);
      cells[Number(day.slice(5, 7))]!.add(member);
    }
  }
  const yearCount = cells[0]!.size >= k ? cells[0]!.size : null;
  return cells.map((members, index) => {
    if (members.size < k) return null;
    if (index === 0) return yearCount;
    const gap = (yearCount ?? members.size) - members.size;
    return gap === 0 || gap >= k ? members.size : null;
  });
}

/**
 * Asserts a published figure agrees with one recomputed from raw rows: within half a unit of the
 * 3 decimals km, kg CO2e and hours are published with (`cleanSum` in subgraphs/coop/sharing.ts),
 * plus floating-point summation noise.
 */
export function close(actual: number | null | undefined, expected: number): boolean {
  return actual != null && Math.abs(actual - expected) <= 0.0005 + 1e-6 * Math.max(1, Math.abs(expected));
}
