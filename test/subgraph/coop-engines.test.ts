/**
 * The same seed on SQLite and PostgreSQL publishes the same sharing figures, to the last digit:
 * the engines sum floating-point columns differently (SQLite with compensated summation), and a
 * published figure must not depend on which one a deployment runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cities } from '../../seeds/data/cities.js';
import { seededEngines } from '../engines.js';
import { startTestSubgraph, TEST_SEED, type TestSubgraph } from '../harness.js';

const ENGINES = await seededEngines('coop', 'sums', TEST_SEED, 'the coop figures on both engines');

const CITY_SHARING = `query($r: [_Any!]!) { _entities(representations: $r) { ... on City {
  id
  sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { kmShared avoidedKgCO2e hoursInUse }
  annualSharing { year avoidedKgCO2e }
} } }`;

const answers = new Map<string, unknown>();
const running: TestSubgraph[] = [];

beforeAll(async () => {
  for (const engine of ENGINES) {
    const coop = await startTestSubgraph('coop', { database: await engine.prepare() });
    running.push(coop);
    const { data } = await coop.query(CITY_SHARING, { r: cities.map(({ id }) => ({ __typename: 'City', id })) });
    answers.set(engine.name, data);
  }
}, 300_000);

afterAll(async () => {
  for (const coop of running) await coop.stop();
  for (const engine of ENGINES) await engine.cleanUp();
});

describe('sharing figures on both engines', () => {
  it.runIf(ENGINES.length === 2)('answers the same km, kg and hours on SQLite and PostgreSQL', () => {
    const sqlite = answers.get('SQLite') as { _entities: { sharing: { kmShared: number | null } }[] };
    expect(sqlite._entities.some((city) => (city.sharing.kmShared ?? 0) > 0)).toBe(true);
    expect(answers.get('PostgreSQL')).toEqual(sqlite);
  });
});
