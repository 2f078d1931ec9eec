/** Lists must not cost one query per row: the statement counters prove it through the gateway. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.js';
import { CITIES_REPORT, REPORT_PERIOD } from '../queries.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

async function statementsFor(first: number): Promise<number> {
  const before = await stack.sqlStatements();
  const { data, errors } = await stack.query(CITIES_REPORT, { first, ...REPORT_PERIOD });
  expect(errors).toBeUndefined();
  expect(data.cities.nodes).toHaveLength(first);
  return (await stack.sqlStatements()) - before;
}

/** Allowance for batches that split differently with more cities (e.g. one more distinct key set). */
const SMALL_CONSTANT = 3;

/**
 * Statements of the first city's report, measured: a co-op's bin sums and covered hours are one
 * statement (coop's `periodTotals`), so a new query or a split batch shows here.
 */
const ONE_CITY_STATEMENTS = 13;

it('costs about as many SQL statements for 10 cities as for 1', async () => {
  const one = await statementsFor(1);
  const ten = await statementsFor(10);
  console.info(`CityReport SQL statements: 1 city ${one}, 10 cities ${ten}`);
  expect(one).toBeGreaterThan(0);
  expect(one).toBeLessThanOrEqual(ONE_CITY_STATEMENTS);
  expect(ten).toBeLessThanOrEqual(one + SMALL_CONSTANT);
});
