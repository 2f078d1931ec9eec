/**
 * Consent for cross-owner effects (issue 11, finding 4), through the gateway in production mode,
 * with the production database on SQLite and on PostgreSQL. A production operator can no longer
 * change what others own by itself: a run's delivery counts in a city's footprint only once the
 * city's `city-admin` confirms it, a run is an asset's origin only once the asset's co-op's
 * `coop-operator` confirms it; unknown cities and assets are refused; an asset with a confirmed
 * origin cannot be claimed; a pending claim locks nobody out; a call claims at most 500
 * assets; and a refused write changes nothing. Each attack of the finding is replayed first
 * with operations the schema had before consent existed, so the test fails on that code.
 * Expected figures are recomputed from the production database's raw rows.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededEngines } from '../engines.js';
import { bearer, dataOf, startTestStack, TEST_SEED, type GraphQLResponse, type TestStack } from '../harness.js';
import type { RecordProductionRunInput } from '../../subgraphs/production/generated/resolvers.js';

/** Only `run { id }`: the attack as it was sent before consent existed. */
const RECORD = `mutation($input: RecordProductionRunInput!) { recordProductionRun(input: $input) { run { id } } }`;

const RUN = `query($id: ID!) {
  productionRun(id: $id) { id delivery { city { id } status } assetClaims { asset { id } status } assets { id } }
}`;

const FOOTPRINT = `query($id: ID!, $year: Int!) { city(id: $id) { footprint(year: $year) { embodiedKgCO2e netKgCO2e } } }`;

/** How a party finds what waits for its answer. */
const WAITING = `query($cityId: ID, $platformCooperativeId: ID, $deliveryStatus: ConsentStatus, $claimStatus: ConsentStatus) {
  productionRuns(cityId: $cityId, platformCooperativeId: $platformCooperativeId, deliveryStatus: $deliveryStatus,
    claimStatus: $claimStatus, first: 100) { totalCount nodes { id } }
}`;

const CONFIRM_DELIVERY = `mutation($runId: ID!) { confirmDelivery(runId: $runId) { run { id delivery { status } } } }`;
const DECLINE_DELIVERY = `mutation($runId: ID!) { declineDelivery(runId: $runId) { run { id delivery { status } } } }`;
const CONFIRM_ORIGIN = `mutation($runId: ID!, $assetIds: [ID!]!) {
  confirmAssetOrigin(runId: $runId, assetIds: $assetIds) { run { id assetClaims { asset { id } status } } }
}`;
const DECLINE_ORIGIN = `mutation($runId: ID!, $assetIds: [ID!]!) {
  declineAssetOrigin(runId: $runId, assetIds: $assetIds) { run { id assetClaims { asset { id } status } } }
}`;

const ENGINES = await seededEngines('production', 'consent', TEST_SEED, 'the consent tests');

/** What `recordProductionRun` takes, as the SDL declares it. */
type RunInput = RecordProductionRunInput;

