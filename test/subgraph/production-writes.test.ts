/**
 * The production subgraph's write, `recordProductionRun`, over HTTP on a fresh seeded SQLite
 * copy (and on PostgreSQL too when TEST_DATABASE_URL answers, since the write must be portable
 * knex): the one caller allowed (a production operator of the run's co-op) records a run that
 * every read then reflects; every other caller and every invalid input is refused with a
 * stable code naming the cause, and changes nothing. Expected figures are recomputed from the
 * raw rows, read with knex, never written out by hand. The run's city, platform co-op and assets
 * are checked with their owners, so the real league and coop subgraphs run beside it (on SQLite
 * copies in both legs: the engine under test is production's). A recorded run counts nowhere
 * until the city and the assets' co-op confirm it (test/e2e/consent.test.ts covers the consent
 * mutations through the gateway).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, ROLES } from '../../lib/auth.js';
import type { DatabaseConfig } from '../../lib/config.js';
import { addDays, toDay } from '../../lib/dates.js';
import { migrateToLatest, openDatabase } from '../../lib/db.js';
import { migrations } from '../../subgraphs/production/db/migrations/index.js';
import { dropSchema, postgresDatabase, seededEngines } from '../engines.js';
import { bearer, dataOf, startTestSubgraph, TEST_SEED, type GraphQLResponse, type TestSubgraph } from '../harness.js';
import type { RecordProductionRunInput } from '../../subgraphs/production/generated/resolvers.js';

const RECORD = `mutation($input: RecordProductionRunInput!) {
  recordProductionRun(input: $input) {
    run {
      id units completedOn cooperative { id } design { id } city { id } platformCooperative { id }
      electricityFactor { id } freightFactor { id } embodiedKgCO2e assets { id }
      delivery { city { id } status } assetClaims { asset { id } status }
    }
  }
}`;

const RUN = `query($id: ID!) {
  productionRun(id: $id) {
    id units completedOn cooperative { id productionRuns { id } } design { id } city { id }
    platformCooperative { id } electricityFactor { id } freightFactor { id } embodiedKgCO2e assets { id }
    delivery { city { id } status } assetClaims { asset { id } status }
  }
}`;

const CONFIRM_DELIVERY = `mutation($runId: ID!) {
  confirmDelivery(runId: $runId) { run { id delivery { status } } }
}`;

const CONFIRM_ORIGIN = `mutation($runId: ID!, $assetIds: [ID!]!) {
  confirmAssetOrigin(runId: $runId, assetIds: $assetIds) { run { id assets { id } assetClaims { asset { id } status } } }
}`;

const ASSETS = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on SharedAsset { id embodiedKgCO2e origin { id } } }
}`;

const FOOTPRINT = `query($representations: [_Any!]!, $year: Int!) {
  _entities(representations: $representations) { ... on City { id footprint(year: $year) { embodiedKgCO2e } } }
}`;

const ENGINES = await seededEngines('production', 'writes', TEST_SEED, 'the production writes');

/** What `recordProductionRun` takes, as the SDL declares it. */
type RunInput = RecordProductionRunInput;

let sg: TestSubgraph;
let league: TestSubgraph;
let coop: TestSubgraph;
let coopDb: Knex;

/** The production rows the expectations are computed from, as the seed wrote them. */
let factors: Map<string, any>;
let designs: Map<string, any>;
let bom: any[];
let builders: any[];
let runs: any[];
let runAssets: any[];

/** A valid run read off the seeded data, and assets of the right kind no run has delivered yet. */
let valid: RunInput;
let spareAssetIds: string[];
let raceAssetIds: string[];
/** An asset another platform co-op shares. */
let foreignAssetId: string;

/** The row counts a refused write must leave as they were, with how many of each are confirmed. */
async function counts(): Promise<{ runs: number; runAssets: number; confirmedRuns: number; confirmedAssets: number }> {
  const count = async (table: string, where: Record<string, string> = {}) =>
    Number((await sg.db(table).where(where).count({ n: '*' }).first())!.n);
  return {
    runs: await count('production_runs'),
    runAssets: await count('run_assets'),
    confirmedRuns: await count('production_runs', { delivery_status: 'CONFIRMED' }),
    confirmedAssets: await count('run_assets', { status: 'CONFIRMED' }),
  };
}

