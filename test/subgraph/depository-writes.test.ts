/**
 * The depository subgraph's writes over HTTP, on a fresh seeded SQLite copy (and on
 * PostgreSQL when TEST_DATABASE_URL answers): `publishRelease`, `proposeAdaptation`,
 * `adoptAdaptation` and `setAdaptationStatus` each succeed for the right role and scope and
 * show up in the read fields; every other caller is refused, every rule of the input is
 * enforced naming the field at fault, and a refused write changes nothing.
 * Expected values come from the seed data or the database, never written out by hand.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lib/auth.js';
import { addDays, toDay } from '../../lib/dates.js';
import { adaptations, applications } from '../../seeds/data/applications.js';
import { cities } from '../../seeds/data/cities.js';
import { openCooperatives } from '../../seeds/data/open-cooperatives.js';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import type { AdaptationSeed, AdaptationStatus } from '../../seeds/data/types.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import type { AdaptationRow, ReleaseRow } from '../../subgraphs/depository/db/tables.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { refusalChecks } from '../refusals.js';
import { bearer, dataOf, ids, startTestSubgraph, TEST_SEED, type TestSubgraph } from '../harness.js';

type Headers = Record<string, string>;

const PUBLISH_RELEASE = `mutation($input: PublishReleaseInput!) { publishRelease(input: $input) { release {
  id version releasedOn notes application { id }
} } }`;
const ADAPTATION_FIELDS =
  'id title description status createdOn illustrative application { id } city { id } adoptedBy { id }';
const PROPOSE_ADAPTATION = `mutation($input: ProposeAdaptationInput!) {
  proposeAdaptation(input: $input) { adaptation { ${ADAPTATION_FIELDS} } }
}`;
const ADOPT_ADAPTATION = `mutation($input: AdoptAdaptationInput!) {
  adoptAdaptation(input: $input) { newlyAdopted adaptation { ${ADAPTATION_FIELDS} } }
}`;
const SET_ADAPTATION_STATUS = `mutation($input: SetAdaptationStatusInput!) {
  setAdaptationStatus(input: $input) { previousStatus adaptation { ${ADAPTATION_FIELDS} } }
}`;

/** Tables a depository write may touch, each with the columns that order it. */
const TABLES: Record<string, string[]> = {
  releases: ['id'],
  adaptations: ['id'],
  adaptation_adoptions: ['adaptation_id', 'city_id'],
};

const byStatus = (status: AdaptationStatus): AdaptationSeed => adaptations.find((a) => a.status === status)!;
const coopOf = (appId: string) =>
  (platformCooperatives.find((c) => c.applicationId === appId) ?? platformCooperatives[0]!).id;
const otherApp = (appId: string) => applications.find((a) => a.id !== appId)!.id;
const otherCity = (cityId: string) => cities.find((c) => c.id !== cityId)!.id;

/** Real scopes of every role, chosen to tempt: objects close to the application `appId` and city `cityId`. */
const temptingScopes = (appId: string, cityId: string): Record<Role, string> => ({
  'city-admin': cityId,
  'coop-operator': coopOf(appId),
  'production-operator': openCooperatives[0]!.id,
  'depository-maintainer': appId,
});

const { snapshot, expectRefused, expectOnlyAllowed } = refusalChecks(TABLES);

/** An adaptation as `ADAPTATION_FIELDS` should show it, from its stored row and adopters. */
async function adaptationAsStored(db: Knex, id: string) {
  const row = await db<AdaptationRow>('adaptations').where('id', id).first();
  const adopters = await db('adaptation_adoptions').where('adaptation_id', id).orderBy('city_id').pluck('city_id');
  return {
    id: row!.id,
    title: row!.title,
    description: row!.description,
    status: row!.status,
    createdOn: row!.created_on,
    illustrative: Boolean(row!.illustrative),
    application: { id: row!.application_id },
    city: { id: row!.city_id },
    adoptedBy: adopters.map((cityId: string) => ({ id: cityId })),
  };
}

/** [field, input overrides, expected code]; the token is always the right one for the input. */
type Rejection = [string, Record<string, unknown>, string];

