/**
 * The seed world against the foundation issue's minimums, counted from the data, and the
 * determinism of the synthetic parts (assets, production runs, usage events) and their PRNG.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toDay } from '../../lib/dates.js';
import { TEST_SEED } from '../harness.js';
import { createRandom } from '../../seeds/prng.js';
import {
  DEFAULT_EVENT_COUNT,
  USAGE_FROM,
  USAGE_TO,
  buildWorld,
  generateUsageEvents,
  type AssetSeed,
  type UsageEventSeed,
  type World,
} from '../../seeds/world.js';

/** The foundation issue's minimums for the seed world. */
const MIN = {
  cities: 12,
  countries: 6,
  leagues: 3,
  protocolCooperatives: 3,
  applications: 6,
  adaptations: 10,
  openCooperatives: 5,
  designs: 8,
  eventMonths: 12,
};
const EXACT = { platformCooperatives: 20, assets: 500, productionRuns: 30, events: 50_000 };

const world: World = buildWorld(TEST_SEED);

const distinct = <T>(values: readonly T[]): number => new Set(values).size;
const byId = <T extends { id: string }>(items: readonly T[]): Map<string, T> =>
  new Map(items.map((item) => [item.id, item]));
const monthOf = (timestamp: string): number => Number(timestamp.slice(5, 7));

/** True when the licence id carries a non-commercial (NC) clause, e.g. `CC-BY-NC-SA-4.0`. */
const isNonCommercial = (license: string): boolean => license.split('-').includes('NC');

function isInService(asset: AssetSeed, day: string): boolean {
  return asset.commissionedOn <= day && (asset.decommissionedOn === null || day <= asset.decommissionedOn);
}

describe('places and institutions', () => {
  it(`has at least ${MIN.cities} cities in at least ${MIN.countries} countries`, () => {
    expect(world.cities.length).toBeGreaterThanOrEqual(MIN.cities);
    expect(distinct(world.cities.map((city) => city.countryCode))).toBeGreaterThanOrEqual(MIN.countries);
    expect(distinct(world.cities.map((city) => city.id))).toBe(world.cities.length);
  });

  it('gives every city coordinates in range, a positive population and an ISO country code', () => {
    for (const city of world.cities) {
      expect(city.latitude, city.id).toBeGreaterThanOrEqual(-90);
      expect(city.latitude, city.id).toBeLessThanOrEqual(90);
      expect(city.longitude, city.id).toBeGreaterThanOrEqual(-180);
      expect(city.longitude, city.id).toBeLessThanOrEqual(180);
      expect(Number.isInteger(city.population) && city.population > 0, city.id).toBe(true);
      expect(city.countryCode, city.id).toMatch(/^[A-Z]{2}$/);
      expect(city.populationSource.trim(), city.id).not.toBe('');
    }
  });

  it(`has at least ${MIN.leagues} leagues whose members are seeded cities`, () => {
    const cityIds = byId(world.cities);
    expect(world.leagues.length).toBeGreaterThanOrEqual(MIN.leagues);
    for (const league of world.leagues) {
      expect(league.memberCityIds.length, league.id).toBeGreaterThan(0);
      for (const cityId of league.memberCityIds) expect(cityIds.has(cityId), `${league.id} → ${cityId}`).toBe(true);
    }
  });

  it(`has at least ${MIN.protocolCooperatives} protocol cooperatives, pledged to by seeded cities`, () => {
    const cityIds = byId(world.cities);
    const coopIds = byId(world.protocolCooperatives);
    const appIds = byId(world.applications);
    expect(world.protocolCooperatives.length).toBeGreaterThanOrEqual(MIN.protocolCooperatives);
    for (const pledge of world.pledges) {
      expect(cityIds.has(pledge.cityId), pledge.id).toBe(true);
      expect(coopIds.has(pledge.protocolCooperativeId), pledge.id).toBe(true);
      if (pledge.applicationId !== null) expect(appIds.has(pledge.applicationId), pledge.id).toBe(true);
    }
  });
});

