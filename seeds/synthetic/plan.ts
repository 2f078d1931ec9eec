/**
 * The synthetic plan, pure: which cities, co-ops and assets one run adds and how many usage
 * events each co-op gets (seeds/synthetic/events.ts draws the events themselves). The same
 * seed, sizes and starting numbers always give the same plan.
 */
import { addDays } from '../../lib/dates.js';
import type { PlatformCooperativeRow, SharedAssetRow } from '../../subgraphs/coop/db/tables.js';
import type { CityRow } from '../../subgraphs/league/db/tables.js';
import { applications } from '../data/applications.js';
import { cities as realCities } from '../data/cities.js';
import { createRandom, type Random } from '../prng.js';
import { USAGE_FROM, USAGE_TO, type AssetKind } from '../world.js';
import { cumulativeOf, normal, round, searchCumulative, streamFor } from './draws.js';

/** How much to add. */
export interface SyntheticSize {
  cities: number;
  coops: number;
  assets: number;
  events: number;
}

export const SYNTHETIC_CITY_PREFIX = 'synthetic-city-';
export const SYNTHETIC_COOP_PREFIX = 'synthetic-coop-';

/**
 * Which seeded applications a synthetic co-op may run, how often, and the asset kinds of its
 * fleet (relative weights). Open Food Network and Energy Commons share no asset kind the
 * graph knows, so no synthetic co-op runs them.
 */
const FLEETS: { applicationId: string; weight: number; kinds: Partial<Record<AssetKind, number>> }[] = [
  { applicationId: 'muniride', weight: 45, kinds: { BIKE: 3, E_BIKE: 3, CARGO_BIKE: 2, CAR: 1 } },
  { applicationId: 'local-tools', weight: 20, kinds: { TOOL: 1 } },
  { applicationId: 'fairbnb', weight: 15, kinds: { HOME: 1, ROOM: 2 } },
  { applicationId: 'munibnb', weight: 15, kinds: { HOME: 1, ROOM: 2 } },
  { applicationId: 'wikihouse', weight: 5, kinds: { HOME: 1 } },
];

/** Relative uses per asset and day: a bike turns over more often than a home. */
const INTENSITY: Record<AssetKind, number> = {
  CAR: 1.5,
  E_BIKE: 2,
  BIKE: 2,
  CARGO_BIKE: 1.2,
  HOME: 0.3,
  ROOM: 0.4,
  TOOL: 0.5,
};

/** One planned co-op: its row, fleet, membership, active days and number of events. */
export interface CoopPlan {
  number: number;
  row: PlatformCooperativeRow;
  assets: SharedAssetRow[];
  members: number;
  /** Months (1-12) a seasonal co-op operates in; null when it runs all year. */
  activeMonths: number[] | null;
  events: number;
}