const pgUnavailable = await postgresUnavailable();
const ENGINES = pgUnavailable ? ['sqlite'] : ['sqlite', 'postgres'];

describe.each(ENGINES)('depository writes on %s', (engine) => {
  let sg: TestSubgraph;
  const database = postgresDatabase('depository', 'depositorywrites');

  beforeAll(async () => {
    if (engine === 'postgres') {
      await dropSchema(database);
      await prepareDatabase('depository', database, { seed: TEST_SEED });
      sg = await startTestSubgraph('depository', { database });
    } else {
      sg = await startTestSubgraph('depository');
    }
  });

  afterAll(async () => {
    await sg?.stop();
    if (engine === 'postgres') await dropSchema(database);
  });

  describe('publishRelease', () => {
    const app = applications.find((a) => a.releases.length > 0 && a.stewardId !== null)!;
    const today = () => toDay(new Date());
    const validInput = (overrides: Record<string, unknown> = {}) => ({
      applicationId: app.id,
      version: '90.0.0',
      releasedOn: today(),
      notes: 'Illustrative release published by the write tests.',
      ...overrides,
    });
    const publish = async (input: Record<string, unknown>) =>
      sg.query(PUBLISH_RELEASE, { input }, await bearer('depository-maintainer', String(input.applicationId)));

    /** Release ids of an application in the order `releases` promises: newest first, then id descending. */
    const storedReleaseIds = async (appId: string) =>
      (
        await sg
          .db<ReleaseRow>('releases')
          .where('application_id', appId)
          .orderBy([
            { column: 'released_on', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
      ).map((row) => row.id);

    it('refuses every caller but a depository-maintainer of the application, and changes nothing', async () => {
      const input = validInput({ version: '91.0.0' });
      const scopes = temptingScopes(otherApp(app.id), adaptations.find((a) => a.applicationId === app.id)!.cityId);
      const result = await expectOnlyAllowed(
        sg,
        { query: PUBLISH_RELEASE, variables: { input } },
        'depository-maintainer',
        app.id,
        scopes,
      );
      expect(result.publishRelease.release.id).toBe(`${app.id}@${input.version}`);
    });

    it('publishes a release, visible in the application’s releases, latestRelease and _entities', async () => {
      expect(app.releases.map((r) => r.version)).not.toContain(validInput().version);
      const before = await snapshot(sg.db);
      const input = validInput({ notes: `  ${validInput().notes}\n` });
      const { release } = dataOf(await publish(input)).publishRelease;
      expect(release).toEqual({
        id: `${app.id}@${input.version}`,
        version: input.version,
        releasedOn: input.releasedOn,
        notes: input.notes.trim(),
        application: { id: app.id },
      });
      expect((await snapshot(sg.db)).releases).toHaveLength(before.releases!.length + 1);

      const read = dataOf(
        await sg.query(
          `query($id: ID!, $r: [_Any!]!) {
            application(id: $id) { releases { id } latestRelease { id } }
            _entities(representations: $r) { ... on Release { id version releasedOn notes application { id } } }
          }`,
          { id: app.id, r: [{ __typename: 'Release', id: release.id }] },
        ),
      );
      const expected = await storedReleaseIds(app.id);
      expect(read.application.releases.map((r: { id: string }) => r.id)).toEqual(expected);
      expect(read.application.latestRelease).toEqual({ id: expected[0] });
      expect(expected).toContain(release.id);
      expect(read._entities).toEqual([release]);
    });

    it('accepts every version form the seeds use, and the bounds of every rule', async () => {
      const target = applications.find((a) => a.id !== app.id)!;
      const seedVersions = [...new Set(applications.flatMap((a) => a.releases.map((r) => r.version)))];
      const fresh = seedVersions.filter((v) => !target.releases.some((r) => r.version === v));
      expect(fresh.length).toBeGreaterThan(3);
      const accepted: Record<string, unknown>[] = [
        ...fresh.map((version) => ({ version })),
        { version: '3.0.0-rc.1+build.5' },
        { version: '1.2.3.4' },
        { version: `1.0.0-${'a'.repeat(26)}` },
        { version: '92.0.0', releasedOn: '2000-01-01' },
        { version: '93.0.0', notes: 'x'.repeat(5000) },
        { version: '94.0.0', notes: 'First line\n\tsecond line' },
      ];
      for (const overrides of accepted) {
        const input = validInput({ applicationId: target.id, ...overrides });
        const { release } = dataOf(await publish(input)).publishRelease;
        const stored = await sg.db<ReleaseRow>('releases').where('id', release.id).first();
        expect(stored, JSON.stringify(overrides)).toEqual({
          id: `${target.id}@${input.version}`,
          application_id: target.id,
          version: input.version,
          released_on: input.releasedOn,
          notes: String(input.notes).trim(),
        });
      }
    });

    it('refuses a version the application already has', async () => {
      const headers = await bearer('depository-maintainer', app.id);
      for (const version of [app.releases[0]!.version, validInput().version]) {
        const variables = { input: validInput({ version }) };
        await expectRefused(sg, {
          label: version,
          query: PUBLISH_RELEASE,
          variables,
          headers,
          code: 'BAD_USER_INPUT',
          field: 'input.version',
        });
      }
    });

    const rejected: Rejection[] = [
      ['input.applicationId', { applicationId: app.id.toUpperCase() }, 'BAD_USER_INPUT'],
      ['input.applicationId', { applicationId: 'a'.repeat(65) }, 'BAD_USER_INPUT'],
      ['input.applicationId', { applicationId: 'no-such-application' }, 'NOT_FOUND'],
      ['input.version', { version: '' }, 'BAD_USER_INPUT'],
      ['input.version', { version: 'one' }, 'BAD_USER_INPUT'],
      ['input.version', { version: '1.0.0 beta' }, 'BAD_USER_INPUT'],
      ['input.version', { version: '1..0' }, 'BAD_USER_INPUT'],
      ['input.version', { version: 'V1.0.0' }, 'BAD_USER_INPUT'],
      ['input.version', { version: '1.2.3.4.5' }, 'BAD_USER_INPUT'],
      ['input.version', { version: '1.0.0-' }, 'BAD_USER_INPUT'],
      ['input.version', { version: '../1.0.0' }, 'BAD_USER_INPUT'],
      ['input.version', { version: `1.0.0-${'a'.repeat(27)}` }, 'BAD_USER_INPUT'],
      ['input.releasedOn', { releasedOn: '1999-12-31' }, 'BAD_USER_INPUT'],
      ['input.releasedOn', { releasedOn: addDays(toDay(new Date()), 2) }, 'BAD_USER_INPUT'],
      ['input.releasedOn', { releasedOn: '2024-02-30' }, 'BAD_USER_INPUT'],
      ['input.releasedOn', { releasedOn: '24/05/2024' }, 'BAD_USER_INPUT'],
      ['input.notes', { notes: '' }, 'BAD_USER_INPUT'],
      ['input.notes', { notes: '  \n ' }, 'BAD_USER_INPUT'],
      ['input.notes', { notes: 'x'.repeat(5001) }, 'BAD_USER_INPUT'],
      ['input.notes', { notes: 'bell \u0007' }, 'BAD_USER_INPUT'],
      ['input.notes', { notes: 'nul \u0000' }, 'BAD_USER_INPUT'],
    ];

    it.each(rejected)('rejects a bad %s (%j) with %s naming the field', async (field, overrides, code) => {
      const input = validInput({ version: '95.0.0', ...overrides });
      const headers = await bearer('depository-maintainer', String(input.applicationId));
      await expectRefused(sg, { label: field, query: PUBLISH_RELEASE, variables: { input }, headers, code, field });
    });
  });

  describe('proposeAdaptation', () => {
    const app = applications[1]!;
    const city = cities.find((c) => !adaptations.some((a) => a.cityId === c.id && a.applicationId === app.id))!;
    const validInput = (overrides: Record<string, unknown> = {}) => ({
      applicationId: app.id,
      cityId: city.id,
      title: 'Winter opening hours',
      description: 'Shorter opening hours from November to February, set by the city (test adaptation).',
      ...overrides,
    });
    const propose = async (input: Record<string, unknown>) =>
      sg.query(PROPOSE_ADAPTATION, { input }, await bearer('city-admin', String(input.cityId)));

    it('refuses every caller but a city-admin of input.cityId, and changes nothing', async () => {
      await expectOnlyAllowed(
        sg,
        { query: PROPOSE_ADAPTATION, variables: { input: validInput({ title: 'Refusal check' }) } },
        'city-admin',
        city.id,
        temptingScopes(app.id, otherCity(city.id)),
      );
    });

    it('publishes a LOCAL adaptation dated today, visible from its application, its city and by id', async () => {
      const before = await snapshot(sg.db);
      const dayBefore = toDay(new Date());
      const input = validInput({ title: `  ${validInput().title} `, description: `${validInput().description}\n` });
      const { adaptation } = dataOf(await propose(input)).proposeAdaptation;
      const dayAfter = toDay(new Date());

      expect(adaptation).toEqual(await adaptationAsStored(sg.db, adaptation.id));
      expect(adaptation).toMatchObject({
        title: input.title.trim(),
        description: input.description.trim(),
        status: 'LOCAL',
        illustrative: false,
        application: { id: app.id },
        city: { id: city.id },
        adoptedBy: [],
      });
      expect([dayBefore, dayAfter]).toContain(adaptation.createdOn);
      expect(adaptation.id.startsWith(`${city.id}-${app.id}-`)).toBe(true);
      expect(adaptation.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect((await snapshot(sg.db)).adaptations).toHaveLength(before.adaptations!.length + 1);

      const read = dataOf(
        await sg.query(
          `query($id: ID!, $app: ID!, $r: [_Any!]!) {
            adaptation(id: $id) { ${ADAPTATION_FIELDS} }
            application(id: $app) { adaptations { id } }
            _entities(representations: $r) { ... on City { adaptations { id } } }
          }`,
          { id: adaptation.id, app: app.id, r: [{ __typename: 'City', id: city.id }] },
        ),
      );
      expect(read.adaptation).toEqual(adaptation);
      const ofApp = await sg.db('adaptations').where('application_id', app.id).orderBy('id').pluck('id');
      const ofCity = await sg.db('adaptations').where('city_id', city.id).orderBy('id').pluck('id');
      expect(read.application.adaptations.map((a: { id: string }) => a.id)).toEqual(ofApp);
      expect(read._entities[0].adaptations.map((a: { id: string }) => a.id)).toEqual(ofCity);
      expect(ofApp).toContain(adaptation.id);
    });

    it('gives every adaptation its own slug id of at most 64 characters', async () => {
      const titles = ['Zône à faibles émissions', 'Zône à faibles émissions', '서울 환승 할인', 'É'.repeat(200)];
      const made: string[] = [];
      for (const title of titles) {
        const { adaptation } = dataOf(await propose(validInput({ title }))).proposeAdaptation;
        expect(adaptation.title).toBe(title);
        expect(adaptation.id.length).toBeLessThanOrEqual(64);
        expect(adaptation.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        made.push(adaptation.id);
      }
      expect(new Set(made).size).toBe(titles.length);
    });

    const rejected: Rejection[] = [
      ['input.applicationId', { applicationId: '' }, 'BAD_USER_INPUT'],
      ['input.applicationId', { applicationId: app.id.toUpperCase() }, 'BAD_USER_INPUT'],
      ['input.applicationId', { applicationId: 'a'.repeat(65) }, 'BAD_USER_INPUT'],
      ['input.applicationId', { applicationId: 'no-such-application' }, 'NOT_FOUND'],
      ['input.cityId', { cityId: city.id.toUpperCase() }, 'BAD_USER_INPUT'],
      ['input.cityId', { cityId: `${city.id} ` }, 'BAD_USER_INPUT'],
      ['input.cityId', { cityId: 'a'.repeat(65) }, 'BAD_USER_INPUT'],
      ['input.title', { title: '' }, 'BAD_USER_INPUT'],
      ['input.title', { title: '   ' }, 'BAD_USER_INPUT'],
      ['input.title', { title: 'x'.repeat(201) }, 'BAD_USER_INPUT'],
      ['input.title', { title: 'tab\u000bvertical' }, 'BAD_USER_INPUT'],
      ['input.description', { description: '' }, 'BAD_USER_INPUT'],
      ['input.description', { description: 'x'.repeat(5001) }, 'BAD_USER_INPUT'],
      ['input.description', { description: 'nul \u0000' }, 'BAD_USER_INPUT'],
    ];

    it.each(rejected)('rejects a bad %s (%j) with %s naming the field', async (field, overrides, code) => {
      const input = validInput(overrides);
      const headers = await bearer('city-admin', String(input.cityId));
      await expectRefused(sg, { label: field, query: PROPOSE_ADAPTATION, variables: { input }, headers, code, field });
    });
  });

  describe('adoptAdaptation', () => {
    const adaptation = adaptations.find((a) => a.adoptedByCityIds.length > 0)!;
    const [adopter, firstAdopter] = cities.filter(
      (c) => c.id !== adaptation.cityId && !adaptation.adoptedByCityIds.includes(c.id),
    );
    const adopt = async (input: { adaptationId: string; cityId: string }) =>
      sg.query(ADOPT_ADAPTATION, { input }, await bearer('city-admin', input.cityId));

    it('refuses every caller but a city-admin of input.cityId, and changes nothing', async () => {
      const input = { adaptationId: adaptation.id, cityId: firstAdopter!.id };
      const result = await expectOnlyAllowed(
        sg,
        { query: ADOPT_ADAPTATION, variables: { input } },
        'city-admin',
        input.cityId,
        temptingScopes(adaptation.applicationId, adaptation.cityId),
      );
      expect(result.adoptAdaptation.newlyAdopted).toBe(true);
    });

    it('records an adoption, visible in adoptedBy and the city’s adoptedAdaptations', async () => {
      const before = await snapshot(sg.db);
      const input = { adaptationId: adaptation.id, cityId: adopter!.id };
      const result = dataOf(await adopt(input)).adoptAdaptation;
      expect(result.newlyAdopted).toBe(true);
      expect(result.adaptation).toEqual(await adaptationAsStored(sg.db, adaptation.id));
      expect(ids(result.adaptation.adoptedBy)).toEqual(
        [...adaptation.adoptedByCityIds, adopter!.id, firstAdopter!.id].sort(),
      );
      expect((await snapshot(sg.db)).adaptation_adoptions).toHaveLength(before.adaptation_adoptions!.length + 1);

      const read = dataOf(
        await sg.query(
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on City { adoptedAdaptations { id } } } }`,
          { r: [{ __typename: 'City', id: adopter!.id }] },
        ),
      );
      const adopted = await sg.db('adaptation_adoptions').where('city_id', adopter!.id).orderBy('adaptation_id');
      expect(read._entities[0].adoptedAdaptations).toEqual(adopted.map((row) => ({ id: row.adaptation_id })));
      expect(ids(read._entities[0].adoptedAdaptations)).toContain(adaptation.id);
    });

    it('is idempotent: adopting again succeeds, says so, and adds no row', async () => {
      const before = await snapshot(sg.db);
      const result = dataOf(await adopt({ adaptationId: adaptation.id, cityId: adopter!.id })).adoptAdaptation;
      expect(result.newlyAdopted).toBe(false);
      expect(result.adaptation).toEqual(await adaptationAsStored(sg.db, adaptation.id));
      expect(await snapshot(sg.db)).toEqual(before);
    });

    const rejected: Rejection[] = [
      ['input.adaptationId', { cityId: adaptation.cityId }, 'BAD_USER_INPUT'],
      ['input.adaptationId', { adaptationId: 'no-such-adaptation' }, 'NOT_FOUND'],
      ['input.adaptationId', { adaptationId: adaptation.id.toUpperCase() }, 'BAD_USER_INPUT'],
      ['input.adaptationId', { adaptationId: "x'; drop table adaptations; --" }, 'BAD_USER_INPUT'],
      ['input.adaptationId', { adaptationId: 'a'.repeat(65) }, 'BAD_USER_INPUT'],
      ['input.cityId', { cityId: 'Gent' }, 'BAD_USER_INPUT'],
      ['input.cityId', { cityId: '' }, 'BAD_USER_INPUT'],
    ];

    it.each(rejected)('rejects a bad %s (%j) with %s naming the field', async (field, overrides, code) => {
      const input = { adaptationId: adaptation.id, cityId: adopter!.id, ...overrides };
      const headers = await bearer('city-admin', input.cityId);
      await expectRefused(sg, { label: field, query: ADOPT_ADAPTATION, variables: { input }, headers, code, field });
    });
  });

  describe('setAdaptationStatus', () => {
    interface Move {
      adaptation: AdaptationSeed;
      to: AdaptationStatus;
      role: Role;
      scope: string;
      /** Real scopes of every role that must not be enough: the other party's among them. */
      others: Record<Role, string>;
    }
    const local = byStatus('LOCAL');
    const proposed = byStatus('PROPOSED_UPSTREAM');
    const merged = byStatus('MERGED_UPSTREAM');
    /** The moves there are, each with the one caller who may make it. */
    const moves: Move[] = [
      {
        adaptation: local,
        to: 'PROPOSED_UPSTREAM',
        role: 'city-admin',
        scope: local.cityId,
        others: temptingScopes(local.applicationId, otherCity(local.cityId)),
      },
      {
        adaptation: proposed,
        to: 'MERGED_UPSTREAM',
        role: 'depository-maintainer',
        scope: proposed.applicationId,
        others: temptingScopes(otherApp(proposed.applicationId), proposed.cityId),
      },
      {
        adaptation: merged,
        to: 'PROPOSED_UPSTREAM',
        role: 'depository-maintainer',
        scope: merged.applicationId,
        others: temptingScopes(otherApp(merged.applicationId), merged.cityId),
      },
    ];

    it.each(moves.map((move) => [`${move.adaptation.status} → ${move.to}`, move.role, move] as const))(
      'moves %s for a %s only, visible through the read fields',
      async (_, role, move) => {
        const input = { adaptationId: move.adaptation.id, status: move.to };
        const result = await expectOnlyAllowed(
          sg,
          { query: SET_ADAPTATION_STATUS, variables: { input } },
          role,
          move.scope,
          move.others,
        );
        expect(result.setAdaptationStatus.previousStatus).toBe(move.adaptation.status);
        expect(result.setAdaptationStatus.adaptation).toEqual(await adaptationAsStored(sg.db, move.adaptation.id));
        expect(result.setAdaptationStatus.adaptation.status).toBe(move.to);

        const read = dataOf(
          await sg.query(
            `query($id: ID!, $app: ID!) { adaptation(id: $id) { status } application(id: $app) { adaptations { id status } } }`,
            { id: move.adaptation.id, app: move.adaptation.applicationId },
          ),
        );
        expect(read.adaptation.status).toBe(move.to);
        expect(read.application.adaptations).toContainEqual({ id: move.adaptation.id, status: move.to });
      },
    );

    /** [from, to]: moves there are not, each asked by the caller who answers for it. */
    const refusedMoves: [AdaptationStatus, AdaptationStatus][] = [
      ['LOCAL', 'MERGED_UPSTREAM'],
      ['LOCAL', 'LOCAL'],
      ['PROPOSED_UPSTREAM', 'LOCAL'],
      ['PROPOSED_UPSTREAM', 'PROPOSED_UPSTREAM'],
      ['MERGED_UPSTREAM', 'LOCAL'],
      ['MERGED_UPSTREAM', 'MERGED_UPSTREAM'],
    ];

    it.each(refusedMoves)('refuses the move %s → %s with BAD_USER_INPUT on input.status', async (from, to) => {
      const stored = await sg.db<AdaptationRow>('adaptations').where('status', from).orderBy('id').first();
      expect(stored, `an adaptation with status ${from}`).toBeDefined();
      // Moves into or out of MERGED_UPSTREAM are the maintainer's to ask for; others the city's.
      const maintainer = from === 'MERGED_UPSTREAM' || to === 'MERGED_UPSTREAM';
      const headers = maintainer
        ? await bearer('depository-maintainer', stored!.application_id)
        : await bearer('city-admin', stored!.city_id);
      await expectRefused(sg, {
        label: `${from} → ${to}`,
        query: SET_ADAPTATION_STATUS,
        variables: { input: { adaptationId: stored!.id, status: to } },
        headers,
        code: 'BAD_USER_INPUT',
        field: 'input.status',
      });
    });

    it('looks the adaptation up only for a caller with a token, and names a missing or malformed id', async () => {
      const cases: [string, Headers, string, string | undefined][] = [
        ['no-such-adaptation', {}, 'UNAUTHENTICATED', undefined],
        ['no-such-adaptation', await bearer('city-admin', cities[0]!.id), 'NOT_FOUND', 'input.adaptationId'],
        ['Not An Id', await bearer('city-admin', cities[0]!.id), 'BAD_USER_INPUT', 'input.adaptationId'],
        [
          'a'.repeat(65),
          await bearer('depository-maintainer', applications[0]!.id),
          'BAD_USER_INPUT',
          'input.adaptationId',
        ],
      ];
      for (const [adaptationId, headers, code, field] of cases) {
        const variables = { input: { adaptationId, status: 'PROPOSED_UPSTREAM' } };
        await expectRefused(sg, { label: adaptationId, query: SET_ADAPTATION_STATUS, variables, headers, code, field });
      }
      await expectRefused(sg, {
        label: 'unknown status',
        query: SET_ADAPTATION_STATUS,
        variables: { input: { adaptationId: byStatus('LOCAL').id, status: 'ACCEPTED' } },
        headers: await bearer('city-admin', byStatus('LOCAL').cityId),
        code: 'BAD_USER_INPUT',
        field: 'input.status',
      });
    });
  });

  it('shows each write to the later mutations of the same request', async () => {
    const stored = await sg.db<AdaptationRow>('adaptations').where('status', 'PROPOSED_UPSTREAM').orderBy('id').first();
    const fields = 'previousStatus adaptation { status application { adaptations { id status } } }';
    const response = dataOf(
      await sg.query(
        `mutation($merge: SetAdaptationStatusInput!, $back: SetAdaptationStatusInput!) {
          merge: setAdaptationStatus(input: $merge) { ${fields} }
          back: setAdaptationStatus(input: $back) { ${fields} }
        }`,
        {
          merge: { adaptationId: stored!.id, status: 'MERGED_UPSTREAM' },
          back: { adaptationId: stored!.id, status: 'PROPOSED_UPSTREAM' },
        },
        await bearer('depository-maintainer', stored!.application_id),
      ),
    );
    const statusIn = (result: any) =>
      result.adaptation.application.adaptations.find((a: { id: string }) => a.id === stored!.id).status;
    expect(response.merge.previousStatus).toBe('PROPOSED_UPSTREAM');
    expect(statusIn(response.merge)).toBe('MERGED_UPSTREAM');
    expect(response.back.previousStatus).toBe('MERGED_UPSTREAM');
    expect(statusIn(response.back)).toBe('PROPOSED_UPSTREAM');

    const adopter = cities.find((c) => c.id !== stored!.city_id)!;
    const adopted = dataOf(
      await sg.query(
        `mutation($input: AdoptAdaptationInput!) {
          first: adoptAdaptation(input: $input) { newlyAdopted adaptation { adoptedBy { id } } }
          again: adoptAdaptation(input: $input) { newlyAdopted adaptation { adoptedBy { id } } }
        }`,
        { input: { adaptationId: stored!.id, cityId: adopter.id } },
        await bearer('city-admin', adopter.id),
      ),
    );
    expect(adopted.again.newlyAdopted).toBe(false);
    expect(ids(adopted.first.adaptation.adoptedBy)).toContain(adopter.id);
    expect(adopted.again.adaptation.adoptedBy).toEqual(adopted.first.adaptation.adoptedBy);
  });
});