describe('depository', () => {
  it(`has at least ${MIN.applications} applications, each with at least one release`, () => {
    expect(world.applications.length).toBeGreaterThanOrEqual(MIN.applications);
    for (const app of world.applications) expect(app.releases.length, app.id).toBeGreaterThanOrEqual(1);
  });

  it(`has at least ${MIN.adaptations} adaptations, some adopted by other cities`, () => {
    const cityIds = byId(world.cities);
    expect(world.adaptations.length).toBeGreaterThanOrEqual(MIN.adaptations);
    for (const adaptation of world.adaptations) {
      expect(cityIds.has(adaptation.cityId), adaptation.id).toBe(true);
      for (const cityId of adaptation.adoptedByCityIds) expect(cityIds.has(cityId), adaptation.id).toBe(true);
      expect(adaptation.adoptedByCityIds, `${adaptation.id} adopted by its own city`).not.toContain(adaptation.cityId);
    }
    expect(world.adaptations.filter((a) => a.adoptedByCityIds.length > 0).length).toBeGreaterThan(0);
  });

  it.each(['MuniRide', 'MuniBnB'])('marks %s, its steward and its co-ops as illustrative', (name) => {
    const app = world.applications.find((a) => a.name === name);
    expect(app, name).toBeDefined();
    expect(app!.illustrative).toBe(true);
    const steward = world.protocolCooperatives.find((coop) => coop.id === app!.stewardId);
    expect(steward?.illustrative).toBe(true);
    const coops = world.platformCooperatives.filter((coop) => coop.applicationId === app!.id);
    expect(coops.length).toBeGreaterThan(0);
    for (const coop of coops) expect(coop.illustrative, coop.id).toBe(true);
  });
});

describe('platform co-ops and assets', () => {
  it(`has exactly ${EXACT.platformCooperatives} platform co-ops and ${EXACT.assets} assets`, () => {
    expect(world.platformCooperatives).toHaveLength(EXACT.platformCooperatives);
    expect(world.assets).toHaveLength(EXACT.assets);
    expect(distinct(world.assets.map((asset) => asset.id))).toBe(EXACT.assets);
  });

  it('runs each co-op in a seeded city with an application of the depository', () => {
    const cityIds = byId(world.cities);
    const appIds = byId(world.applications);
    for (const coop of world.platformCooperatives) {
      expect(cityIds.has(coop.cityId), coop.id).toBe(true);
      expect(appIds.has(coop.applicationId), coop.id).toBe(true);
    }
  });

  it('gives each co-op the assets of its asset mix', () => {
    for (const coop of world.platformCooperatives) {
      const assets = world.assets.filter((asset) => asset.platformCooperativeId === coop.id);
      for (const [kind, count] of Object.entries(coop.assetMix)) {
        expect(assets.filter((asset) => asset.kind === kind).length, `${coop.id} ${kind}`).toBe(count);
      }
      expect(assets.length).toBe(Object.values(coop.assetMix).reduce((sum, n) => sum + (n ?? 0), 0));
    }
  });

  it('never decommissions an asset before it is commissioned', () => {
    for (const asset of world.assets) {
      if (asset.decommissionedOn !== null) expect(asset.decommissionedOn > asset.commissionedOn, asset.id).toBe(true);
    }
  });

  it('has at least one small and one seasonal co-op; seasonal ones name their months', () => {
    const profiles = world.platformCooperatives.map((coop) => coop.profile);
    expect(profiles).toContain('small');
    expect(profiles).toContain('seasonal');
    for (const coop of world.platformCooperatives.filter((c) => c.profile === 'seasonal')) {
      expect(coop.activeMonths?.length, coop.id).toBeGreaterThan(0);
      expect(coop.activeMonths!.length, coop.id).toBeLessThan(12);
      for (const month of coop.activeMonths!) expect(month >= 1 && month <= 12, coop.id).toBe(true);
    }
  });
});

