import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounter, startTestStack, startTestSubgraph, type TestStack } from '../harness.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';

let stack: TestStack;
let base: string;

/** GETs a JSON endpoint of the gateway. */
const getJson = async (path: string): Promise<any> => (await fetch(`${base}${path}`)).json();

beforeAll(async () => {
  stack = await startTestStack({ subgraphTimeoutMs: 2000 });
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
});
afterAll(() => stack?.stop());

describe('gateway endpoints', () => {
  it('answers /health while the process lives', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports the supergraph and whether each subgraph is up on /ready, and nothing more', async () => {
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body).toMatchObject({ status: 'ready', supergraph: true });
    for (const name of ['league', 'depository', 'coop', 'production']) {
      expect(body.subgraphs[name]).toEqual({ up: true });
    }
  });

  it('exposes Prometheus metrics, and each subgraph counts its SQL statements', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await response.text()).toMatch(/commons_http_request_duration_seconds_count\{/);
    const before = await readCounter(
      stack.subgraphs.league.url.replace('/graphql', '/metrics'),
      'commons_sql_statements_total',
    );
    await stack.query('{ city(id: "gent") { name } }');
    const after = await readCounter(
      stack.subgraphs.league.url.replace('/graphql', '/metrics'),
      'commons_sql_statements_total',
    );
    expect(after).toBeGreaterThan(before);
  });

  it('accepts GET requests for queries', async () => {
    const query = encodeURIComponent('{ city(id: "gent") { id } }');
    const response = await fetch(`${stack.gatewayUrl}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: { city: { id: 'gent' } } });
  });
});

describe('bad input gets an error naming the argument', () => {
  const cases: [string, string, string][] = [
    ['negative first', '{ cities(first: -1) { totalCount } }', 'first'],
    ['first over the maximum', '{ cities(first: 101) { totalCount } }', 'first'],
    ['a cursor we never issued', '{ applications(after: "bogus") { totalCount } }', 'after'],
    [
      'a period that ends before it starts',
      '{ city(id: "gent") { sharing(period: { from: "2025-02-01", to: "2025-01-01" }) { uses } } }',
      'period',
    ],
    ['a year out of range', '{ city(id: "gent") { footprint(year: 99999) { netKgCO2e } } }', 'year'],
  ];
  it.each(cases)('%s', async (_name, query, argument) => {
    const { errors } = await stack.query(query);
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects an impossible date, naming the variable and the value', async () => {
    const { errors } = await stack.query(CITY_REPORT, { ...REPORT_PERIOD, id: 'gent', from: '2025-02-30' });
    expect(errors?.[0]?.message).toMatch(/\$from/);
    expect(errors?.[0]?.message).toContain('2025-02-30');
  });

  it('returns null for unknown ids of every root lookup', async () => {
    const { data, errors } = await stack.query(`{
      city(id: "x") { id } league(id: "x") { id } protocolCooperative(id: "x") { id }
      application(id: "x") { id } adaptation(id: "x") { id }
      platformCooperative(id: "x") { id } sharedAsset(id: "x") { id }
      openCooperative(id: "x") { id } openDesign(id: "x") { id } productionRun(id: "x") { id }
    }`);
    expect(errors).toBeUndefined();
    expect(Object.values(data).every((value) => value === null)).toBe(true);
  });
});

describe('a failing subgraph costs only its own fields', () => {
  it('degrades while coop is down and recovers when it returns, without a gateway restart', async () => {
    const coop = stack.subgraphs.coop;
    await coop.stop();

    const ready = await getJson('/ready');
    expect(ready.status).toBe('degraded');
    expect(ready.subgraphs.coop.up).toBe(false);

    const degraded = await stack.query(CITY_REPORT, { id: 'gent', ...REPORT_PERIOD });
    expect(degraded.data.city).toMatchObject({ id: 'gent', name: expect.any(String), population: expect.any(Number) });
    expect(degraded.data.city.leagues.length).toBeGreaterThan(0);
    expect(degraded.data.city.platformCooperatives).toBeNull();
    expect(degraded.data.city.sharing).toBeNull();
    expect(degraded.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(degraded.errors)).toMatch(/coop/);

    const restarted = await startTestSubgraph('coop', { port: coop.port });
    stack.subgraphs.coop = restarted;
    const recovered = await stack.query(CITY_REPORT, { id: 'gent', ...REPORT_PERIOD });
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.city.platformCooperatives.length).toBeGreaterThan(0);
    expect((await getJson('/ready')).status).toBe('ready');
  });
});
