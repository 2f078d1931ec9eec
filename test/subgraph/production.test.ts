/**
 * The production subgraph over HTTP on a fresh migrated and seeded SQLite file: lookups,
 * connections, the emission-factor table, designs and runs with their embodied emissions,
 * `_entities` for City (footprint) and SharedAsset (origin), and batching.
 * Every expected figure is recomputed here from the raw rows, read with knex, never from the
 * subgraph's own footprint module and never written out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, ids, startTestSubgraph, type TestSubgraph } from '../harness.js';

let sg: TestSubgraph;

/** The raw rows of the production database, as the seed wrote them. */
interface Raw {
  factors: Map<string, any>;
  designs: any[];
  bom: Map<string, any[]>;
  cooperatives: any[];
  builders: any[];
  runs: any[];
  runAssets: any[];
}
let raw: Raw;

beforeAll(async () => {
  sg = await startTestSubgraph('production');
  const [factors, designs, bomLines, cooperatives, builders, runs, runAssets] = await Promise.all([
    sg.db('emission_factors'),
    sg.db('open_designs').orderBy('id'),
    sg.db('bill_of_materials_lines').orderBy(['design_id', 'position']),
    sg.db('open_cooperatives').orderBy('id'),
    sg.db('design_builders'),
    sg.db('production_runs').orderBy('id'),
    sg.db('run_assets').orderBy('asset_id'),
  ]);
  const bom = new Map<string, any[]>();
  for (const line of bomLines) bom.set(line.design_id, [...(bom.get(line.design_id) ?? []), line]);
  raw = { factors: new Map(factors.map((f: any) => [f.id, f])), designs, bom, cooperatives, builders, runs, runAssets };
});

afterAll(async () => {
  await sg?.stop();
});

/** Runs an operation that must succeed and returns its data. */
const data = async (query: string, variables?: Record<string, unknown>) => dataOf(await sg.query(query, variables));
const factor = (id: string): number => raw.factors.get(id).kg_co2e_per_unit;
const linesOf = (designId: string): any[] => raw.bom.get(designId) ?? [];
const massOf = (designId: string): number => linesOf(designId).reduce((sum, line) => sum + line.mass_kg, 0);

/** Per-unit embodied kg CO2e of a design: materials + manufacturing energy + transport in tonne-km. */
function perUnit(designId: string, electricityFactorId: string, freightFactorId: string): number {
  const design = raw.designs.find((d) => d.id === designId);
  const materials = linesOf(designId).reduce((sum, line) => sum + line.mass_kg * factor(line.emission_factor_id), 0);
  return (
    materials +
    design.manufacturing_energy_kwh * factor(electricityFactorId) +
    (massOf(designId) / 1000) * design.transport_km * factor(freightFactorId)
  );
}

const runEmbodied = (run: any): number =>
  run.units * perUnit(run.design_id, run.electricity_factor_id, run.freight_factor_id);
const runsIn = (cityId: string, year: number): any[] =>
  raw.runs.filter((run) => run.city_id === cityId && run.completed_on.startsWith(`${year}-`));

/** The year with the most runs, and its cities ordered by how many runs they received. */
function busiestYear(): { year: number; cityIds: string[] } {
  const years = new Map<number, any[]>();
  for (const run of raw.runs) {
    const year = Number(run.completed_on.slice(0, 4));
    years.set(year, [...(years.get(year) ?? []), run]);
  }
  const [year, runs] = [...years].sort((a, b) => b[1].length - a[1].length)[0]!;
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.city_id, (counts.get(run.city_id) ?? 0) + 1);
  return { year, cityIds: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id) };
}

