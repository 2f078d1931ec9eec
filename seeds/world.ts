/**
 * The seed world: the hand-curated records of `data/` plus the synthetic parts grown from
 * them with a seeded PRNG (assets, production runs, usage events). The same seed always
 * gives the same world, so every subgraph can build it independently and agree.
 */
import { addDays, daysInclusive, eachDay } from '../lib/dates.js';
import { applications, adaptations } from './data/applications.js';
import { cities } from './data/cities.js';
import { emissionFactors } from './data/emission-factors.js';
import { leagues } from './data/leagues.js';
import { openCooperatives, openDesigns } from './data/open-cooperatives.js';
import { platformCooperatives } from './data/platform-cooperatives.js';
import { pledges, protocolCooperatives } from './data/protocol-cooperatives.js';
import type { AssetKind, PlatformCooperativeSeed } from './data/types.js';
import { DisjointSpans } from '../lib/intervals.js';
import { createRandom, type Random } from './prng.js';

export type * from './data/types.js';

/** First and last day of the synthetic usage history. */
export const USAGE_FROM = '2025-01-01';
export const USAGE_TO = '2025-12-31';
export const DEFAULT_EVENT_COUNT = 50_000;
export const PRODUCTION_RUN_COUNT = 30;

export interface AssetSeed {
  id: string;
  platformCooperativeId: string;
  kind: AssetKind;
  label: string;
  commissionedOn: string;
  decommissionedOn: string | null;
}

export interface ProductionRunSeed {
  id: string;
  cooperativeId: string;
  designId: string;
  units: number;
  completedOn: string;
  cityId: string;
  platformCooperativeId: string;
  electricityFactorId: string;
  freightFactorId: string;
  assetIds: string[];
}

/** One use of a shared asset by one member: personal data, stored but never exposed. */
export interface UsageEventSeed {
  clientEventId: string;
  platformCooperativeId: string;
  assetId: string;
  memberRef: string;
  startedAt: string;
  endedAt: string;
  hours: number;
  km: number;
  nights: number;
}

export interface World {
  cities: typeof cities;
  leagues: typeof leagues;
  protocolCooperatives: typeof protocolCooperatives;
  pledges: typeof pledges;
  applications: typeof applications;
  adaptations: typeof adaptations;
  platformCooperatives: typeof platformCooperatives;
  openCooperatives: typeof openCooperatives;
  openDesigns: typeof openDesigns;
  emissionFactors: typeof emissionFactors;
  assets: AssetSeed[];
  productionRuns: ProductionRunSeed[];
}

const slug = (kind: AssetKind) => kind.toLowerCase().replace('_', '-');
const pad = (n: number) => String(n).padStart(3, '0');

function generateAssets(random: Random): AssetSeed[] {
  const assets: AssetSeed[] = [];
  for (const coop of platformCooperatives) {
    const openedOn = `${Math.max(coop.foundedYear, 2021)}-01-01`;
    for (const [kind, count] of Object.entries(coop.assetMix) as [AssetKind, number][]) {
      for (let i = 1; i <= count; i++) {
        // Most assets predate the usage history; some join or leave during it.
        const joinsDuringHistory = random.next() < 0.2;
        const commissionedOn = joinsDuringHistory
          ? addDays(USAGE_FROM, random.int(0, 300))
          : addDays(openedOn, random.int(0, Math.max(0, daysInclusive(openedOn, '2024-12-31') - 1)));
        const leaves = random.next() < 0.05;
        assets.push({
          id: `${coop.id}-${slug(kind)}-${pad(i)}`,
          platformCooperativeId: coop.id,
          kind,
          label: `${kind.replace('_', ' ').toLowerCase()} ${i}`,
          commissionedOn,
          decommissionedOn: leaves
            ? addDays(commissionedOn < USAGE_FROM ? USAGE_FROM : commissionedOn, random.int(30, 200))
            : null,
        });
      }
    }
  }
  return assets;
}

function electricityFactorFor(countryCode: string): string {
  if (countryCode === 'GB') return 'desnz-2024-grid-uk';
  if (countryCode === 'FR') return 'ademe-grid-fr';
  return 'eu-grid-average';
}