const factorValue = (id: string): number => factors.get(id).kg_co2e_per_unit;

/** Per-unit embodied kg CO2e, recomputed: materials + manufacturing energy + transport in tonne-km. */
function perUnit(designId: string, electricityFactorId: string, freightFactorId: string): number {
  const design = designs.get(designId);
  const lines = bom.filter((line) => line.design_id === designId);
  const materials = lines.reduce((sum, line) => sum + line.mass_kg * factorValue(line.emission_factor_id), 0);
  const massKg = lines.reduce((sum, line) => sum + line.mass_kg, 0);
  return (
    materials +
    design.manufacturing_energy_kwh * factorValue(electricityFactorId) +
    (massKg / 1000) * design.transport_km * factorValue(freightFactorId)
  );
}

const factorOf = (category: string): string => [...factors.values()].find((f) => f.category === category)!.id;

/** The city's embodied footprint for a year, through `_entities` as the gateway would ask for it. */
async function embodiedOf(cityId: string, year: number): Promise<number> {
  const representation = { __typename: 'City', id: cityId, population: 100_000, annualSharing: [] };
  const { _entities } = dataOf(await sg.query(FOOTPRINT, { representations: [representation], year }));
  return _entities[0].footprint.embodiedKgCO2e;
}

/** The valid run with some fields changed. */
const withInput = (changes: Partial<RunInput>): RunInput => ({ ...valid, ...changes });

/** An Authorization header of the one caller allowed to record `input`. */
const operatorOf = (input: RunInput) => bearer('production-operator', input.cooperativeId);

interface Refusal {
  code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND';
  /** The input field the error must name, in its message and in `extensions.argumentName`. */
  argumentName?: string;
  /** Text the message must contain when no argumentName is set (e.g. a variable coercion error). */
  mentions?: string;
}

/**
 * Sends a write that must be refused: checks the code and the field named, and that the
 * number of runs and delivered assets is the same before and after.
 */
async function expectRefused(
  input: unknown,
  headers: Record<string, string>,
  { code, argumentName, mentions }: Refusal,
): Promise<GraphQLResponse> {
  const before = await counts();
  const response = await sg.query(RECORD, { input }, headers);
  expect(response.data?.recordProductionRun ?? null).toBeNull();
  expect(response.errors, JSON.stringify(response)).toHaveLength(1);
  const [error] = response.errors!;
  expect(error!.extensions?.code, error!.message).toBe(code);
  if (argumentName) {
    expect(error!.extensions?.argumentName).toBe(argumentName);
    expect(error!.message).toContain(argumentName);
  }
  if (mentions) expect(error!.message).toContain(mentions);
  expect(await counts()).toEqual(before);
  return response;
}