describe('production', () => {
  it(`has at least ${MIN.openCooperatives} open co-ops and ${MIN.designs} designs with a bill of materials`, () => {
    const factors = byId(world.emissionFactors);
    expect(world.openCooperatives.length).toBeGreaterThanOrEqual(MIN.openCooperatives);
    expect(world.openDesigns.length).toBeGreaterThanOrEqual(MIN.designs);
    for (const design of world.openDesigns) {
      expect(design.billOfMaterials.length, design.id).toBeGreaterThan(0);
      for (const line of design.billOfMaterials) {
        expect(factors.get(line.emissionFactorId)?.category, `${design.id} → ${line.emissionFactorId}`).toBe(
          'MATERIAL',
        );
        expect(line.massKg, design.id).toBeGreaterThan(0);
      }
    }
  });

  it('is built by seeded open co-ops', () => {
    const openCoops = byId(world.openCooperatives);
    for (const design of world.openDesigns) {
      expect(design.builtByCooperativeIds.length, design.id).toBeGreaterThan(0);
      for (const id of design.builtByCooperativeIds) expect(openCoops.has(id), `${design.id} → ${id}`).toBe(true);
    }
  });

  it('does not call a non-commercial design open hardware, and has at least one', () => {
    const nonCommercial = world.openDesigns.filter((design) => isNonCommercial(design.license));
    expect(nonCommercial.filter((design) => !design.openHardware).length).toBeGreaterThanOrEqual(1);
    for (const design of nonCommercial) expect(design.openHardware, design.id).toBe(false);
  });

  it(`has exactly ${EXACT.productionRuns} production runs, each delivering at least one asset`, () => {
    expect(world.productionRuns).toHaveLength(EXACT.productionRuns);
    for (const run of world.productionRuns) {
      expect(run.assetIds.length, run.id).toBeGreaterThanOrEqual(1);
      expect(run.units, run.id).toBe(run.assetIds.length);
    }
  });

  it("delivers existing assets of the design's kind to the run's platform co-op, none twice", () => {
    const assets = byId(world.assets);
    const designs = byId(world.openDesigns);
    const delivered = world.productionRuns.flatMap((run) => run.assetIds);
    expect(distinct(delivered)).toBe(delivered.length);
    for (const run of world.productionRuns) {
      const design = designs.get(run.designId);
      expect(design, run.id).toBeDefined();
      for (const assetId of run.assetIds) {
        const asset = assets.get(assetId);
        expect(asset, `${run.id} → ${assetId}`).toBeDefined();
        expect(asset!.kind, `${run.id} → ${assetId}`).toBe(design!.assetKind);
        expect(asset!.platformCooperativeId, `${run.id} → ${assetId}`).toBe(run.platformCooperativeId);
        expect(run.completedOn < asset!.commissionedOn, `${run.id} completes before ${assetId} is in service`).toBe(
          true,
        );
      }
    }
  });

  it('is run by a co-op that builds the design, in the city of the receiving co-op, with known factors', () => {
    const designs = byId(world.openDesigns);
    const platformCoops = byId(world.platformCooperatives);
    const factors = byId(world.emissionFactors);
    for (const run of world.productionRuns) {
      expect(designs.get(run.designId)!.builtByCooperativeIds, run.id).toContain(run.cooperativeId);
      expect(platformCoops.get(run.platformCooperativeId)?.cityId, run.id).toBe(run.cityId);
      expect(factors.get(run.electricityFactorId)?.category, run.id).toBe('ELECTRICITY');
      expect(factors.get(run.freightFactorId)?.category, run.id).toBe('FREIGHT');
    }
  });

  it('gives every emission factor a source, URL, licence and year, and none comes from the ICE database', () => {
    for (const factor of world.emissionFactors) {
      expect(factor.source.trim(), factor.id).not.toBe('');
      expect(factor.sourceUrl, factor.id).toMatch(/^https:\/\/\S+$/);
      expect(factor.license.trim(), factor.id).not.toBe('');
      expect(Number.isInteger(factor.year) && factor.year >= 1990 && factor.year <= 2100, factor.id).toBe(true);
      const citation = `${factor.source} ${factor.sourceUrl} ${factor.license}`;
      expect(citation, factor.id).not.toMatch(/\bICE\b|Inventory of Carbon|circularecology/i);
    }
    expect(distinct(world.emissionFactors.map((factor) => factor.id))).toBe(world.emissionFactors.length);
  });
});

describe('determinism', () => {
  it('builds the same world from the same seed', () => {
    expect(buildWorld(TEST_SEED)).toEqual(buildWorld(TEST_SEED));
  });

  it('generates the same events from the same seed, and different events from another', () => {
    const events = generateUsageEvents(world, TEST_SEED, 2000);
    expect(events).toHaveLength(2000);
    expect(generateUsageEvents(world, TEST_SEED, 2000)).toEqual(events);
    expect(generateUsageEvents(world, TEST_SEED + 1, 2000)).not.toEqual(events);
  });
});

