/**
 * The league subgraph's writes over HTTP, on a fresh seeded SQLite copy (and on PostgreSQL
 * when TEST_DATABASE_URL answers): `recordPledge` succeeds for a city-admin of the pledging
 * city and shows up in every read field; every other caller is refused and every rule of the
 * input is enforced, each naming the field at fault, and a refused write changes nothing.
 * Expected values come from the seed data or the database, never written out by hand.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lib/auth.js';
import { applications } from '../../seeds/data/applications.js';
import { cities } from '../../seeds/data/cities.js';
import { openCooperatives } from '../../seeds/data/open-cooperatives.js';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import { pledges, protocolCooperatives } from '../../seeds/data/protocol-cooperatives.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import type { PledgeRow } from '../../subgraphs/league/db/tables.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { refusalChecks, refusedCallers } from '../refusals.js';
import { bearer, dataOf, ids, startTestSubgraph, TEST_SEED, type TestSubgraph } from '../harness.js';

const RECORD_PLEDGE = `mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { pledge {
  id amountEur year purpose city { id } protocolCooperative { id } application { id }
} } }`;

/** Tables a pledge write may touch, each with the columns that order it. */
const TABLES: Record<string, string[]> = { pledges: ['id'] };

// The pledging city, and a protocol co-op with an application it stewards, from the seeds.
const city = cities.find((c) => pledges.some((p) => p.cityId === c.id))!;
const otherCity = cities.find((c) => c.id !== city.id)!;
const coop = protocolCooperatives.find((c) => applications.some((a) => a.stewardId === c.id))!;
const app = applications.find((a) => a.stewardId === coop.id)!;

/** A pledge every check accepts; each test changes what it is about. */
const validInput = (overrides: Record<string, unknown> = {}) => ({
  cityId: city.id,
  protocolCooperativeId: coop.id,
  applicationId: app.id,
  amountEur: 12_345.67,
  year: 2026,
  purpose: 'Hosting and maintenance of the shared booking platform (test pledge).',
  ...overrides,
});

/** Real scopes of every role, chosen to tempt: a co-op and a maintainer close to the pledge. */
const TEMPTING_SCOPES: Record<Role, string> = {
  'city-admin': otherCity.id,
  'coop-operator': (platformCooperatives.find((c) => c.cityId === city.id) ?? platformCooperatives[0]!).id,
  'production-operator': openCooperatives[0]!.id,
  'depository-maintainer': app.id,
};

const { snapshot, expectRefused } = refusalChecks(TABLES);

/** The stored pledges of one city, in the order `City.pledges` promises: newest year first, then id. */
async function pledgeIdsOfCity(db: Knex, cityId: string): Promise<string[]> {
  const rows = await db<PledgeRow>('pledges')
    .where('city_id', cityId)
    .orderBy([{ column: 'year', order: 'desc' }, 'id']);
  return rows.map((row) => row.id);
}

const pgUnavailable = await postgresUnavailable();
const ENGINES = pgUnavailable ? ['sqlite'] : ['sqlite', 'postgres'];