export interface SyntheticPlan {
  cities: CityRow[];
  coops: CoopPlan[];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The id of the n-th synthetic city. */
export const syntheticCityId = (n: number) => `${SYNTHETIC_CITY_PREFIX}${pad(n, 4)}`;

/** The id of the n-th synthetic co-op. */
export const syntheticCoopId = (n: number) => `${SYNTHETIC_COOP_PREFIX}${pad(n, 5)}`;

const slug = (kind: AssetKind) => kind.toLowerCase().replace('_', '-');

/** Splits `total` into integer shares proportional to `weights` (largest remainder), each at least `floor`. */
export function apportion(total: number, weights: readonly number[], floor = 0): number[] {
  const rest = total - floor * weights.length;
  if (rest < 0) throw new Error(`Cannot give ${weights.length} parts at least ${floor} each out of ${total}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (rest * w) / sum : rest / weights.length));
  const shares = exact.map((x) => Math.floor(x));
  let missing = rest - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (missing-- <= 0) break;
    shares[i]! += 1;
  }
  return shares.map((share) => share + floor);
}

/** Synthetic cities around the real seed cities: same countries, nearby coordinates, log-normal populations. */
function planCities(random: Random, count: number, first: number, seed: number): CityRow[] {
  return Array.from({ length: count }, (_, i) => {
    const number = first + i;
    const anchor = random.pick(realCities);
    const population = Math.round(Math.min(4e6, Math.max(8e3, Math.exp(Math.log(1.2e5) + 0.9 * normal(random)))) / 10);
    return {
      id: syntheticCityId(number),
      name: `Synthetic City ${pad(number, 4)}`,
      country_code: anchor.countryCode,
      population: population * 10,
      population_year: Number(USAGE_TO.slice(0, 4)),
      population_source: `Synthetic: seeds/synthetic.ts, seed ${seed}; not a real place`,
      latitude: round(anchor.latitude + random.between(-1.5, 1.5), 4),
      longitude: round(anchor.longitude + random.between(-2, 2), 4),
    };
  });
}

/** One co-op's fleet: the first asset serves the whole window, so every active day has one in service. */
function planAssets(random: Random, coopId: string, kinds: Partial<Record<AssetKind, number>>, count: number) {
  const kindList = Object.keys(kinds) as AssetKind[];
  const kindWeights = kindList.map((kind) => kinds[kind]!);
  const perKind = new Map<AssetKind, number>();
  const assets: SharedAssetRow[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kindList[random.weighted(kindWeights)]!;
    const n = (perKind.get(kind) ?? 0) + 1;
    perKind.set(kind, n);
    const joins = i > 0 && random.next() < 0.15;
    const commissioned = joins ? addDays(USAGE_FROM, random.int(0, 300)) : addDays(USAGE_FROM, -random.int(1, 1500));
    const leaves = i > 0 && random.next() < 0.05;
    assets.push({
      id: `${coopId}-${slug(kind)}-${pad(n, 3)}`,
      platform_cooperative_id: coopId,
      kind,
      label: `${kind.replace('_', ' ').toLowerCase()} ${n}`,
      commissioned_on: commissioned,
      decommissioned_on: leaves
        ? addDays(commissioned < USAGE_FROM ? USAGE_FROM : commissioned, random.int(30, 200))
        : null,
    });
  }
  return assets;
}

/**
 * Plans the cities, co-ops and assets of one run and how many events each co-op gets.
 * Co-op sizes are log-normal, so a few are large and many small; about one in eight is a
 * "small" co-op of 2 to 8 members whose days mostly stay under k members and are hidden,
 * and about one in ten is seasonal (May to September), as in the seed world.
 */
export function planSynthetic(size: SyntheticSize, seed: number, firstCity = 1, firstCoop = 1): SyntheticPlan {
  if (size.cities < 1 || size.coops < 1) throw new Error('A synthetic run needs at least one city and one co-op.');
  if (size.assets < size.coops)
    throw new Error(`Every co-op needs an asset: ${size.assets} assets for ${size.coops} co-ops.`);
  const known = new Set(applications.map((app) => app.id));
  for (const fleet of FLEETS) {
    if (!known.has(fleet.applicationId)) throw new Error(`Seed data lacks application ${fleet.applicationId}`);
  }
  const random = createRandom((seed ^ Math.imul(firstCity, 0x27d4eb2d) ^ Math.imul(firstCoop, 0x165667b1)) >>> 0);
  const cities = planCities(random, size.cities, firstCity, seed);
  const cityPick = cumulativeOf(cities.map((city) => city.population ** 0.7));
  const drafts = Array.from({ length: size.coops }, (_, i) => {
    const fleet = FLEETS[random.weighted(FLEETS.map((f) => f.weight))]!;
    const small = random.next() < 0.12;
    const seasonal = !small && random.next() < 0.1;
    const city = cities[searchCumulative(cityPick, random.next() * cityPick.at(-1)!)]!;
    return {
      number: firstCoop + i,
      fleet,
      small,
      seasonal,
      city,
      size: small ? 0.02 : Math.exp(normal(random)),
      foundedYear: random.int(2012, 2024),
      membersPerAsset: random.between(2, 12),
      smallMembers: random.int(2, 8),
    };
  });
  const assetCounts = apportion(
    size.assets,
    drafts.map((d) => d.size),
    1,
  );
  const coops = drafts.map((draft, i): CoopPlan => {
    const id = syntheticCoopId(draft.number);
    const app = applications.find((a) => a.id === draft.fleet.applicationId)!;
    const assets = planAssets(streamFor(seed, 1, draft.number), id, draft.fleet.kinds, assetCounts[i]!);
    return {
      number: draft.number,
      row: {
        id,
        name: `Synthetic ${app.name} co-op ${pad(draft.number, 5)}`,
        description: `Synthetic platform co-op generated by seeds/synthetic.ts (seed ${seed}) for scale tests; not a real initiative.`,
        website: null,
        founded_year: draft.foundedYear,
        illustrative: true,
        city_id: draft.city.id,
        application_id: app.id,
      },
      assets,
      members: draft.small ? draft.smallMembers : Math.max(5, Math.round(assets.length * draft.membersPerAsset)),
      activeMonths: draft.seasonal ? [5, 6, 7, 8, 9] : null,
      events: 0,
    };
  });
  const activity = coops.map(
    (coop) =>
      coop.assets.reduce((sum, asset) => sum + INTENSITY[asset.kind as AssetKind], 0) *
      (coop.activeMonths ? coop.activeMonths.length / 12 : 1),
  );
  apportion(size.events, activity).forEach((events, i) => (coops[i]!.events = events));
  return { cities, coops };
}