describe.each(ENGINES)('consent for cross-owner effects, production database on $name', (engine) => {
  let stack: TestStack;
  let production: Knex;
  /** Raw production rows the expected figures are recomputed from. */
  let factors: Map<string, number>;
  let designs: Map<string, any>;
  let bom: any[];
  /** An open co-op and a design it builds: the attacker (and, elsewhere, a legitimate producer). */
  let attacker: { cooperativeId: string; designId: string };
  let producer: { cooperativeId: string; designId: string };
  /** Paris and a platform co-op there, which no run of the attacker ever served. */
  let parisCoop: string;
  /** Ghent's MuniRide co-op and bikes of it no run has built yet, of the design's kind. */
  let gentCoop: string;
  let freeGentAssets: string[];
  /** An asset whose origin the seed world confirmed, with that run. */
  let seededOrigin: { asset_id: string; run_id: string };

  const YEAR = 2025;
  const DAY = '2025-03-14';

  /** Per-unit embodied kg CO2e recomputed from raw rows: materials + energy + transport in tonne-km. */
  function perUnit(designId: string, electricityFactorId: string, freightFactorId: string): number {
    const design = designs.get(designId);
    const lines = bom.filter((line) => line.design_id === designId);
    const materials = lines.reduce((sum, line) => sum + line.mass_kg * factors.get(line.emission_factor_id)!, 0);
    const massKg = lines.reduce((sum, line) => sum + line.mass_kg, 0);
    return (
      materials +
      design.manufacturing_energy_kwh * factors.get(electricityFactorId)! +
      (massKg / 1000) * design.transport_km * factors.get(freightFactorId)!
    );
  }

  const runInput = (who: { cooperativeId: string; designId: string }, changes: Partial<RunInput>): RunInput => ({
    ...who,
    units: 1,
    completedOn: DAY,
    cityId: 'gent',
    platformCooperativeId: gentCoop,
    electricityFactorId: 'eu-grid-average',
    freightFactorId: 'desnz-2024-hgv-freight',
    assetIds: [],
    ...changes,
  });

  const record = async (input: RunInput): Promise<GraphQLResponse> =>
    stack.query(RECORD, { input }, await bearer('production-operator', input.cooperativeId));

  const footprint = async (cityId: string) =>
    dataOf(await stack.query(FOOTPRINT, { id: cityId, year: YEAR })).city.footprint as {
      embodiedKgCO2e: number;
      netKgCO2e: number;
    };

  const runOf = async (id: string) => dataOf(await stack.query(RUN, { id })).productionRun;

  const originsOf = async (assetIds: string[]) => {
    const query = `{ ${assetIds.map((id, i) => `a${i}: sharedAsset(id: "${id}") { id origin { id } embodiedKgCO2e }`).join(' ')} }`;
    const data = dataOf(await stack.query(query));
    return assetIds.map((_, i) => data[`a${i}`]);
  };

  /** Every production row a write could touch, to prove a refused write touched none. */
  const snapshot = async () => ({
    runs: await production('production_runs').orderBy('id'),
    claims: await production('run_assets').orderBy(['run_id', 'asset_id']),
  });

  /** A response that must be one error with this code (and field), after which nothing changed. */
  async function expectRefused(
    send: () => Promise<GraphQLResponse>,
    code: string,
    argumentName?: string,
  ): Promise<GraphQLResponse> {
    const before = await snapshot();
    const response = await send();
    expect(response.errors, JSON.stringify(response)).toHaveLength(1);
    expect(response.errors![0]!.extensions?.code, response.errors![0]!.message).toBe(code);
    if (argumentName) expect(response.errors![0]!.extensions?.argumentName).toBe(argumentName);
    expect(await snapshot()).toEqual(before);
    return response;
  }

  beforeAll(async () => {
    const database = await engine.prepare();
    stack = await startTestStack({ production: true, databases: database ? { production: database } : undefined });
    production = stack.subgraphs.production.db;
    const coop = stack.subgraphs.coop.db;
    const [factorRows, designRows, builders, claims, platformCoops, assets] = await Promise.all([
      production('emission_factors'),
      production('open_designs'),
      production('design_builders').orderBy(['cooperative_id', 'design_id']),
      production('run_assets').orderBy('asset_id'),
      coop('platform_cooperatives').orderBy('id'),
      coop('shared_assets').orderBy('id'),
    ]);
    bom = await production('bill_of_materials_lines');
    factors = new Map(factorRows.map((f: any) => [f.id, f.kg_co2e_per_unit]));
    designs = new Map(designRows.map((d: any) => [d.id, d]));
    seededOrigin = claims[0];
    gentCoop = 'muniride-gent';
    parisCoop = platformCoops.find((c: any) => c.city_id === 'paris')!.id;
    // A design for Ghent's bikes and two different co-ops that build it.
    const taken = new Set(claims.map((c: any) => c.asset_id));
    const gentKinds = new Set(
      assets.filter((a: any) => a.platform_cooperative_id === gentCoop).map((a: any) => a.kind),
    );
    const design =
      designRows.find(
        (d: any) => gentKinds.has(d.asset_kind) && builders.filter((b: any) => b.design_id === d.id).length >= 2,
      ) ?? designRows.find((d: any) => gentKinds.has(d.asset_kind) && builders.some((b: any) => b.design_id === d.id));
    const makers = builders.filter((b: any) => b.design_id === design.id);
    attacker = { cooperativeId: makers[0].cooperative_id, designId: design.id };
    producer = { cooperativeId: makers.at(-1).cooperative_id, designId: design.id };
    freeGentAssets = assets
      .filter((a: any) => a.platform_cooperative_id === gentCoop && a.kind === design.asset_kind && !taken.has(a.id))
      .map((a: any) => a.id);
    expect(freeGentAssets.length).toBeGreaterThanOrEqual(6);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await engine.cleanUp();
  });

  it("a delivery to a city it never dealt with leaves that city's footprint alone until its city-admin confirms", async () => {
    const input = runInput(attacker, { cityId: 'paris', platformCooperativeId: parisCoop, units: 10_000 });
    const before = await footprint('paris');
    const { recordProductionRun } = dataOf(await record(input));
    // The attack of finding 4: before consent, Paris's footprint grew here by the run's figure.
    expect(await footprint('paris')).toEqual(before);
    const runId = recordProductionRun.run.id;
    expect((await runOf(runId)).delivery).toEqual({ city: { id: 'paris' }, status: 'PENDING' });
    const waiting = async () =>
      dataOf(await stack.query(WAITING, { cityId: 'paris', deliveryStatus: 'PENDING' })).productionRuns;
    expect(await waiting()).toEqual({ totalCount: 1, nodes: [{ id: runId }] });

    // Nobody but Paris's city-admin may answer: not the producer, not another city, not a co-op.
    const refusals: [Record<string, string>, string][] = [
      [{}, 'UNAUTHENTICATED'],
      [await bearer('production-operator', attacker.cooperativeId), 'FORBIDDEN'],
      [await bearer('city-admin', 'gent'), 'FORBIDDEN'],
      [await bearer('coop-operator', parisCoop), 'FORBIDDEN'],
    ];
    for (const [headers, code] of refusals) {
      await expectRefused(() => stack.query(CONFIRM_DELIVERY, { runId }, headers), code);
    }
    expect(await footprint('paris')).toEqual(before);

    const paris = await bearer('city-admin', 'paris');
    const declined = dataOf(await stack.query(DECLINE_DELIVERY, { runId }, paris));
    expect(declined.declineDelivery.run.delivery.status).toBe('DECLINED');
    expect(await waiting()).toEqual({ totalCount: 0, nodes: [] });
    expect(await footprint('paris')).toEqual(before);

    const confirmed = dataOf(await stack.query(CONFIRM_DELIVERY, { runId }, paris));
    expect(confirmed.confirmDelivery.run.delivery.status).toBe('CONFIRMED');
    const expected = input.units * perUnit(input.designId, input.electricityFactorId, input.freightFactorId);
    const after = await footprint('paris');
    expect(after.embodiedKgCO2e - before.embodiedKgCO2e).toBeCloseTo(expected, 3);
    expect(after.netKgCO2e - before.netKgCO2e).toBeCloseTo(expected, 3);
  });

  it("claiming another co-op's bikes changes neither their origin nor Ghent's footprint until MuniRide Gent confirms", async () => {
    const assetIds = freeGentAssets.slice(0, 2);
    const input = runInput(attacker, { units: assetIds.length, assetIds });
    const before = await footprint('gent');
    const { recordProductionRun } = dataOf(await record(input));
    // Before consent, these bikes' origin became the attacker's run here.
    expect(await originsOf(assetIds)).toEqual(assetIds.map((id) => ({ id, origin: null, embodiedKgCO2e: null })));
    expect(await footprint('gent')).toEqual(before);
    const runId = recordProductionRun.run.id;
    expect((await runOf(runId)).assetClaims).toEqual(assetIds.map((id) => ({ asset: { id }, status: 'PENDING' })));
    const waiting = async () =>
      dataOf(await stack.query(WAITING, { platformCooperativeId: gentCoop, claimStatus: 'PENDING' })).productionRuns;
    expect(await waiting()).toEqual({ totalCount: 1, nodes: [{ id: runId }] });

    // Only an operator of the co-op that owns the bikes may answer.
    const refusals: [Record<string, string>, string][] = [
      [{}, 'UNAUTHENTICATED'],
      [await bearer('coop-operator', parisCoop), 'FORBIDDEN'],
      [await bearer('production-operator', attacker.cooperativeId), 'FORBIDDEN'],
      [await bearer('city-admin', 'gent'), 'FORBIDDEN'],
    ];
    for (const [headers, code] of refusals) {
      await expectRefused(() => stack.query(CONFIRM_ORIGIN, { runId, assetIds }, headers), code);
    }

    const muniride = await bearer('coop-operator', gentCoop);
    const declined = dataOf(await stack.query(DECLINE_ORIGIN, { runId, assetIds }, muniride));
    expect(declined.declineAssetOrigin.run.assetClaims.map((c: any) => c.status)).toEqual(['DECLINED', 'DECLINED']);
    expect(await waiting()).toEqual({ totalCount: 0, nodes: [] });
    expect(await originsOf(assetIds)).toEqual(assetIds.map((id) => ({ id, origin: null, embodiedKgCO2e: null })));

    dataOf(await stack.query(CONFIRM_ORIGIN, { runId, assetIds }, muniride));
    const unit = perUnit(input.designId, input.electricityFactorId, input.freightFactorId);
    for (const [i, asset] of (await originsOf(assetIds)).entries()) {
      expect(asset).toMatchObject({ id: assetIds[i], origin: { id: runId } });
      expect(asset.embodiedKgCO2e).toBeCloseTo(unit, 6);
    }
    // The asset's co-op answered, not the city: Ghent's footprint still waits for Ghent.
    expect(await footprint('gent')).toEqual(before);
  });

  it('refuses a claim on an asset whose origin is confirmed, naming it', async () => {
    const input = runInput(attacker, { units: 1, assetIds: [seededOrigin.asset_id] });
    // Of the asset's own co-op, so only the confirmed origin stands in the way.
    const [asset] = await stack.subgraphs.coop.db('shared_assets').where({ id: seededOrigin.asset_id });
    const [coop] = await stack.subgraphs.coop.db('platform_cooperatives').where({ id: asset.platform_cooperative_id });
    const response = await expectRefused(
      () => record({ ...input, cityId: coop.city_id, platformCooperativeId: coop.id }),
      'BAD_USER_INPUT',
      'input.assetIds',
    );
    expect(response.errors![0]!.message).toContain(seededOrigin.run_id);
  });

  it('lets a pending claim block nobody: a squatter cannot lock a producer out', async () => {
    const assetIds = freeGentAssets.slice(2, 5);
    const squat = dataOf(await record(runInput(attacker, { units: assetIds.length, assetIds }))).recordProductionRun.run
      .id;
    const real = dataOf(await record(runInput(producer, { units: assetIds.length, assetIds }))).recordProductionRun.run
      .id;
    expect(real).not.toBe(squat);
    const muniride = await bearer('coop-operator', gentCoop);
    dataOf(await stack.query(CONFIRM_ORIGIN, { runId: real, assetIds }, muniride));
    expect((await originsOf(assetIds)).map((asset) => asset.origin)).toEqual(assetIds.map(() => ({ id: real })));
    // Confirming one origin declined the squatter's claim, which can no longer be confirmed.
    expect((await runOf(squat)).assetClaims.map((c: any) => c.status)).toEqual(assetIds.map(() => 'DECLINED'));
    await expectRefused(
      () => stack.query(CONFIRM_ORIGIN, { runId: squat, assetIds }, muniride),
      'BAD_USER_INPUT',
      'assetIds',
    );
  });

  it('refuses unknown cities, platform co-ops and assets, and more than 500 assets in one call', async () => {
    const cases: [Partial<RunInput>, string, string][] = [
      [{ cityId: 'nonexistent-city' }, 'NOT_FOUND', 'input.cityId'],
      [{ platformCooperativeId: 'nonexistent-coop' }, 'NOT_FOUND', 'input.platformCooperativeId'],
      [{ units: 2, assetIds: [freeGentAssets[5]!, 'nonexistent-asset'] }, 'NOT_FOUND', 'input.assetIds'],
      // A platform co-op elsewhere than the city the run names.
      [{ cityId: 'paris' }, 'BAD_USER_INPUT', 'input.platformCooperativeId'],
      [
        { units: 501, assetIds: Array.from({ length: 501 }, (_, i) => `muniride-gent-bike-${i}`) },
        'BAD_USER_INPUT',
        'input.assetIds',
      ],
      [
        { units: 10_000, assetIds: Array.from({ length: 10_000 }, (_, i) => `muniride-gent-bike-${i}`) },
        'BAD_USER_INPUT',
        'input.assetIds',
      ],
    ];
    for (const [changes, code, argumentName] of cases) {
      await expectRefused(() => record(runInput(attacker, changes)), code, argumentName);
    }
  });

  it('validates the consent mutations’ arguments, naming the field', async () => {
    const muniride = await bearer('coop-operator', gentCoop);
    await expectRefused(() => stack.query(CONFIRM_DELIVERY, { runId: 'no-such-run' }, muniride), 'NOT_FOUND', 'runId');
    await expectRefused(
      () => stack.query(CONFIRM_DELIVERY, { runId: 'run\u0000x' }, muniride),
      'BAD_USER_INPUT',
      'runId',
    );
    await expectRefused(
      () => stack.query(CONFIRM_ORIGIN, { runId: seededOrigin.run_id, assetIds: [] }, muniride),
      'BAD_USER_INPUT',
      'assetIds',
    );
    await expectRefused(
      () =>
        stack.query(
          CONFIRM_ORIGIN,
          { runId: seededOrigin.run_id, assetIds: Array.from({ length: 501 }, (_, i) => `a-${i}`) },
          muniride,
        ),
      'BAD_USER_INPUT',
      'assetIds',
    );
  });

  // Last: it stops the league subgraph.
  it('writes nothing when an owner cannot be asked', async () => {
    await stack.subgraphs.league.stop();
    stack.subgraphs.league.stop = async () => {};
    const response = await expectRefused(() => record(runInput(producer, {})), 'SUBGRAPH_UNAVAILABLE');
    expect(response.errors![0]!.message).toContain('league');
  });
});
