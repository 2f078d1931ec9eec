/**
 * Demand control through the gateway in production mode (issue 11, findings 1 and 2): every
 * list has a size, the gateway estimates each operation from the supergraph's @cost/@listSize
 * with the variables applied, and refuses one over the budget with a 400 before any subgraph
 * is asked; the operations real clients send (the city report, the dashboard's, the
 * catalogue's) pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import {
  CITY_LIST,
  CITY_PAGE,
  CITY_REPORT,
  CITY_REPORT_VARIABLES,
  CITY_YEAR,
  cityYearVariables,
} from '../../web/src/queries.js';
import { readCounter, startTestStack, type TestStack } from '../harness.js';
import { CITIES_REPORT, REPORT_PERIOD } from '../queries.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ production: true });
});
afterAll(() => stack?.stop());

const BUDGET = loadConfig({}).gateway.limits.maxCost;

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function send(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** `n` aliases of one root field with the same selection. */
const aliased = (n: number, field: string, selection: string) =>
  Array.from({ length: n }, (_, i) => `a${i}: ${field} { ${selection} }`).join(' ');

/** `members { leagues { members { ... id } } }`, `lists` lists deep. */
function membersAndLeagues(lists: number): string {
  let selection = 'id';
  for (let i = lists - 1; i >= 0; i--)
    selection = i % 2 === 0 ? `members { ${selection} }` : `leagues { ${selection} }`;
  return selection;
}

/** `deployments { application { ... id } }`, `levels` times. */
function deploymentsOfApplications(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `deployments { application { ${selection} } }`;
  return selection;
}

const SHARING_OF_EACH_CITY = `nodes { id name platformCooperatives { id } sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses } }`;

const EXPENSIVE: [string, string, Record<string, unknown>?][] = [
  // Finding 1, as reported: 15 aliases, depth 11 (the league subgraph grew to 4 GB and died).
  [
    '15 aliases of league.members.leagues… depth 11',
    `{ ${aliased(15, 'league(id: "eurocities")', membersAndLeagues(9))} }`,
  ],
  // The same shape, small enough that the original code answers it (8,640 cities) instead of dying.
  [
    '15 aliases of league.members.leagues.members',
    `{ ${aliased(15, 'league(id: "eurocities")', membersAndLeagues(3))} }`,
  ],
  // Finding 1's second shape: an answer that grew to 51.6 MB at benchmark scale.
  [
    'application.deployments.application… 5 levels',
    `{ application(id: "muniride") { ${deploymentsOfApplications(5)} } }`,
  ],
  // Finding 2: the page size comes from a variable…
  [
    '15 aliases of cities(first: $n), $n = 100',
    `query Cities($n: Int!) { ${aliased(15, 'cities(first: $n)', SHARING_OF_EACH_CITY)} }`,
    { n: 100 },
  ],
  // …or from the variable's default.
  [
    '15 aliases of cities(first: $n), $n defaulting to 100',
    `query Cities($n: Int = 100) { ${aliased(15, 'cities(first: $n)', SHARING_OF_EACH_CITY)} }`,
  ],
  // The nested lists' own `first` counts too, through a fragment.
  [
    'cities(first: 100) with 100 co-ops each and their sharing, through a fragment',
    `query($n: Int!) { cities(first: 100) { nodes { ...Coops } } }
     fragment Coops on City { platformCooperatives(first: $n) { id sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses } } }`,
    { n: 100 },
  ],
];

describe('operations over the budget', () => {
  it.each(EXPENSIVE)(
    'refuses %s with 400 and the cost code, before any subgraph is asked',
    async (_name, query, variables) => {
      const before = await stack.sqlStatements();
      const { status, body } = await send(query, variables);
      expect(status).toBe(400);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      const [error] = body.errors!;
      expect(error!.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
      expect(error!.extensions?.cost.max).toBe(BUDGET);
      expect(error!.extensions?.cost.estimated).toBeGreaterThan(BUDGET);
      expect(error!.message).toContain(
        `estimated cost ${error!.extensions?.cost.estimated} exceeds the budget of ${BUDGET}`,
      );
      expect(await stack.sqlStatements()).toBe(before);
    },
  );

  it('leaves variables it cannot apply to the gateway, which refuses them before any subgraph is asked', async () => {
    const before = await stack.sqlStatements();
    const { status, body } = await send(
      `query Cities($n: Int!) { ${aliased(15, 'cities(first: $n)', SHARING_OF_EACH_CITY)} }`,
      { n: '100' },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await stack.sqlStatements()).toBe(before);
  });

  it("counts the refusals in the gateway's metrics as rejected for 'cost'", async () => {
    const metrics = stack.gatewayUrl.replace('/graphql', '/metrics');
    const text = await (await fetch(metrics)).text();
    expect(text).toMatch(/commons_rejected_requests_total\{reason="cost"[^}]*\} [1-9]/);
    expect(await readCounter(metrics, 'commons_rejected_requests_total')).toBeGreaterThanOrEqual(EXPENSIVE.length);
  });
});

describe('what clients send passes', () => {
  const LEGITIMATE: [string, string, Record<string, unknown>][] = [
    ["the README's CityReport", CITY_REPORT, CITY_REPORT_VARIABLES],
    ["the dashboard's city list, a full page", CITY_LIST.toString(), { first: 100 }],
    ["the dashboard's city page", CITY_PAGE.toString(), { id: 'gent' }],
    ["the dashboard's year of a city", CITY_YEAR.toString(), cityYearVariables('gent', 2025)],
    ['the city report for 10 cities', CITIES_REPORT, { first: 10, ...REPORT_PERIOD }],
  ];

  it.each(LEGITIMATE)('answers %s', async (_name, query, variables) => {
    const { status, body } = await send(query, variables);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it("builds the catalogue and a city's sharing file, whose operations go through the same limit", async () => {
    const base = stack.gatewayUrl.replace('/graphql', '');
    const catalog = await fetch(`${base}/catalog.ttl`);
    expect(catalog.status).toBe(200);
    const sharing = await fetch(`${base}/data/cities/gent/2025/sharing.csv`);
    expect(sharing.status).toBe(200);
  });
});

describe('the subgraphs keep the sizes the estimate counts on', () => {
  it('returns at most `first` items of a nested list', async () => {
    const { body } = await send(
      '{ league(id: "eurocities") { all: members(first: 100) { id } two: members(first: 2) { id } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.league.all.length).toBeGreaterThan(2);
    expect(body.data.league.two.map((city: { id: string }) => city.id)).toEqual(
      body.data.league.all.slice(0, 2).map((city: { id: string }) => city.id),
    );
  });

  it('refuses a nested `first` over the page-size maximum, naming the argument', async () => {
    const { body } = await send('{ league(id: "eurocities") { members(first: 101) { id } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.argumentName).toBe('first');
  });
});
