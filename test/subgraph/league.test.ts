/**
 * The league subgraph over HTTP on a fresh migrated and seeded SQLite file: lookups, the
 * cities connection with its filters and argument errors, `_entities` (its own entities and
 * the fields it adds to CommonsApplication) and batching.
 * Every expected value is computed from the seed data, never written out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications } from '../../seeds/data/applications.js';
import { cities } from '../../seeds/data/cities.js';
import { leagues } from '../../seeds/data/leagues.js';
import { pledges, protocolCooperatives } from '../../seeds/data/protocol-cooperatives.js';
import type { CitySeed, LeagueSeed, PledgeSeed, ProtocolCooperativeSeed } from '../../seeds/data/types.js';
import { startTestSubgraph, type TestSubgraph } from '../harness.js';

let sg: TestSubgraph;

beforeAll(async () => {
  sg = await startTestSubgraph('league');
});

afterAll(async () => {
  await sg?.stop();
});

/** Runs an operation that must succeed and returns its data. */
async function data(query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await sg.query(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data;
}

const sortedIds = (ids: readonly string[]): string[] => [...ids].sort();
const idRefs = (ids: readonly string[]): { id: string }[] => ids.map((id) => ({ id }));
const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** Pledges in the order every pledge list uses: newest year first, then by id. */
const newestFirst = (list: readonly PledgeSeed[]): string[] =>
  [...list].sort((a, b) => b.year - a.year || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((p) => p.id);

const leaguesOf = (cityId: string): string[] =>
  sortedIds(leagues.filter((league) => league.memberCityIds.includes(cityId)).map((league) => league.id));
const pledgesOfCity = (cityId: string): string[] => newestFirst(pledges.filter((p) => p.cityId === cityId));
const pledgesOfApplication = (appId: string): PledgeSeed[] => pledges.filter((p) => p.applicationId === appId);
const fundedBy = (leagueId: string): string[] =>
  sortedIds(protocolCooperatives.filter((coop) => coop.fundingLeagueIds.includes(leagueId)).map((coop) => coop.id));

const CITY_FIELDS = 'id name countryCode population populationYear populationSource latitude longitude';

/** A city as the graph should return CITY_FIELDS for it. */
const cityScalars = (city: CitySeed) => ({
  id: city.id,
  name: city.name,
  countryCode: city.countryCode,
  population: city.population,
  populationYear: city.populationYear,
  populationSource: city.populationSource,
  latitude: city.latitude,
  longitude: city.longitude,
});

const leagueScalars = (league: LeagueSeed) => ({
  id: league.id,
  name: league.name,
  description: league.description,
  foundedYear: league.foundedYear,
  website: league.website,
  illustrative: league.illustrative,
});

const protocolCooperativeScalars = (coop: ProtocolCooperativeSeed) => ({
  id: coop.id,
  name: coop.name,
  description: coop.description,
  website: coop.website,
  foundedYear: coop.foundedYear,
  illustrative: coop.illustrative,
});

describe('lookups by id', () => {
  it('returns every city with all its fields, leagues and pledges', async () => {
    for (const city of cities) {
      const result = await data(`query($id: ID!) { city(id: $id) { ${CITY_FIELDS} leagues { id } pledges { id } } }`, {
        id: city.id,
      });
      expect(result.city).toEqual({
        ...cityScalars(city),
        leagues: idRefs(leaguesOf(city.id)),
        pledges: idRefs(pledgesOfCity(city.id)),
      });
    }
    expect(cities.some((city) => pledgesOfCity(city.id).length > 1)).toBe(true);
  });

  it('returns every league with its members and the protocol cooperatives it funds', async () => {
    for (const league of leagues) {
      const result = await data(
        `query($id: ID!) { league(id: $id) {
          id name description foundedYear website illustrative members { id } protocolCooperatives { id }
        } }`,
        { id: league.id },
      );
      expect(result.league).toEqual({
        ...leagueScalars(league),
        members: idRefs(sortedIds(league.memberCityIds)),
        protocolCooperatives: idRefs(fundedBy(league.id)),
      });
    }
  });

  it('returns every protocol cooperative with its city, funders and pledges', async () => {
    for (const coop of protocolCooperatives) {
      const result = await data(
        `query($id: ID!) { protocolCooperative(id: $id) {
          id name description website foundedYear illustrative city { id } fundingLeagues { id } pledges { id }
        } }`,
        { id: coop.id },
      );
      expect(result.protocolCooperative).toEqual({
        ...protocolCooperativeScalars(coop),
        city: coop.cityId ? { id: coop.cityId } : null,
        fundingLeagues: idRefs(sortedIds(coop.fundingLeagueIds)),
        pledges: idRefs(newestFirst(pledges.filter((p) => p.protocolCooperativeId === coop.id))),
      });
    }
  });

  it('returns null for unknown ids', async () => {
    const result = await data(`{
      city(id: "atlantis") { id } league(id: "no-such-league") { id } protocolCooperative(id: "no-such-coop") { id }
    }`);
    expect(result).toEqual({ city: null, league: null, protocolCooperative: null });
  });

  it('lists leagues and protocol cooperatives in id order with their totals', async () => {
    const result = await data(`{
      leagues(first: 100) { nodes { id } totalCount pageInfo { hasNextPage } }
      protocolCooperatives(first: 100) { nodes { id } totalCount pageInfo { hasNextPage } }
    }`);
    expect(result.leagues).toEqual({
      nodes: idRefs(sortedIds(leagues.map((l) => l.id))),
      totalCount: leagues.length,
      pageInfo: { hasNextPage: false },
    });
    expect(result.protocolCooperatives).toEqual({
      nodes: idRefs(sortedIds(protocolCooperatives.map((c) => c.id))),
      totalCount: protocolCooperatives.length,
      pageInfo: { hasNextPage: false },
    });
  });
});

describe('cities connection', () => {
  const query = `query($first: Int, $after: String, $filter: CityFilter) {
    cities(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } totalCount
    }
  }`;

  /** The ids of every city matching `filter`, walking the pages `pageSize` at a time. */
  async function walk(pageSize: number, filter?: Record<string, unknown>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 1; ; pages++) {
      const { cities: page } = await data(query, { first: pageSize, after, filter });
      expect(page.edges.map((edge: any) => edge.node.id)).toEqual(page.nodes.map((node: any) => node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      expect(page.nodes.length).toBeLessThanOrEqual(pageSize);
      ids.push(...page.nodes.map((node: any) => node.id));
      if (!page.pageInfo.hasNextPage) return { ids, pages };
      if (pages > cities.length) throw new Error('the cities connection never reports its last page');
      after = page.pageInfo.endCursor;
    }
  }

  /** Asks for every city matching `filter` in one page and checks it against `expected`. */
  async function expectFiltered(filter: Record<string, unknown>, expected: readonly CitySeed[]): Promise<void> {
    const { cities: page } = await data(query, { first: 100, filter });
    expect(page.nodes, JSON.stringify(filter)).toEqual(idRefs(sortedIds(expected.map((city) => city.id))));
    expect(page.totalCount, JSON.stringify(filter)).toBe(expected.length);
    expect(page.pageInfo.hasNextPage).toBe(false);
  }

  it('pages through every city exactly once, in id order', async () => {
    const pageSize = 5;
    const { ids, pages } = await walk(pageSize);
    expect(ids).toEqual(sortedIds(cities.map((city) => city.id)));
    expect(pages).toBe(Math.ceil(cities.length / pageSize));
  });

  it('counts every seeded city in totalCount, on every page', async () => {
    const first = await data(query, { first: 3 });
    expect(first.cities.totalCount).toBe(cities.length);
    const second = await data(query, { first: 3, after: first.cities.pageInfo.endCursor });
    expect(second.cities.totalCount).toBe(cities.length);
  });

  it('returns an empty page with the full count for first: 0 and after the last city', async () => {
    const empty = await data(query, { first: 0 });
    expect(empty.cities).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: true, endCursor: null },
      totalCount: cities.length,
    });
    const all = await data(query, { first: 100 });
    const past = await data(query, { first: 10, after: all.cities.pageInfo.endCursor });
    expect(past.cities.nodes).toEqual([]);
    expect(past.cities.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by country code, in either case', async () => {
    const countryCode = cities.find(
      (city) => cities.filter((c) => c.countryCode === city.countryCode).length > 1,
    )!.countryCode;
    const expected = cities.filter((city) => city.countryCode === countryCode);
    await expectFiltered({ countryCode }, expected);
    await expectFiltered({ countryCode: countryCode.toLowerCase() }, expected);
  });

  it('filters by league', async () => {
    for (const league of leagues) {
      await expectFiltered(
        { leagueId: league.id },
        cities.filter((city) => league.memberCityIds.includes(city.id)),
      );
    }
    await expectFiltered({ leagueId: 'no-such-league' }, []);
  });

  it('filters by part of the name, ignoring case', async () => {
    const name = cities[0]!.name;
    for (const part of [name.slice(1, 4).toUpperCase(), name.slice(-3).toLowerCase(), 'on']) {
      await expectFiltered(
        { nameContains: part },
        cities.filter((city) => city.name.toLowerCase().includes(part.toLowerCase())),
      );
    }
  });

  it('treats % and _ in nameContains as plain characters', async () => {
    for (const part of ['%', '_', 'o_', '%a%']) {
      await expectFiltered(
        { nameContains: part },
        cities.filter((city) => city.name.toLowerCase().includes(part)),
      );
    }
  });

  it('filters by minimum population, the bound included', async () => {
    const populations = cities.map((city) => city.population).sort((a, b) => a - b);
    const median = populations[Math.floor(populations.length / 2)]!;
    await expectFiltered(
      { minPopulation: median },
      cities.filter((city) => city.population >= median),
    );
    await expectFiltered({ minPopulation: populations.at(-1)! + 1 }, []);
  });

  it('combines filters, and pages through a filtered list', async () => {
    const league = leagues.reduce((a, b) => (a.memberCityIds.length >= b.memberCityIds.length ? a : b));
    const populations = cities.map((city) => city.population).sort((a, b) => a - b);
    const minPopulation = populations[Math.floor(populations.length / 3)]!;
    const filter = { leagueId: league.id, minPopulation };
    const expected = cities.filter(
      (city) => league.memberCityIds.includes(city.id) && city.population >= minPopulation,
    );
    expect(expected.length).toBeGreaterThan(2);
    await expectFiltered(filter, expected);
    const { ids } = await walk(2, filter);
    expect(ids).toEqual(sortedIds(expected.map((city) => city.id)));
  });

  it.each([
    ['first', { first: -1 }],
    ['first', { first: 101 }],
    ['after', { after: 'garbage' }],
    ['after', { after: '!!not-base64!!' }],
  ])('rejects a bad %s (%j) with BAD_USER_INPUT naming the argument', async (argument, variables) => {
    const response = await sg.query(query, variables);
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.message).toContain(argument);
    expect(response.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('_entities', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on City { id name leagues { id } pledges { id } }
    ... on League { id name }
    ... on ProtocolCooperative { id name }
    ... on Pledge { id amountEur year purpose city { id } protocolCooperative { id } application { id } }
    ... on CommonsApplication { id earmarked: pledges { id } supportingCities { id } }
  } }`;

  it('resolves cities with their leagues and pledges', async () => {
    const result = await data(entities, { r: cities.map((city) => ({ __typename: 'City', id: city.id })) });
    expect(result._entities).toEqual(
      cities.map((city) => ({
        id: city.id,
        name: city.name,
        leagues: idRefs(leaguesOf(city.id)),
        pledges: idRefs(pledgesOfCity(city.id)),
      })),
    );
  });

  it('adds pledges and supporting cities to commons applications', async () => {
    const appIds = [...applications.map((app) => app.id), 'no-such-app'];
    const result = await data(entities, { r: appIds.map((id) => ({ __typename: 'CommonsApplication', id })) });
    expect(result._entities).toEqual(
      appIds.map((id) => ({
        id,
        earmarked: idRefs(newestFirst(pledgesOfApplication(id))),
        supportingCities: idRefs(sortedIds(unique(pledgesOfApplication(id).map((p) => p.cityId)))),
      })),
    );
    expect(appIds.some((id) => unique(pledgesOfApplication(id).map((p) => p.cityId)).length > 1)).toBe(true);
  });

  it('resolves leagues, protocol cooperatives and pledges by key, null for unknown keys', async () => {
    const league = leagues[0]!;
    const coop = protocolCooperatives[0]!;
    const pledge = pledges.find((p) => p.applicationId !== null)!;
    const result = await data(entities, {
      r: [
        { __typename: 'League', id: league.id },
        { __typename: 'ProtocolCooperative', id: coop.id },
        { __typename: 'Pledge', id: pledge.id },
        { __typename: 'City', id: 'atlantis' },
        { __typename: 'League', id: 'no-such-league' },
        { __typename: 'Pledge', id: 'no-such-pledge' },
      ],
    });
    expect(result._entities).toEqual([
      { id: league.id, name: league.name },
      { id: coop.id, name: coop.name },
      {
        id: pledge.id,
        amountEur: pledge.amountEur,
        year: pledge.year,
        purpose: pledge.purpose,
        city: { id: pledge.cityId },
        protocolCooperative: { id: pledge.protocolCooperativeId },
        application: { id: pledge.applicationId },
      },
      null,
      null,
      null,
    ]);
  });

  it('costs the same number of SQL statements for 10 cities as for 1', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on City { leagues { id } pledges { id } } } }`;
    const representations = cities.slice(0, 10).map((city) => ({ __typename: 'City', id: city.id }));
    expect(representations).toHaveLength(10);

    const before = await sg.sqlStatements();
    await data(query, { r: representations.slice(0, 1) });
    const afterOne = await sg.sqlStatements();
    await data(query, { r: representations });
    const afterTen = await sg.sqlStatements();

    expect(afterOne - before).toBeGreaterThan(0);
    expect(afterTen - afterOne).toBe(afterOne - before);
  });
});