describe('lookups by id', () => {
  it('returns an open co-op with its city, designs and runs newest first', async () => {
    const coop = raw.cooperatives.find((c) => raw.runs.some((run) => run.cooperative_id === c.id))!;
    const { openCooperative } = await data(
      `query($id: ID!) { openCooperative(id: $id) {
        id name description website foundedYear illustrative city { id } designs { id } productionRuns { id completedOn }
      } }`,
      { id: coop.id },
    );
    const runs = raw.runs
      .filter((run) => run.cooperative_id === coop.id)
      .sort((a, b) => b.completed_on.localeCompare(a.completed_on) || a.id.localeCompare(b.id));
    expect(openCooperative).toEqual({
      id: coop.id,
      name: coop.name,
      description: coop.description,
      website: coop.website,
      foundedYear: coop.founded_year,
      illustrative: Boolean(coop.illustrative),
      city: { id: coop.city_id },
      designs: raw.builders
        .filter((b) => b.cooperative_id === coop.id)
        .map((b) => b.design_id)
        .sort()
        .map((id) => ({ id })),
      productionRuns: runs.map((run) => ({ id: run.id, completedOn: run.completed_on })),
    });
  });

  it('returns a design with its bill of materials, mass, embodied emissions and builders', async () => {
    const design = raw.designs.find((d) => linesOf(d.id).length > 1)!;
    const { openDesign } = await data(
      `query($id: ID!) { openDesign(id: $id) {
        id name description assetKind license openHardware licenseNote repositoryUrl version steward
        manufacturingEnergyKwh transportKm massKg embodiedKgCO2e builtBy { id }
        billOfMaterials { material massKg kgCO2e emissionFactor { id } }
      } }`,
      { id: design.id },
    );
    expect(openDesign).toMatchObject({
      id: design.id,
      name: design.name,
      description: design.description,
      assetKind: design.asset_kind,
      license: design.license,
      openHardware: Boolean(design.open_hardware),
      licenseNote: design.license_note,
      repositoryUrl: design.repository_url,
      version: design.version,
      steward: design.steward,
      manufacturingEnergyKwh: design.manufacturing_energy_kwh,
      transportKm: design.transport_km,
      builtBy: raw.builders
        .filter((b) => b.design_id === design.id)
        .map((b) => b.cooperative_id)
        .sort()
        .map((id) => ({ id })),
    });
    expect(openDesign.massKg).toBeCloseTo(massOf(design.id), 9);
    // A design is priced with the documented reference factors.
    expect(openDesign.embodiedKgCO2e).toBeCloseTo(perUnit(design.id, 'eu-grid-average', 'desnz-2024-hgv-freight'), 6);
    expect(openDesign.billOfMaterials).toHaveLength(linesOf(design.id).length);
    linesOf(design.id).forEach((line, i) => {
      const got = openDesign.billOfMaterials[i];
      expect(got.emissionFactor).toEqual({ id: line.emission_factor_id });
      expect(got.material).toBe(raw.factors.get(line.emission_factor_id).name);
      expect(got.massKg).toBe(line.mass_kg);
      expect(got.kgCO2e).toBeCloseTo(line.mass_kg * factor(line.emission_factor_id), 9);
    });
  });

  it('returns a production run with its references, factors, assets and embodied emissions', async () => {
    const run = raw.runs.find((r) => r.units > 1)!;
    const { productionRun } = await data(
      `query($id: ID!) { productionRun(id: $id) {
        id units completedOn cooperative { id } design { id } city { id } platformCooperative { id }
        electricityFactor { id category } freightFactor { id category } embodiedKgCO2e assets { id }
      } }`,
      { id: run.id },
    );
    expect(productionRun).toMatchObject({
      id: run.id,
      units: run.units,
      completedOn: run.completed_on,
      cooperative: { id: run.cooperative_id },
      design: { id: run.design_id },
      city: { id: run.city_id },
      platformCooperative: { id: run.platform_cooperative_id },
      electricityFactor: { id: run.electricity_factor_id, category: 'ELECTRICITY' },
      freightFactor: { id: run.freight_factor_id, category: 'FREIGHT' },
      assets: raw.runAssets.filter((a) => a.run_id === run.id).map((a) => ({ id: a.asset_id })),
    });
    expect(productionRun.assets).toHaveLength(run.units);
    expect(productionRun.embodiedKgCO2e).toBeCloseTo(runEmbodied(run), 6);
  });

  it('returns null for unknown ids', async () => {
    const result = await data(`{
      openCooperative(id: "no-such-coop") { id }
      openDesign(id: "no-such-design") { id }
      productionRun(id: "no-such-run") { id }
    }`);
    expect(result).toEqual({ openCooperative: null, openDesign: null, productionRun: null });
  });
});