describe.each(ENGINES)('recordPledge on %s', (engine) => {
  let sg: TestSubgraph;
  const database = postgresDatabase('league', 'leaguewrites');
  const asAdmin = (cityId = city.id) => bearer('city-admin', cityId);
  const record = async (input: Record<string, unknown>) =>
    sg.query(RECORD_PLEDGE, { input }, await asAdmin(input.cityId as string));

  beforeAll(async () => {
    if (engine === 'postgres') {
      await dropSchema(database);
      await prepareDatabase('league', database, { seed: TEST_SEED });
      sg = await startTestSubgraph('league', { database });
    } else {
      sg = await startTestSubgraph('league');
    }
  });

  afterAll(async () => {
    await sg?.stop();
    if (engine === 'postgres') await dropSchema(database);
  });

  it('records a pledge for a city-admin of the city, visible through every read field', async () => {
    const countBefore = (await snapshot(sg.db)).pledges!.length;
    const input = validInput({ purpose: `  ${validInput().purpose}  ` });
    const { pledge } = dataOf(await record(input)).recordPledge;

    expect(pledge).toEqual({
      id: expect.stringMatching(new RegExp(`^pledge-${city.id}-${coop.id}-${input.year}-\\d+$`)),
      amountEur: input.amountEur,
      year: input.year,
      purpose: input.purpose.trim(),
      city: { id: city.id },
      protocolCooperative: { id: coop.id },
      application: { id: app.id },
    });
    expect((await snapshot(sg.db)).pledges).toHaveLength(countBefore + 1);

    const read = dataOf(
      await sg.query(
        `query($city: ID!, $coop: ID!, $r: [_Any!]!) {
          city(id: $city) { pledges { id amountEur year purpose application { id } illustrative } }
          protocolCooperative(id: $coop) { pledges { id } }
          _entities(representations: $r) { ... on CommonsApplication { pledges { id } supportingCities { id } } }
        }`,
        { city: city.id, coop: coop.id, r: [{ __typename: 'CommonsApplication', id: app.id }] },
      ),
    );
    expect(read.city.pledges.map((p: { id: string }) => p.id)).toEqual(await pledgeIdsOfCity(sg.db, city.id));
    expect(read.city.pledges.find((p: { id: string }) => p.id === pledge.id)).toEqual({
      id: pledge.id,
      amountEur: pledge.amountEur,
      year: pledge.year,
      purpose: pledge.purpose,
      application: pledge.application,
      illustrative: false,
    });
    // The seed world's pledges are examples and say so; a recorded one is a city's own statement.
    const seeded = read.city.pledges.filter((p: { id: string }) => p.id !== pledge.id);
    expect(seeded.length).toBeGreaterThan(0);
    for (const p of seeded) expect(p.illustrative).toBe(true);
    expect(ids(read.protocolCooperative.pledges)).toContain(pledge.id);
    expect(ids(read._entities[0].pledges)).toContain(pledge.id);
    expect(ids(read._entities[0].supportingCities)).toContain(city.id);
  });

  it('gives every pledge its own id, also for the same city, co-op and year', async () => {
    const first = dataOf(await record(validInput({ year: 2031 }))).recordPledge.pledge.id;
    const second = dataOf(await record(validInput({ year: 2031 }))).recordPledge.pledge.id;
    expect(second).not.toBe(first);
    const rows = await sg.db<PledgeRow>('pledges').whereIn('id', [first, second]);
    expect(rows).toHaveLength(2);
  });

  it('accepts the bounds of every rule, and no application at all', async () => {
    const accepted: Record<string, unknown>[] = [
      { amountEur: 0.01 },
      { amountEur: 1_000_000_000 },
      { amountEur: 999_999_999.99 },
      { year: 2000 },
      { year: 2100 },
      { purpose: 'x'.repeat(500) },
      { purpose: `\t${'é'.repeat(500)}\n` },
      { purpose: 'Line one\nline two\ttabbed' },
      { applicationId: null },
      // The application is the depository's entity: a well-formed unknown id is stored as given.
      { applicationId: `app-${'a'.repeat(60)}` },
    ];
    for (const overrides of accepted) {
      const input = validInput(overrides);
      const { pledge } = dataOf(await record(input)).recordPledge;
      const stored = await sg.db<PledgeRow>('pledges').where('id', pledge.id).first();
      // Both engines: SQLite stores booleans as 0/1.
      expect({ ...stored, illustrative: Boolean(stored?.illustrative) }, JSON.stringify(overrides)).toEqual({
        id: pledge.id,
        city_id: input.cityId,
        protocol_cooperative_id: input.protocolCooperativeId,
        application_id: input.applicationId ?? null,
        amount_eur: input.amountEur,
        year: input.year,
        purpose: (input.purpose as string).trim(),
        illustrative: false,
      });
    }
  });

  it('shows a pledge to later mutations of the same request', async () => {
    const response = dataOf(
      await sg.query(
        `mutation($a: RecordPledgeInput!, $b: RecordPledgeInput!) {
          a: recordPledge(input: $a) { pledge { id city { pledges { id } } } }
          b: recordPledge(input: $b) { pledge { id city { pledges { id } } } }
        }`,
        { a: validInput({ year: 2040 }), b: validInput({ year: 2041 }) },
        await asAdmin(),
      ),
    );
    expect(ids(response.b.pledge.city.pledges)).toEqual(
      expect.arrayContaining([response.a.pledge.id, response.b.pledge.id]),
    );
    expect(response.b.pledge.city.pledges.map((p: { id: string }) => p.id)).toEqual(
      await pledgeIdsOfCity(sg.db, city.id),
    );
  });

  it('refuses every caller but a city-admin of input.cityId, and changes nothing', async () => {
    const input = validInput({ year: 2050 });
    for (const refusal of await refusedCallers('city-admin', city.id, TEMPTING_SCOPES)) {
      await expectRefused(sg, { label: refusal.caller, query: RECORD_PLEDGE, variables: { input }, ...refusal });
    }
    // The same input from the right caller is accepted: the refusals were about the caller alone.
    dataOf(await record(input));
  });

  it('refuses a pledge for one city made with a token of another, even with both ids well formed', async () => {
    await expectRefused(sg, {
      label: 'city-admin of another city',
      query: RECORD_PLEDGE,
      variables: { input: validInput({ cityId: otherCity.id }) },
      headers: await asAdmin(city.id),
      code: 'FORBIDDEN',
    });
  });

  /** [field, input overrides, expected code]; the token is a city-admin's of the input's city. */
  const rejected: [string, Record<string, unknown>, string][] = [
    ['input.cityId', { cityId: city.id.toUpperCase() }, 'BAD_USER_INPUT'],
    ['input.cityId', { cityId: `${city.id}_x` }, 'BAD_USER_INPUT'],
    ['input.cityId', { cityId: 'a'.repeat(65) }, 'BAD_USER_INPUT'],
    ['input.cityId', { cityId: 'atlantis' }, 'NOT_FOUND'],
    ['input.protocolCooperativeId', { protocolCooperativeId: '' }, 'BAD_USER_INPUT'],
    ['input.protocolCooperativeId', { protocolCooperativeId: 'Fairbnb Coop' }, 'BAD_USER_INPUT'],
    ['input.protocolCooperativeId', { protocolCooperativeId: `-${coop.id}` }, 'BAD_USER_INPUT'],
    ['input.protocolCooperativeId', { protocolCooperativeId: 'a--b' }, 'BAD_USER_INPUT'],
    ['input.protocolCooperativeId', { protocolCooperativeId: "x' or '1'='1" }, 'BAD_USER_INPUT'],
    ['input.protocolCooperativeId', { protocolCooperativeId: 'no-such-cooperative' }, 'NOT_FOUND'],
    ['input.applicationId', { applicationId: '' }, 'BAD_USER_INPUT'],
    ['input.applicationId', { applicationId: app.id.toUpperCase() }, 'BAD_USER_INPUT'],
    ['input.applicationId', { applicationId: 'muni_ride' }, 'BAD_USER_INPUT'],
    ['input.applicationId', { applicationId: 'a'.repeat(65) }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: 0 }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: -100 }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: 1_000_000_000.01 }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: 1e12 }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: 0.001 }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: 10.005 }, 'BAD_USER_INPUT'],
    ['input.amountEur', { amountEur: '100' }, 'BAD_USER_INPUT'],
    ['input.year', { year: 1999 }, 'BAD_USER_INPUT'],
    ['input.year', { year: 2101 }, 'BAD_USER_INPUT'],
    ['input.year', { year: 2026.5 }, 'BAD_USER_INPUT'],
    ['input.purpose', { purpose: '' }, 'BAD_USER_INPUT'],
    ['input.purpose', { purpose: ' \n\t ' }, 'BAD_USER_INPUT'],
    ['input.purpose', { purpose: 'x'.repeat(501) }, 'BAD_USER_INPUT'],
    ['input.purpose', { purpose: 'nul \u0000 byte' }, 'BAD_USER_INPUT'],
    ['input.purpose', { purpose: 'escape \u001b[31m red' }, 'BAD_USER_INPUT'],
    ['input.purpose', { purpose: 'lone \ud800 surrogate' }, 'BAD_USER_INPUT'],
  ];

  it.each(rejected)(
    'rejects a bad %s (%j) with %s naming the field, and changes nothing',
    async (field, overrides, code) => {
      const input = validInput(overrides);
      const headers = await asAdmin(String(input.cityId));
      await expectRefused(sg, { label: field, query: RECORD_PLEDGE, variables: { input }, headers, code, field });
    },
  );
});