describe.each(ENGINES)('on $name', (engine) => {
  beforeAll(async () => {
    [league, coop] = await Promise.all([startTestSubgraph('league'), startTestSubgraph('coop')]);
    sg = await startTestSubgraph('production', {
      database: await engine.prepare(),
      peerUrls: { league: league.url, coop: coop.url },
    });
    let factorRows: any[];
    let designRows: any[];
    [factorRows, designRows, bom, builders, runs, runAssets] = await Promise.all([
      sg.db('emission_factors').orderBy('id'),
      sg.db('open_designs').orderBy('id'),
      sg.db('bill_of_materials_lines').orderBy(['design_id', 'position']),
      sg.db('design_builders').orderBy(['cooperative_id', 'design_id']),
      sg.db('production_runs').orderBy('id'),
      sg.db('run_assets').orderBy('asset_id'),
    ]);
    factors = new Map(factorRows.map((f) => [f.id, f]));
    designs = new Map(designRows.map((d) => [d.id, d]));

    // Platform co-ops and their assets live in the coop subgraph: read its database to deliver
    // assets that exist there and have no origin yet.
    coopDb = coop.db;
    const [platformCoops, assets] = await Promise.all([
      coopDb('platform_cooperatives').orderBy('id'),
      coopDb('shared_assets').orderBy('id'),
    ]);
    const delivered = new Set(runAssets.map((row) => row.asset_id));
    const candidates = platformCoops.flatMap((platform) =>
      builders.map((builder) => ({
        platform,
        builder,
        free: assets
          .filter((a) => a.platform_cooperative_id === platform.id && !delivered.has(a.id))
          .filter((a) => a.kind === designs.get(builder.design_id).asset_kind)
          .map((a) => a.id),
        lastRun: runs
          .filter((run) => run.city_id === platform.city_id)
          .map((run) => run.completed_on)
          .sort()
          .at(-1),
      })),
    );
    // Prefer a city that already has runs, so its footprint grows from a figure that is not 0.
    const chosen =
      candidates.find((c) => c.free.length >= 8 && c.lastRun) ?? candidates.find((c) => c.free.length >= 8)!;
    valid = {
      cooperativeId: chosen.builder.cooperative_id,
      designId: chosen.builder.design_id,
      units: 3,
      completedOn: chosen.lastRun ?? '2024-06-15',
      cityId: chosen.platform.city_id,
      platformCooperativeId: chosen.platform.id,
      electricityFactorId: factorOf('ELECTRICITY'),
      freightFactorId: factorOf('FREIGHT'),
      assetIds: chosen.free.slice(0, 3),
    };
    spareAssetIds = chosen.free.slice(3, 6);
    raceAssetIds = chosen.free.slice(6, 8);
    foreignAssetId = assets.find((a) => a.platform_cooperative_id !== chosen.platform.id && !delivered.has(a.id))!.id;
  });

  afterAll(async () => {
    await Promise.all([sg?.stop(), league?.stop(), coop?.stop()]);
    await engine.cleanUp();
  });

  describe('recordProductionRun: a production operator of the co-op', () => {
    it('records the run with pending claims, which count once the city and the co-op confirm them', async () => {
      const year = Number(valid.completedOn.slice(0, 4));
      const [before, footprintBefore] = await Promise.all([counts(), embodiedOf(valid.cityId, year)]);
      const expectedEmbodied = valid.units * perUnit(valid.designId, valid.electricityFactorId, valid.freightFactorId);

      const { recordProductionRun } = dataOf(await sg.query(RECORD, { input: valid }, await operatorOf(valid)));
      const { run } = recordProductionRun;
      expect(runs.map((r) => r.id)).not.toContain(run.id);
      const expectedRun = {
        id: run.id,
        units: valid.units,
        completedOn: valid.completedOn,
        cooperative: { id: valid.cooperativeId },
        design: { id: valid.designId },
        city: { id: valid.cityId },
        platformCooperative: { id: valid.platformCooperativeId },
        electricityFactor: { id: valid.electricityFactorId },
        freightFactor: { id: valid.freightFactorId },
        // No asset comes from the run until its co-op confirms.
        assets: [],
        delivery: { city: { id: valid.cityId }, status: 'PENDING' },
        assetClaims: [...valid.assetIds].sort().map((id) => ({ asset: { id }, status: 'PENDING' })),
      };
      expect(run).toMatchObject(expectedRun);
      expect(run.embodiedKgCO2e).toBeCloseTo(expectedEmbodied, 6);

      // Stored as given: one run row and one claim row per asset, all pending.
      expect(await counts()).toEqual({ ...before, runs: before.runs + 1, runAssets: before.runAssets + valid.units });
      expect(await sg.db('production_runs').where({ id: run.id }).first()).toEqual({
        id: run.id,
        cooperative_id: valid.cooperativeId,
        design_id: valid.designId,
        units: valid.units,
        completed_on: valid.completedOn,
        city_id: valid.cityId,
        platform_cooperative_id: valid.platformCooperativeId,
        electricity_factor_id: valid.electricityFactorId,
        freight_factor_id: valid.freightFactorId,
        delivery_status: 'PENDING',
      });
      expect(await sg.db('run_assets').where({ run_id: run.id }).orderBy('asset_id')).toEqual(
        [...valid.assetIds].sort().map((asset_id) => ({ run_id: run.id, asset_id, status: 'PENDING' })),
      );

      // productionRun(id), and the co-op's own list of runs.
      const { productionRun } = dataOf(await sg.query(RUN, { id: run.id }));
      expect(productionRun).toMatchObject({ ...expectedRun, cooperative: { id: valid.cooperativeId } });
      expect(productionRun.cooperative.productionRuns.map((r: any) => r.id)).toContain(run.id);

      // Pending: no origin, no footprint.
      const origins = async () =>
        dataOf(
          await sg.query(ASSETS, { representations: valid.assetIds.map((id) => ({ __typename: 'SharedAsset', id })) }),
        )._entities;
      for (const entity of await origins()) expect(entity).toMatchObject({ origin: null, embodiedKgCO2e: null });
      expect(await embodiedOf(valid.cityId, year)).toBe(footprintBefore);

      // The city confirms: its footprint grows by exactly the run's embodied emissions.
      dataOf(await sg.query(CONFIRM_DELIVERY, { runId: run.id }, await bearer('city-admin', valid.cityId)));
      expect((await embodiedOf(valid.cityId, year)) - footprintBefore).toBeCloseTo(expectedEmbodied, 6);

      // The co-op confirms: each asset now comes from this run.
      const confirmed = dataOf(
        await sg.query(
          CONFIRM_ORIGIN,
          { runId: run.id, assetIds: valid.assetIds },
          await bearer('coop-operator', valid.platformCooperativeId),
        ),
      );
      expect(confirmed.confirmAssetOrigin.run.assets).toEqual([...valid.assetIds].sort().map((id) => ({ id })));
      for (const [i, entity] of (await origins()).entries()) {
        expect(entity).toMatchObject({ id: valid.assetIds[i], origin: { id: run.id } });
        expect(entity.embodiedKgCO2e).toBeCloseTo(expectedEmbodied / valid.units, 6);
      }

      // The same assets again: each has its one confirmed origin, so the retry is refused.
      await expectRefused(valid, await operatorOf(valid), { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds' });
    });

    it('lets two runs claim the same assets, and only one be confirmed as their origin', async () => {
      const input = withInput({ units: raceAssetIds.length, assetIds: raceAssetIds });
      const headers = await operatorOf(input);
      const before = await counts();
      // A pending claim blocks nothing: both runs are recorded.
      const recorded = await Promise.all([sg.query(RECORD, { input }, headers), sg.query(RECORD, { input }, headers)]);
      const runIds = recorded.map((response) => dataOf(response).recordProductionRun.run.id as string);
      expect(await counts()).toEqual({
        ...before,
        runs: before.runs + 2,
        runAssets: before.runAssets + 2 * raceAssetIds.length,
      });
      // Both confirmed at once: one becomes the origin, the other is told the origin is taken.
      const operator = await bearer('coop-operator', input.platformCooperativeId);
      const answers = await Promise.all(
        runIds.map((runId) => sg.query(CONFIRM_ORIGIN, { runId, assetIds: raceAssetIds }, operator)),
      );
      expect(answers.filter((response) => response.data?.confirmAssetOrigin)).toHaveLength(1);
      expect(answers.flatMap((response) => response.errors ?? []).map((error) => error.extensions)).toEqual([
        expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'assetIds' }),
      ]);
      expect((await counts()).confirmedAssets).toBe(before.confirmedAssets + raceAssetIds.length);
    });

    it('records a run completed today whose assets are not registered yet', async () => {
      const input = withInput({ completedOn: toDay(new Date()), units: 2, assetIds: [] });
      const before = await counts();
      const { recordProductionRun } = dataOf(await sg.query(RECORD, { input }, await operatorOf(input)));
      expect(recordProductionRun.run).toMatchObject({ units: 2, completedOn: input.completedOn, assets: [] });
      expect(recordProductionRun.run.embodiedKgCO2e).toBeCloseTo(
        2 * perUnit(input.designId, input.electricityFactorId, input.freightFactorId),
        6,
      );
      expect(await counts()).toEqual({ ...before, runs: before.runs + 1 });
    });
  });

  describe('recordProductionRun: every other caller is refused and nothing changes', () => {
    const otherRoles = ROLES.filter((role) => role !== 'production-operator');
    const cases: [string, () => Promise<Record<string, string>>, Refusal['code']][] = [
      ['no token', async () => ({}), 'UNAUTHENTICATED'],
      [
        'an expired token of the right operator',
        () => bearer('production-operator', valid.cooperativeId, '1 hour ago'),
        'UNAUTHENTICATED',
      ],
      [
        'a token of the right operator signed with another secret',
        async () => {
          const token = await issueToken('forged-secret-not-the-test-one-0123456789', {
            subject: 'forger',
            role: 'production-operator',
            scope: valid.cooperativeId,
          });
          return { authorization: `Bearer ${token}` };
        },
        'UNAUTHENTICATED',
      ],
      ['a header that is not a bearer token', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'UNAUTHENTICATED'],
      [
        'a production operator of another co-op',
        () =>
          bearer('production-operator', builders.find((b) => b.cooperative_id !== valid.cooperativeId)!.cooperative_id),
        'FORBIDDEN',
      ],
      // Every other role, even scoped to the very co-op id: the scope alone grants nothing.
      ...otherRoles.map((role): [string, () => Promise<Record<string, string>>, Refusal['code']] => [
        `a ${role} token scoped to the co-op id`,
        () => bearer(role, valid.cooperativeId),
        'FORBIDDEN',
      ]),
      ['a city-admin of the run’s city', () => bearer('city-admin', valid.cityId), 'FORBIDDEN'],
      [
        'a coop-operator of the receiving platform co-op',
        () => bearer('coop-operator', valid.platformCooperativeId),
        'FORBIDDEN',
      ],
      ['a depository-maintainer of an application', () => bearer('depository-maintainer', 'muniride'), 'FORBIDDEN'],
    ];

    it.each(cases)('refuses %s', async (_, headers, code) => {
      await expectRefused(withInput({ assetIds: spareAssetIds }), await headers(), { code });
    });
  });

  describe('recordProductionRun: invalid input is refused naming the field, and nothing changes', () => {
    const cases: [string, () => Partial<RunInput>, Refusal][] = [
      ['units 0', () => ({ units: 0, assetIds: [] }), { code: 'BAD_USER_INPUT', argumentName: 'input.units' }],
      ['negative units', () => ({ units: -4, assetIds: [] }), { code: 'BAD_USER_INPUT', argumentName: 'input.units' }],
      [
        'units over 10,000',
        () => ({ units: 10_001, assetIds: [] }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.units' },
      ],
      [
        'units unlike the number of assets',
        () => ({ units: 3, assetIds: spareAssetIds.slice(0, 2) }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.units' },
      ],
      [
        'a completion day in the future',
        () => ({ completedOn: addDays(toDay(new Date()), 2) }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.completedOn' },
      ],
      [
        'a completion day before 2000',
        () => ({ completedOn: '1999-12-31' }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.completedOn' },
      ],
      [
        'a completion day that is no calendar day',
        () => ({ completedOn: '2024-02-30' }),
        { code: 'BAD_USER_INPUT', mentions: 'input.completedOn' },
      ],
      [
        'an unknown co-op',
        () => ({ cooperativeId: 'no-such-coop' }),
        { code: 'NOT_FOUND', argumentName: 'input.cooperativeId' },
      ],
      [
        'an unknown design',
        () => ({ designId: 'no-such-design' }),
        { code: 'NOT_FOUND', argumentName: 'input.designId' },
      ],
      [
        'a design the co-op does not build',
        () => ({
          designId: [...designs.keys()].find(
            (id) => !builders.some((b) => b.cooperative_id === valid.cooperativeId && b.design_id === id),
          )!,
        }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.designId' },
      ],
      [
        'an unknown electricity factor',
        () => ({ electricityFactorId: 'no-such-factor' }),
        { code: 'NOT_FOUND', argumentName: 'input.electricityFactorId' },
      ],
      [
        'a freight factor as the electricity factor',
        () => ({ electricityFactorId: factorOf('FREIGHT') }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.electricityFactorId' },
      ],
      [
        'an unknown freight factor',
        () => ({ freightFactorId: 'no-such-factor' }),
        { code: 'NOT_FOUND', argumentName: 'input.freightFactorId' },
      ],
      [
        'an electricity factor as the freight factor',
        () => ({ freightFactorId: factorOf('ELECTRICITY') }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.freightFactorId' },
      ],
      [
        'a material factor as the freight factor',
        () => ({ freightFactorId: factorOf('MATERIAL') }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.freightFactorId' },
      ],
      [
        'a city id that is no slug',
        () => ({ cityId: 'Gent City' }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.cityId' },
      ],
      [
        'an injection-looking city id',
        () => ({ cityId: "gent'; DROP TABLE production_runs; --" }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.cityId' },
      ],
      [
        'a platform co-op id that is no slug',
        () => ({ platformCooperativeId: 'muniride--gent' }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.platformCooperativeId' },
      ],
      [
        'an asset id that is no slug',
        () => ({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, 'Asset #3'] }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds[2]' },
      ],
      [
        'the same asset twice',
        () => ({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, spareAssetIds[0]!] }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds' },
      ],
      [
        'an asset another run already delivered',
        () => ({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, runAssets[0].asset_id] }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds' },
      ],
      [
        'more than 500 assets',
        () => ({ units: 501, assetIds: Array.from({ length: 501 }, (_, i) => `asset-${i}`) }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds' },
      ],
      [
        'more than 10,000 assets',
        () => ({ units: 10_000, assetIds: Array.from({ length: 10_001 }, (_, i) => `asset-${i}`) }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds' },
      ],
      [
        'a city the league does not know',
        () => ({ cityId: 'nonexistent-city' }),
        { code: 'NOT_FOUND', argumentName: 'input.cityId' },
      ],
      [
        'a platform co-op the coop subgraph does not know',
        () => ({ platformCooperativeId: 'no-such-platform-coop' }),
        { code: 'NOT_FOUND', argumentName: 'input.platformCooperativeId' },
      ],
      [
        'a platform co-op of another city',
        () => ({ cityId: valid.cityId === 'paris' ? 'gent' : 'paris' }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.platformCooperativeId' },
      ],
      [
        'an asset the coop subgraph does not know',
        () => ({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, 'no-such-asset'] }),
        { code: 'NOT_FOUND', argumentName: 'input.assetIds' },
      ],
      [
        'an asset of another platform co-op',
        () => ({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, foreignAssetId] }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds' },
      ],
      [
        'a control character in a city id',
        () => ({ cityId: 'gent\u0000' }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.cityId' },
      ],
      [
        'a lone surrogate in an asset id',
        () => ({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, 'asset-\ud800'] }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.assetIds[2]' },
      ],
      [
        'an overlong design id',
        () => ({ designId: 'd'.repeat(65) }),
        { code: 'BAD_USER_INPUT', argumentName: 'input.designId' },
      ],
    ];

    it.each(cases)('refuses %s', async (_, changes, refusal) => {
      const input = withInput({ assetIds: spareAssetIds, ...changes() });
      await expectRefused(input, await operatorOf(input), refusal);
    });

    it('names the already delivered asset and the run that delivered it', async () => {
      const taken = runAssets[0];
      const input = withInput({ assetIds: [spareAssetIds[0]!, spareAssetIds[1]!, taken.asset_id] });
      const response = await expectRefused(input, await operatorOf(input), {
        code: 'BAD_USER_INPUT',
        argumentName: 'input.assetIds',
      });
      expect(response.errors![0]!.message).toContain(taken.asset_id);
      expect(response.errors![0]!.message).toContain(taken.run_id);
    });
  });
});

/**
 * Migration 0004 on a database that holds runs from before consent: they become CONFIRMED (so
 * footprints and origins do not move), new rows default to PENDING, and an asset may carry many
 * claims but one confirmed origin at most.
 */
describe.each(ENGINES.map((engine) => engine.name))('migration 0004_consent on %s', (engineName) => {
  const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0004'));
  let database: DatabaseConfig;
  let db: Knex;

  beforeAll(async () => {
    database =
      engineName === 'SQLite'
        ? { client: 'sqlite', filename: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'commons-m4-')), 'p.sqlite') }
        : postgresDatabase('production', 'migrate');
    await dropSchema(database);
    db = openDatabase(database);
    await migrateToLatest(db, 'production', before, database);
    const factor = (id: string, category: string) => ({
      id,
      category,
      name: id,
      unit: 'kWh',
      kg_co2e_per_unit: 0.3,
      source: 's',
      source_url: 'https://example.org',
      license: 'OGL-UK-3.0',
      year: 2024,
      region: 'EU',
      notes: '',
    });
    await db('emission_factors').insert([factor('grid', 'ELECTRICITY'), factor('van', 'FREIGHT')]);
    await db('open_cooperatives').insert({ id: 'maker', name: 'Maker', city_id: 'gent', description: '' });
    await db('open_designs').insert({
      id: 'bike',
      name: 'Bike',
      description: '',
      asset_kind: 'BIKE',
      license: 'CERN-OHL-S-2.0',
      open_hardware: true,
      license_note: '',
      version: '1',
      steward: 's',
      manufacturing_energy_kwh: 10,
      transport_km: 100,
    });
    const run = (id: string) => ({
      id,
      cooperative_id: 'maker',
      design_id: 'bike',
      units: 1,
      completed_on: '2024-01-01',
      city_id: 'gent',
      platform_cooperative_id: 'muniride-gent',
      electricity_factor_id: 'grid',
      freight_factor_id: 'van',
    });
    await db('production_runs').insert(run('old-run'));
    await db('run_assets').insert({ run_id: 'old-run', asset_id: 'bike-1' });
    await migrateToLatest(db, 'production', migrations, database);
    await db('production_runs').insert([run('new-run'), run('other-run')]);
  });

  afterAll(async () => {
    await db?.destroy();
    if (database?.client === 'sqlite') fs.rmSync(path.dirname(database.filename), { recursive: true, force: true });
    else if (database) await dropSchema(database);
  });

  it('marks what existed confirmed and defaults new rows to pending', async () => {
    expect(await db('production_runs').orderBy('id').select('id', 'delivery_status')).toEqual([
      { id: 'new-run', delivery_status: 'PENDING' },
      { id: 'old-run', delivery_status: 'CONFIRMED' },
      { id: 'other-run', delivery_status: 'PENDING' },
    ]);
    expect(await db('run_assets').select('run_id', 'asset_id', 'status')).toEqual([
      { run_id: 'old-run', asset_id: 'bike-1', status: 'CONFIRMED' },
    ]);
  });

  it('allows many claims on an asset but one confirmed origin', async () => {
    await db('run_assets').insert([
      { run_id: 'new-run', asset_id: 'bike-1' },
      { run_id: 'other-run', asset_id: 'bike-1' },
    ]);
    await expect(
      db('run_assets').where({ run_id: 'new-run', asset_id: 'bike-1' }).update({ status: 'CONFIRMED' }),
    ).rejects.toThrow();
    await expect(db('run_assets').insert({ run_id: 'new-run', asset_id: 'bike-1' })).rejects.toThrow();
    expect(await db('run_assets').where({ asset_id: 'bike-1', status: 'CONFIRMED' }).pluck('run_id')).toEqual([
      'old-run',
    ]);
  });
});
