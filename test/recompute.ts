/**
 * What a researcher would do with the raw rows: recompute the published sharing figures
 * from usage events, assets and mode factors, independently of the coop subgraph's code.
 */
import type { Knex } from 'knex';

export interface RawEvent {
  platform_cooperative_id: string;
  member_ref: string;
  day: string;
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
    .select('e.platform_cooperative_id', 'e.member_ref', 'e.day', 'e.hours', 'e.km', 'e.nights', 'a.kind');
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
  activeMembers: number;
  hoursInUse: number;
  kmShared: number;
  nightsShared: number;
  avoidedKgCO2e: number;
  suppressed: boolean;
  /** Uses in bins left out because they had fewer than k members. */
  hiddenUses: number;
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
    activeMembers: 0,
    hoursInUse: 0,
    kmShared: 0,
    nightsShared: 0,
    avoidedKgCO2e: 0,
    suppressed: false,
    hiddenUses: 0,
  };
  const membersByCoop = new Map<string, Set<string>>();
  let visibleBins = 0;
  for (const events of bins.values()) {
    if (new Set(events.map((e) => e.member_ref)).size < k) {
      result.hiddenUses += events.length;
      continue;
    }
    visibleBins += 1;
    for (const event of events) {
      result.uses += 1;
      result.hoursInUse += event.hours;
      result.kmShared += event.km;
      result.nightsShared += event.nights;
      result.avoidedKgCO2e += event.km * (raw.avoidedPerKm.get(event.kind) ?? 0);
      const members = membersByCoop.get(event.platform_cooperative_id) ?? new Set<string>();
      members.add(event.member_ref);
      membersByCoop.set(event.platform_cooperative_id, members);
    }
  }
  for (const members of membersByCoop.values()) result.activeMembers += members.size;
  result.suppressed = bins.size > 0 && visibleBins === 0;
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

/** Asserts two figures agree to floating-point summation noise. */
export function close(actual: number | null | undefined, expected: number): boolean {
  return actual != null && Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}
