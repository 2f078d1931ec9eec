/**
 * The depository subgraph over HTTP on a fresh migrated and seeded SQLite file: lookups,
 * the applications connection, releases, adaptations, `_entities` and batching.
 * Every expected value is computed from the seed data, never written out by hand.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { adaptations, applications } from '../../seeds/data/applications.js';
import { cities } from '../../seeds/data/cities.js';
import { protocolCooperatives } from '../../seeds/data/protocol-cooperatives.js';
import type { AdaptationSeed, ApplicationSeed } from '../../seeds/data/types.js';
import { dataOf, ids, startTestSubgraph, type TestSubgraph } from '../harness.js';

let sg: TestSubgraph;

beforeAll(async () => {
  sg = await startTestSubgraph('depository');
});

afterAll(async () => {
  await sg?.stop();
});

/** Runs an operation that must succeed and returns its data. */
const data = async (query: string, variables?: Record<string, unknown>) => dataOf(await sg.query(query, variables));
const releasesNewestFirst = (app: ApplicationSeed) =>
  [...app.releases].sort((a, b) => b.releasedOn.localeCompare(a.releasedOn));
const adoptedBy = (cityId: string): AdaptationSeed[] => adaptations.filter((a) => a.adoptedByCityIds.includes(cityId));
const madeBy = (cityId: string): AdaptationSeed[] => adaptations.filter((a) => a.cityId === cityId);

describe('lookups by id', () => {
  it('returns an application with every scalar field and its steward', async () => {
    const app = applications.find((a) => a.stewardId !== null && a.repositoryUrl !== null)!;
    const { application } = await data(
      `query($id: ID!) { application(id: $id) {
        id name summary domain license repositoryUrl website foundedYear illustrative steward { id }
      } }`,
      { id: app.id },
    );
    expect(application).toEqual({
      id: app.id,
      name: app.name,
      summary: app.summary,
      domain: app.domain,
      license: app.license,
      repositoryUrl: app.repositoryUrl,
      website: app.website,
      foundedYear: app.foundedYear,
      illustrative: app.illustrative,
      steward: { id: app.stewardId },
    });
  });

  it('returns an adaptation with its application, city and adopters', async () => {
    const adaptation = adaptations.find((a) => a.adoptedByCityIds.length > 1)!;
    const result = await data(
      `query($id: ID!) { adaptation(id: $id) {
        id title description status createdOn application { id name } city { id } adoptedBy { id }
      } }`,
      { id: adaptation.id },
    );
    const application = applications.find((a) => a.id === adaptation.applicationId)!;
    expect(result.adaptation).toEqual({
      id: adaptation.id,
      title: adaptation.title,
      description: adaptation.description,
      status: adaptation.status,
      createdOn: adaptation.createdOn,
      application: { id: application.id, name: application.name },
      city: { id: adaptation.cityId },
      adoptedBy: [...adaptation.adoptedByCityIds].sort().map((id) => ({ id })),
    });
  });

  it('returns null for unknown ids', async () => {
    const result = await data(`{ application(id: "no-such-app") { id } adaptation(id: "no-such-adaptation") { id } }`);
    expect(result).toEqual({ application: null, adaptation: null });
  });
});