describe('usage events at the default count', () => {
  let events: UsageEventSeed[];

  beforeAll(() => {
    events = generateUsageEvents(world, TEST_SEED);
  });

  it(`has exactly ${EXACT.events} events with distinct client ids`, () => {
    expect(DEFAULT_EVENT_COUNT).toBe(EXACT.events);
    expect(events).toHaveLength(EXACT.events);
    expect(distinct(events.map((event) => event.clientEventId))).toBe(events.length);
  });

  it(`spans at least ${MIN.eventMonths} calendar months of the usage history`, () => {
    expect(distinct(events.map((event) => event.startedAt.slice(0, 7)))).toBeGreaterThanOrEqual(MIN.eventMonths);
    for (const event of events) {
      const day = toDay(event.startedAt);
      if (day < USAGE_FROM || day > USAGE_TO) expect.fail(`${event.clientEventId} on ${day}`);
    }
  });

  it('puts every event on an asset of its co-op that is in service that day', () => {
    const assets = byId(world.assets);
    const problems = events.filter((event) => {
      const asset = assets.get(event.assetId);
      return (
        !asset ||
        asset.platformCooperativeId !== event.platformCooperativeId ||
        !isInService(asset, toDay(event.startedAt))
      );
    });
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('gives every event a member of its own co-op and a duration', () => {
    const problems = events.filter(
      (event) => !event.memberRef.startsWith(`${event.platformCooperativeId}/`) || !(event.endedAt > event.startedAt),
    );
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('has events of every co-op, seasonal ones only in their active months', () => {
    const coopIds = new Set(events.map((event) => event.platformCooperativeId));
    expect(coopIds.size).toBe(world.platformCooperatives.length);
    for (const coop of world.platformCooperatives.filter((c) => c.profile === 'seasonal')) {
      const months = new Set(
        events.filter((event) => event.platformCooperativeId === coop.id).map((e) => monthOf(e.startedAt)),
      );
      expect(months.size, coop.id).toBeGreaterThan(0);
      for (const month of months) expect(coop.activeMonths, `${coop.id} in month ${month}`).toContain(month);
    }
  });
});

describe('prng', () => {
  const DRAWS = 20_000;

  it('repeats its sequence for a seed and differs for another', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 100 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws next() in [0, 1)', () => {
    const random = createRandom(1);
    for (let i = 0; i < DRAWS; i++) {
      const value = random.next();
      if (value < 0 || value >= 1) expect.fail(`next() gave ${value}`);
    }
  });

  it('includes both bounds of int(min, max) and nothing outside them', () => {
    const random = createRandom(2);
    const [min, max] = [-2, 3];
    const seen = new Set<number>();
    for (let i = 0; i < DRAWS; i++) seen.add(random.int(min, max));
    const expected = Array.from({ length: max - min + 1 }, (_, i) => min + i);
    expect([...seen].sort((a, b) => a - b)).toEqual(expected);
  });

  it('returns the only value of int(n, n)', () => {
    const random = createRandom(3);
    for (let i = 0; i < 100; i++) expect(random.int(7, 7)).toBe(7);
  });

  it('never picks a zero-weight index, and picks every positive one', () => {
    const random = createRandom(4);
    const weights = [0, 1, 0, 3, 0.5, 0];
    const counts = weights.map(() => 0);
    for (let i = 0; i < DRAWS; i++) counts[random.weighted(weights)]! += 1;
    weights.forEach((weight, index) => {
      if (weight === 0) expect(counts[index], `index ${index}`).toBe(0);
      else expect(counts[index], `index ${index}`).toBeGreaterThan(0);
    });
    // Roughly proportional: index 3 has three times the weight of index 1.
    expect(counts[3]! / counts[1]!).toBeGreaterThan(2.5);
    expect(counts[3]! / counts[1]!).toBeLessThan(3.5);
  });

  it('picks only items of the list, each of them eventually', () => {
    const random = createRandom(5);
    const items = ['a', 'b', 'c'];
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(random.pick(items));
    expect([...seen].sort()).toEqual(items);
  });
});