/** Open co-ops build batches of the assets platform co-ops put into service. */
function generateProductionRuns(random: Random, assets: AssetSeed[]): ProductionRunSeed[] {
  const coopById = new Map(platformCooperatives.map((coop) => [coop.id, coop]));
  const cityById = new Map(cities.map((city) => [city.id, city]));
  const groups = new Map<string, AssetSeed[]>();
  for (const asset of assets) {
    if (!openDesigns.some((design) => design.assetKind === asset.kind)) continue;
    const key = `${asset.platformCooperativeId}|${asset.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), asset]);
  }
  const keys = [...groups.keys()].sort();
  const runs: ProductionRunSeed[] = [];
  while (runs.length < PRODUCTION_RUN_COUNT && keys.length > 0) {
    const index = random.int(0, keys.length - 1);
    const key = keys[index]!;
    const remaining = groups.get(key)!;
    const batch = remaining.splice(0, random.int(1, 8));
    if (remaining.length === 0) keys.splice(index, 1);
    const first = batch[0]!;
    const designs = openDesigns.filter((design) => design.assetKind === first.kind);
    const design = random.pick(designs);
    const coop = coopById.get(first.platformCooperativeId)!;
    const earliest = batch.map((asset) => asset.commissionedOn).sort()[0]!;
    runs.push({
      id: `run-${pad(runs.length + 1)}`,
      cooperativeId: random.pick(design.builtByCooperativeIds),
      designId: design.id,
      units: batch.length,
      completedOn: addDays(earliest, -random.int(3, 21)),
      cityId: coop.cityId,
      platformCooperativeId: coop.id,
      electricityFactorId: electricityFactorFor(cityById.get(coop.cityId)!.countryCode),
      freightFactorId: random.next() < 0.5 ? 'desnz-2024-van-freight' : 'desnz-2024-hgv-freight',
      assetIds: batch.map((asset) => asset.id).sort(),
    });
  }
  return runs;
}

/** Builds the seed world for `seed`; cheap, so each subgraph may call it. */
export function buildWorld(seed: number): World {
  const random = createRandom(seed);
  const assets = generateAssets(random);
  const productionRuns = generateProductionRuns(random, assets);
  return {
    cities,
    leagues,
    protocolCooperatives,
    pledges,
    applications,
    adaptations,
    platformCooperatives,
    openCooperatives,
    openDesigns,
    emissionFactors,
    assets,
    productionRuns,
  };
}

/** How a use of each kind of asset looks: duration in hours and distance in km (the synthetic generator draws the same). */
export const USE_SHAPE: Record<
  AssetKind,
  { hours: [number, number]; km: [number, number]; nights?: [number, number] }
> = {
  CAR: { hours: [1, 8], km: [5, 90] },
  E_BIKE: { hours: [0.25, 2], km: [2, 25] },
  BIKE: { hours: [0.25, 2], km: [1, 15] },
  CARGO_BIKE: { hours: [0.5, 3], km: [2, 15] },
  HOME: { hours: [0, 0], km: [0, 0], nights: [1, 7] },
  ROOM: { hours: [0, 0], km: [0, 0], nights: [1, 5] },
  TOOL: { hours: [2, 72], km: [0, 0] },
};

function activeDays(coop: PlatformCooperativeSeed, days: string[]): string[] {
  if (coop.profile !== 'seasonal' || !coop.activeMonths) return days;
  return days.filter((day) => coop.activeMonths!.includes(Number(day.slice(5, 7))));
}

/** How busy a co-op is: small ones see a use or two a day, larger ones scale with members. */
function weightOf(coop: PlatformCooperativeSeed, dayCount: number): number {
  if (coop.profile === 'small') return 1.2 * dayCount;
  const assets = Object.values(coop.assetMix).reduce((sum, n) => sum + (n ?? 0), 0);
  return Math.min(coop.members, assets * 12) * (dayCount / 365);
}

function isInService(asset: AssetSeed, day: string): boolean {
  return asset.commissionedOn <= day && (asset.decommissionedOn === null || day <= asset.decommissionedOn);
}

/**
 * Synthetic usage events over USAGE_FROM..USAGE_TO: exactly `count` of them, each on an
 * asset in service that day and free for the whole use (an asset is in one use at a time, as
 * ingest requires; a draw that would overlap is drawn again), by a member drawn with a skew
 * towards frequent users.
 */
export function generateUsageEvents(world: World, seed: number, count = DEFAULT_EVENT_COUNT): UsageEventSeed[] {
  const random = createRandom(seed ^ 0x5eed);
  const allDays = eachDay(USAGE_FROM, USAGE_TO);
  const coops = world.platformCooperatives.map((coop) => ({
    coop,
    days: activeDays(coop, allDays),
    assets: world.assets.filter((asset) => asset.platformCooperativeId === coop.id),
  }));
  const weights = coops.map(({ coop, days }) => weightOf(coop, days.length));
  const events: UsageEventSeed[] = [];
  const sequence = new Map<string, number>();
  const taken = new DisjointSpans();
  while (events.length < count) {
    const { coop, days, assets } = coops[random.weighted(weights)]!;
    const day = random.pick(days);
    const available = assets.filter((asset) => isInService(asset, day));
    if (available.length === 0) continue;
    const asset = random.pick(available);
    const shape = USE_SHAPE[asset.kind];
    const nights = shape.nights ? random.int(shape.nights[0], shape.nights[1]) : 0;
    const hours = nights > 0 ? nights * 24 : Math.round(random.between(shape.hours[0], shape.hours[1]) * 4) / 4;
    const startHour = nights > 0 ? 15 : random.int(6, 20);
    const startedAt = new Date(`${day}T${String(startHour).padStart(2, '0')}:00:00Z`);
    const endedAt = startedAt.getTime() + hours * 3_600_000;
    if (taken.overlaps(asset.id, startedAt.getTime(), endedAt)) continue;
    taken.take(asset.id, startedAt.getTime(), endedAt);
    const member = Math.floor(coop.members * random.next() ** 2);
    const seq = (sequence.get(coop.id) ?? 0) + 1;
    sequence.set(coop.id, seq);
    events.push({
      clientEventId: `${coop.id}:${seq}`,
      platformCooperativeId: coop.id,
      assetId: asset.id,
      memberRef: `${coop.id}/m${member}`,
      startedAt: startedAt.toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      hours,
      km: Math.round(random.between(shape.km[0], shape.km[1]) * 10) / 10,
      nights,
    });
  }
  return events;
}