describe('applications connection', () => {
  const query = `query($domain: ProvisioningDomain, $first: Int, $after: String) {
    applications(domain: $domain, first: $first, after: $after) {
      edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } totalCount
    }
  }`;

  it('pages through every application in id order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages <= applications.length; pages++) {
      const { applications: page } = await data(query, { first: 2, after });
      expect(page.totalCount).toBe(applications.length);
      expect(page.edges.map((edge: any) => edge.node.id)).toEqual(page.nodes.map((node: any) => node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      seen.push(...page.nodes.map((node: any) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids(applications));
  });

  it('filters by domain, totalCount included', async () => {
    const domain = 'HOUSING';
    const expected = ids(applications.filter((a) => a.domain === domain));
    expect(expected.length).toBeGreaterThan(1);
    const { applications: page } = await data(query, { domain, first: 100 });
    expect(page.nodes.map((node: any) => node.id)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it.each([-1, 1000])('rejects first: %i with an error naming "first"', async (first) => {
    const response = await sg.query(query, { first });
    expect(response.errors?.[0]?.message).toContain('first');
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('releases', () => {
  it('lists releases newest first, latestRelease being the newest', async () => {
    const { applications: page } = await data(`{
      applications(first: 100) { nodes { id releases { id version releasedOn notes application { id } } latestRelease { id } } }
    }`);
    expect(page.nodes).toHaveLength(applications.length);
    for (const node of page.nodes) {
      const app = applications.find((a) => a.id === node.id)!;
      const expected = releasesNewestFirst(app).map((r) => ({
        id: `${app.id}@${r.version}`,
        version: r.version,
        releasedOn: r.releasedOn,
        notes: r.notes,
        application: { id: app.id },
      }));
      expect(node.releases).toEqual(expected);
      expect(node.latestRelease).toEqual(expected[0] ? { id: expected[0].id } : null);
    }
  });
});

describe('adaptations and adoptions', () => {
  it('lists the adaptations of every application, ordered by id', async () => {
    const { applications: page } = await data(`{ applications(first: 100) { nodes { id adaptations { id } } } }`);
    for (const node of page.nodes) {
      expect(node.adaptations.map((a: any) => a.id)).toEqual(
        ids(adaptations.filter((a) => a.applicationId === node.id)),
      );
    }
  });
});

describe('_entities', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on City { id adaptations { id } adoptedAdaptations { id } }
    ... on ProtocolCooperative { id applications { id } }
    ... on CommonsApplication { id name }
    ... on LocalAdaptation { id title }
    ... on Release { id version }
  } }`;

  it('resolves the adaptations each city made and adopted', async () => {
    const cityIds = cities.map((city) => city.id);
    const result = await data(entities, { r: cityIds.map((id) => ({ __typename: 'City', id })) });
    expect(result._entities).toEqual(
      cityIds.map((id) => ({
        id,
        adaptations: ids(madeBy(id)).map((aid) => ({ id: aid })),
        adoptedAdaptations: ids(adoptedBy(id)).map((aid) => ({ id: aid })),
      })),
    );
    expect(result._entities.some((city: any) => city.adoptedAdaptations.length > 0)).toBe(true);
  });

  it('resolves the applications each protocol cooperative stewards', async () => {
    const coopIds = protocolCooperatives.map((coop) => coop.id);
    const result = await data(entities, { r: coopIds.map((id) => ({ __typename: 'ProtocolCooperative', id })) });
    expect(result._entities).toEqual(
      coopIds.map((id) => ({
        id,
        applications: ids(applications.filter((a) => a.stewardId === id)).map((aid) => ({ id: aid })),
      })),
    );
  });

  it('resolves owned entities by key, null for unknown keys', async () => {
    const app = applications[0]!;
    const adaptation = adaptations[0]!;
    const release = app.releases[0]!;
    const result = await data(entities, {
      r: [
        { __typename: 'CommonsApplication', id: app.id },
        { __typename: 'LocalAdaptation', id: adaptation.id },
        { __typename: 'Release', id: `${app.id}@${release.version}` },
        { __typename: 'CommonsApplication', id: 'no-such-app' },
        { __typename: 'LocalAdaptation', id: 'no-such-adaptation' },
      ],
    });
    expect(result._entities).toEqual([
      { id: app.id, name: app.name },
      { id: adaptation.id, title: adaptation.title },
      { id: `${app.id}@${release.version}`, version: release.version },
      null,
      null,
    ]);
  });

  it('costs the same number of SQL statements for 10 cities as for 1', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on City { adaptations { id } } } }`;
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

describe('users and funders from publiccode.yml', () => {
  const USERS = `{ applications(first: 100) { nodes { id usedBy { id } fundedBy { id } } } }`;

  it('lists the cities and protocol cooperatives stored for each application, in one query each for the whole list', async () => {
    // Rows as the publiccode.yml importer stores them: two applications, each with its own sets.
    const [first, second] = applications;
    const users = [
      { application_id: first!.id, city_id: cities[2]!.id },
      { application_id: first!.id, city_id: cities[0]!.id },
      { application_id: second!.id, city_id: cities[1]!.id },
    ];
    const funders = [{ application_id: second!.id, protocol_cooperative_id: protocolCooperatives[0]!.id }];
    await sg.db('application_users').insert(users);
    await sg.db('application_funders').insert(funders);
    try {
      const before = await sg.sqlStatements();
      const { applications: page } = await data(USERS);
      const statements = (await sg.sqlStatements()) - before;

      for (const node of page.nodes) {
        const expectedUsers = users.filter((u) => u.application_id === node.id).map((u) => ({ id: u.city_id }));
        const expectedFunders = funders
          .filter((f) => f.application_id === node.id)
          .map((f) => ({ id: f.protocol_cooperative_id }));
        expect(node.usedBy).toEqual(expectedUsers.sort((a, b) => a.id.localeCompare(b.id)));
        expect(node.fundedBy).toEqual(expectedFunders);
      }
      expect(page.nodes.length).toBe(applications.length);
      // The page and its count, then one batch for users and one for funders, whatever the page size.
      expect(statements).toBe(4);
    } finally {
      await sg.db('application_users').delete();
      await sg.db('application_funders').delete();
    }
  });
});