describe('connections', () => {
  const coopsQuery = `query($cityId: ID, $first: Int, $after: String) {
    openCooperatives(cityId: $cityId, first: $first, after: $after) {
      edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } totalCount
    }
  }`;

  it('pages through every open co-op in id order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages <= raw.cooperatives.length; pages++) {
      const { openCooperatives: page } = await data(coopsQuery, { first: 2, after });
      expect(page.totalCount).toBe(raw.cooperatives.length);
      expect(page.edges.map((edge: any) => edge.node.id)).toEqual(page.nodes.map((node: any) => node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      seen.push(...page.nodes.map((node: any) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids(raw.cooperatives));
  });

  it('filters open co-ops by city', async () => {
    const cityId = raw.cooperatives[0].city_id;
    const expected = ids(raw.cooperatives.filter((c) => c.city_id === cityId));
    const { openCooperatives: page } = await data(coopsQuery, { cityId, first: 100 });
    expect(page.nodes.map((node: any) => node.id)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });

  it('filters open designs by asset kind and by open hardware', async () => {
    const query = `query($assetKind: AssetKind, $openHardware: Boolean) {
      openDesigns(assetKind: $assetKind, openHardware: $openHardware, first: 100) { nodes { id } totalCount }
    }`;
    const kind = raw.designs.find(
      (d) => raw.designs.filter((o) => o.asset_kind === d.asset_kind).length > 1,
    )!.asset_kind;
    const cases = [
      { assetKind: kind, expected: raw.designs.filter((d) => d.asset_kind === kind) },
      { openHardware: true, expected: raw.designs.filter((d) => d.open_hardware) },
      { openHardware: false, expected: raw.designs.filter((d) => !d.open_hardware) },
      {
        assetKind: kind,
        openHardware: true,
        expected: raw.designs.filter((d) => d.asset_kind === kind && d.open_hardware),
      },
    ];
    for (const { expected, ...filter } of cases) {
      const { openDesigns } = await data(query, filter);
      expect(openDesigns.nodes.map((node: any) => node.id)).toEqual(ids(expected));
      expect(openDesigns.totalCount).toBe(expected.length);
    }
  });

  it('filters emission factors by category', async () => {
    const { emissionFactors } = await data(
      `{ emissionFactors(category: MATERIAL, first: 100) { nodes { id category } totalCount } }`,
    );
    const expected = [...raw.factors.values()].filter((f) => f.category === 'MATERIAL');
    expect(emissionFactors.nodes.map((node: any) => node.id)).toEqual(ids(expected));
    expect(emissionFactors.totalCount).toBe(expected.length);
  });

  it.each([
    ['openCooperatives', -1],
    ['openDesigns', 101],
    ['emissionFactors', 1000],
  ])('%s rejects first: %i with an error naming "first"', async (field, first) => {
    const response = await sg.query(`query($first: Int) { ${field}(first: $first) { totalCount } }`, { first });
    expect(response.errors?.[0]?.message).toContain('first');
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
  });
});

describe('emission factors', () => {
  const query = `{ emissionFactors(first: 100) {
    totalCount
    nodes { id category name unit kgCO2ePerUnit occupancy kgCO2ePerPassengerKm source sourceUrl license year region notes }
  } }`;

  it('gives every row a source, a licence and a year, and none comes from the ICE database', async () => {
    const { emissionFactors } = await data(query);
    expect(emissionFactors.totalCount).toBe(raw.factors.size);
    expect(emissionFactors.nodes).toHaveLength(raw.factors.size);
    for (const node of emissionFactors.nodes) {
      expect(node.source.trim()).not.toBe('');
      expect(node.sourceUrl).toMatch(/^https:\/\//);
      expect(node.license.trim()).not.toBe('');
      expect(Number.isInteger(node.year)).toBe(true);
      expect(node.source).not.toMatch(/\bICE\b|Inventory of Carbon/i);
    }
  });

  it('derives per-passenger-km figures from the stated occupancy', async () => {
    const { emissionFactors } = await data(query);
    for (const node of emissionFactors.nodes) {
      const row = raw.factors.get(node.id);
      expect(node.kgCO2ePerUnit).toBe(row.kg_co2e_per_unit);
      if (row.category === 'PASSENGER_TRANSPORT' && row.unit === 'vehicle-km') {
        expect(node.kgCO2ePerPassengerKm).toBeCloseTo(row.kg_co2e_per_unit / row.occupancy, 12);
      } else if (row.category === 'PASSENGER_TRANSPORT' && row.unit === 'passenger-km') {
        expect(node.kgCO2ePerPassengerKm).toBe(row.kg_co2e_per_unit);
      } else {
        expect(node.kgCO2ePerPassengerKm).toBeNull();
      }
    }
    expect(emissionFactors.nodes.some((node: any) => node.unit === 'vehicle-km')).toBe(true);
  });
});

describe('open hardware', () => {
  it('marks at least one non-commercially licensed design as not open hardware', async () => {
    const { openDesigns } = await data(
      `{ openDesigns(openHardware: false, first: 100) { nodes { id license openHardware } } }`,
    );
    expect(openDesigns.nodes.length).toBeGreaterThan(0);
    expect(openDesigns.nodes.some((node: any) => /-NC-/.test(node.license) && node.openHardware === false)).toBe(true);
    // And no non-commercial licence passes as open hardware.
    expect(raw.designs.filter((d) => /-NC-/.test(d.license) && d.open_hardware)).toEqual([]);
  });
});

describe('what Open Know-How manifests state', () => {
  it('gives readiness levels and the fork as stored, null where no manifest said', async () => {
    const [stated, unstated] = raw.designs;
    const fields = {
      technology_readiness_level: 'OTRL-4',
      documentation_readiness_level: 'ODRL-3*',
      fork_of: 'https://example.org/upstream/cargo-bike',
    };
    await sg.db('open_designs').where('id', stated.id).update(fields);
    try {
      const query = `query($id: ID!) { openDesign(id: $id) { technologyReadinessLevel documentationReadinessLevel forkOf } }`;
      expect((await data(query, { id: stated.id })).openDesign).toEqual({
        technologyReadinessLevel: fields.technology_readiness_level,
        documentationReadinessLevel: fields.documentation_readiness_level,
        forkOf: fields.fork_of,
      });
      expect((await data(query, { id: unstated.id })).openDesign).toEqual({
        technologyReadinessLevel: unstated.technology_readiness_level,
        documentationReadinessLevel: unstated.documentation_readiness_level,
        forkOf: unstated.fork_of,
      });
    } finally {
      await sg
        .db('open_designs')
        .where('id', stated.id)
        .update({ technology_readiness_level: null, documentation_readiness_level: null, fork_of: null });
    }
  });
});

describe('_entities: City', () => {
  const query = `query($representations: [_Any!]!, $year: Int!) {
    _entities(representations: $representations) {
      ... on City {
        id
        openCooperatives { id }
        footprint(year: $year) { year embodiedKgCO2e avoidedKgCO2e netKgCO2e perCapitaKgCO2e methodology }
      }
    }
  }`;
  const city = (id: string, population: number, annualSharing: unknown) => ({
    __typename: 'City',
    id,
    population,
    annualSharing,
  });

  it('computes the footprint from the runs delivered that year and the sharing figures given', async () => {
    const { year, cityIds } = busiestYear();
    const cityId = cityIds[0]!;
    const embodied = runsIn(cityId, year).reduce((sum, run) => sum + runEmbodied(run), 0);
    expect(embodied).toBeGreaterThan(0);
    const population = 250_000;
    const avoided = embodied / 3;
    const sharing = [
      { year: year - 1, avoidedKgCO2e: 1 },
      { year, avoidedKgCO2e: avoided },
    ];
    const { _entities } = await data(query, { representations: [city(cityId, population, sharing)], year });
    const [entity] = _entities;
    expect(entity.id).toBe(cityId);
    expect(entity.openCooperatives).toEqual(
      ids(raw.cooperatives.filter((c) => c.city_id === cityId)).map((id) => ({ id })),
    );
    expect(entity.footprint.year).toBe(year);
    expect(entity.footprint.methodology).toBe('commons-footprint/1.1');
    expect(entity.footprint.embodiedKgCO2e).toBeCloseTo(embodied, 6);
    expect(entity.footprint.avoidedKgCO2e).toBeCloseTo(avoided, 6);
    expect(entity.footprint.netKgCO2e).toBeCloseTo(embodied - avoided, 6);
    expect(entity.footprint.perCapitaKgCO2e).toBeCloseTo((embodied - avoided) / population, 9);
  });

  it('leaves avoided, net and per capita null when sharing is unknown or suppressed, 0 when none is recorded', async () => {
    const { year, cityIds } = busiestYear();
    const cityId = cityIds[0]!;
    const embodied = runsIn(cityId, year).reduce((sum, run) => sum + runEmbodied(run), 0);
    const representations = [
      city(cityId, 1000, null),
      city(cityId, 1000, [{ year, avoidedKgCO2e: null }]),
      city(cityId, 1000, [{ year: year + 1, avoidedKgCO2e: 5 }]),
    ];
    // Each representation is its own entity; query them one by one so loaders cannot mix them up.
    const results = [];
    for (const representation of representations) {
      results.push((await data(query, { representations: [representation], year }))._entities[0].footprint);
    }
    for (const result of results) expect(result.embodiedKgCO2e).toBeCloseTo(embodied, 6);
    expect(results[0]).toMatchObject({ avoidedKgCO2e: null, netKgCO2e: null, perCapitaKgCO2e: null });
    expect(results[1]).toMatchObject({ avoidedKgCO2e: null, netKgCO2e: null, perCapitaKgCO2e: null });
    expect(results[2].avoidedKgCO2e).toBe(0);
    expect(results[2].netKgCO2e).toBeCloseTo(embodied, 6);
    expect(results[2].perCapitaKgCO2e).toBeCloseTo(embodied / 1000, 9);
  });

  it('gives 0 embodied emissions for a year without runs', async () => {
    const cityId = raw.runs[0].city_id;
    const year = 1950;
    expect(runsIn(cityId, year)).toEqual([]);
    const { _entities } = await data(query, { representations: [city(cityId, 10, [])], year });
    expect(_entities[0].footprint).toMatchObject({ year, embodiedKgCO2e: 0, avoidedKgCO2e: 0, netKgCO2e: 0 });
  });

  it.each([1899, 2101])('rejects year %i with an error naming "year"', async (year) => {
    const response = await sg.query(query, { representations: [city(raw.runs[0].city_id, 10, [])], year });
    expect(response.errors?.[0]?.message).toContain('year');
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'year' });
  });

  it('costs as many SQL statements for 10 cities as for 1', async () => {
    const { year, cityIds } = busiestYear();
    expect(cityIds.length).toBeGreaterThanOrEqual(10);
    const reps = (idList: string[]) => idList.map((id) => city(id, 100_000, [{ year, avoidedKgCO2e: 10 }]));
    const cost = async (idList: string[]) => {
      const before = await sg.sqlStatements();
      const { _entities } = await data(query, { representations: reps(idList), year });
      expect(_entities).toHaveLength(idList.length);
      _entities.forEach((entity: any, i: number) => {
        const embodied = runsIn(idList[i]!, year).reduce((sum, run) => sum + runEmbodied(run), 0);
        expect(entity.footprint.embodiedKgCO2e).toBeCloseTo(embodied, 6);
      });
      return (await sg.sqlStatements()) - before;
    };
    const one = await cost(cityIds.slice(0, 1));
    const ten = await cost(cityIds.slice(0, 10));
    expect(one).toBeGreaterThan(0);
    expect(ten).toBe(one);
  });
});

describe('_entities: SharedAsset', () => {
  const query = `query($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on SharedAsset { id embodiedKgCO2e origin { id units design { id } } }
    }
  }`;

  it('gives each delivered asset its run and that run’s per-unit embodied emissions', async () => {
    const runs = raw.runs.filter((run) => run.units > 1).slice(0, 3);
    const assets = runs.map((run) => raw.runAssets.find((a) => a.run_id === run.id).asset_id);
    const { _entities } = await data(query, {
      representations: assets.map((id) => ({ __typename: 'SharedAsset', id })),
    });
    _entities.forEach((entity: any, i: number) => {
      const run = runs[i];
      expect(entity).toMatchObject({
        id: assets[i],
        origin: { id: run.id, units: run.units, design: { id: run.design_id } },
      });
      expect(entity.embodiedKgCO2e).toBeCloseTo(runEmbodied(run) / run.units, 6);
    });
  });

  it('gives no origin and no embodied figure for an asset no run delivered', async () => {
    const { _entities } = await data(query, { representations: [{ __typename: 'SharedAsset', id: 'no-such-asset' }] });
    expect(_entities).toEqual([{ id: 'no-such-asset', embodiedKgCO2e: null, origin: null }]);
  });
});
