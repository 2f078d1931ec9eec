/**
 * Emission-factor provenance through the gateway over HTTP, in production mode, on SQLite and
 * on PostgreSQL: every factor says whether it is an estimate and, when it is not, where its
 * value was traced; and a city's footprint names the estimate factors that priced its
 * embodied emissions, recomputed here from the seed world's runs and bills of materials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../lib/config.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { buildWorld } from '../../seeds/world.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { dataOf, startTestStack, TEST_SEED, type TestStack } from '../harness.js';

const unavailable = await postgresUnavailable();
if (unavailable) {
  if (process.env.CI) throw new Error(`CI requires PostgreSQL: ${unavailable}`);
  console.warn(`PostgreSQL leg skipped: ${unavailable}`);
}

const world = buildWorld(TEST_SEED);

const FACTORS = /* GraphQL */ `
  query Factors {
    emissionFactors(first: 100) {
      nodes {
        id
        kgCO2ePerUnit
        notes
        estimate
        sourceReference
        publishedValue
        tracedIn
      }
    }
  }
`;

const FOOTPRINT_ESTIMATES = /* GraphQL */ `
  query FootprintEstimates($id: ID!, $year: Int!) {
    city(id: $id) {
      footprint(year: $year) {
        methodology
        estimatedFactors {
          id
          estimate
          notes
        }
      }
    }
  }
`;

/** The estimate factors behind a city's embodied emissions in a year, from the seed world. */
function expectedEstimates(cityId: string, year: number): string[] {
  const runs = world.productionRuns.filter((run) => run.cityId === cityId && run.completedOn.startsWith(`${year}-`));
  const designs = new Map(world.openDesigns.map((design) => [design.id, design]));
  const used = new Set(
    runs.flatMap((run) => [
      run.electricityFactorId,
      run.freightFactorId,
      ...designs.get(run.designId)!.billOfMaterials.map((line) => line.emissionFactorId),
    ]),
  );
  return world.emissionFactors
    .filter((factor) => factor.estimate && used.has(factor.id))
    .map((factor) => factor.id)
    .sort();
}

/** Every city-year the seed world delivered goods in, plus one year with no run at all. */
const cityYears = [...new Set(world.productionRuns.map((run) => `${run.cityId}|${run.completedOn.slice(0, 4)}`))].map(
  (key) => {
    const [cityId, year] = key.split('|');
    return { cityId: cityId!, year: Number(year) };
  },
);

const engines: { name: string; production?: DatabaseConfig; skip: boolean }[] = [
  { name: 'SQLite', skip: false },
  { name: 'PostgreSQL', production: postgresDatabase('production', 'factors'), skip: unavailable !== null },
];

describe.each(engines)('emission-factor provenance on $name', ({ production, skip }) => {
  let stack: TestStack;

  beforeAll(async () => {
    if (skip) return;
    if (production) {
      await dropSchema(production);
      await prepareDatabase('production', production, { seed: TEST_SEED });
    }
    stack = await startTestStack({ production: true, databases: production ? { production } : undefined });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (production) await dropSchema(production);
  });

  it.skipIf(skip)('exposes estimate and the trace of every factor, as the seed data states them', async () => {
    const { emissionFactors } = dataOf(await stack.query(FACTORS));
    expect(emissionFactors.nodes).toHaveLength(world.emissionFactors.length);
    for (const seed of world.emissionFactors) {
      const factor = emissionFactors.nodes.find((node: { id: string }) => node.id === seed.id);
      expect(factor, seed.id).toEqual({
        id: seed.id,
        kgCO2ePerUnit: seed.kgCO2ePerUnit,
        notes: seed.notes,
        estimate: seed.estimate,
        sourceReference: seed.sourceReference,
        publishedValue: seed.publishedValue,
        tracedIn: seed.tracedIn,
      });
      expect(factor.notes, seed.id).not.toMatch(/illustrative/i);
    }
    // Both kinds are exercised: some rows traced, some estimates.
    const flags = new Set(emissionFactors.nodes.map((node: { estimate: boolean }) => node.estimate));
    expect([...flags].sort()).toEqual([false, true]);
  });

  it.skipIf(skip)('names, on every footprint with deliveries, the estimate factors that priced it', async () => {
    let named = 0;
    for (const { cityId, year } of cityYears) {
      const { city } = dataOf(await stack.query(FOOTPRINT_ESTIMATES, { id: cityId, year }));
      const expected = expectedEstimates(cityId, year);
      expect(city.footprint.methodology).toBe('commons-footprint/1.1');
      expect(
        city.footprint.estimatedFactors.map((f: { id: string }) => f.id),
        `${cityId} ${year}`,
      ).toEqual(expected);
      for (const factor of city.footprint.estimatedFactors) expect(factor.estimate).toBe(true);
      named += expected.length > 0 ? 1 : 0;
    }
    // The seed world's runs do use estimates, so the check above named some.
    expect(named).toBeGreaterThan(0);
  });

  it.skipIf(skip)('names no estimate for a year without deliveries', async () => {
    const { cityId } = cityYears[0]!;
    const { city } = dataOf(await stack.query(FOOTPRINT_ESTIMATES, { id: cityId, year: 1999 }));
    expect(city.footprint.estimatedFactors).toEqual([]);
  });
});
