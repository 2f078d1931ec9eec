import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cities } from '../../seeds/data/cities.js';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import { SETTINGS, startTestSubgraph, type TestSubgraph } from '../harness.js';
import { close, loadRawData, recompute, type RawData } from '../recompute.js';

let coop: TestSubgraph;
let raw: RawData;

beforeAll(async () => {
  coop = await startTestSubgraph('coop');
  raw = await loadRawData(coop.db);
});
afterAll(() => coop?.stop());

const CITY_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on City {
  id platformCooperatives { id } sharing(period: { from: "2025-01-01", to: "2025-06-30" }) { uses kmShared suppressed }
  annualSharing { year avoidedKgCO2e }
} } }`;

describe('coop subgraph over HTTP', () => {
  it('looks up a co-op and its assets, and returns null for unknown ids', async () => {
    const seed = platformCooperatives[0]!;
    const { data } = await coop.query(
      `query($id: ID!) { platformCooperative(id: $id) { id name city { id } application { id } assetCount assets(first: 5) { totalCount nodes { id platformCooperative { id } } } } sharedAsset(id: "nope") { id } }`,
      { id: seed.id },
    );
    const assetTotal = Object.values(seed.assetMix).reduce((sum, n) => sum + (n ?? 0), 0);
    expect(data.platformCooperative).toMatchObject({
      id: seed.id,
      name: seed.name,
      city: { id: seed.cityId },
      application: { id: seed.applicationId },
      assetCount: assetTotal,
    });
    expect(data.platformCooperative.assets.totalCount).toBe(assetTotal);
    expect(data.platformCooperative.assets.nodes.every((a: any) => a.platformCooperative.id === seed.id)).toBe(true);
    expect(data.sharedAsset).toBeNull();
  });

  it('pages through co-ops with filters and totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { data } = await coop.query(
        `query($after: String) { platformCooperatives(first: 7, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(data.platformCooperatives.totalCount).toBe(platformCooperatives.length);
      seen.push(...data.platformCooperatives.nodes.map((n: { id: string }) => n.id));
      after = data.platformCooperatives.pageInfo.hasNextPage ? data.platformCooperatives.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(platformCooperatives.map((c) => c.id).sort());
    const city = platformCooperatives[0]!.cityId;
    const { data } = await coop.query(`query($c: ID) { platformCooperatives(cityId: $c) { totalCount } }`, { c: city });
    expect(data.platformCooperatives.totalCount).toBe(platformCooperatives.filter((c) => c.cityId === city).length);
  });

  it('resolves City entities with sharing recomputed from raw events', async () => {
    const ids = cities.slice(0, 4).map((c) => c.id);
    const { data, errors } = await coop.query(CITY_ENTITIES, { r: ids.map((id) => ({ __typename: 'City', id })) });
    expect(errors).toBeUndefined();
    data._entities.forEach((city: any, i: number) => {
      const coopIds = platformCooperatives.filter((c) => c.cityId === ids[i]).map((c) => c.id);
      expect(city.platformCooperatives.map((c: { id: string }) => c.id)).toEqual([...coopIds].sort());
      const expected = recompute(raw, coopIds, '2025-01-01', '2025-06-30', SETTINGS.suppressionK);
      expect(city.sharing.suppressed).toBe(expected.suppressed);
      if (!expected.suppressed) {
        expect(city.sharing.uses).toBe(expected.uses);
        expect(close(city.sharing.kmShared, expected.kmShared)).toBe(true);
      }
      const year = recompute(raw, coopIds, '2025-01-01', '2025-12-31', SETTINGS.suppressionK);
      const entry = city.annualSharing.find((y: { year: number }) => y.year === 2025);
      if (coopIds.length > 0 && !year.suppressed) expect(close(entry.avoidedKgCO2e, year.avoidedKgCO2e)).toBe(true);
    });
  });

  it('costs the same SQL statements for 10 cities as for 1', async () => {
    const count = async (n: number) => {
      const before = await coop.sqlStatements();
      await coop.query(CITY_ENTITIES, { r: cities.slice(0, n).map((c) => ({ __typename: 'City', id: c.id })) });
      return (await coop.sqlStatements()) - before;
    };
    const one = await count(1);
    expect(await count(10)).toBe(one);
  });

  it('never exposes raw usage events', async () => {
    // Output types only: ingest inputs are write-only and may carry events.
    const { data } = await coop.query(`{ __schema { types { name kind fields { name } } } }`);
    const readable = data.__schema.types.filter((t: any) => t.kind !== 'INPUT_OBJECT');
    const names = readable.flatMap((t: any) => [t.name, ...(t.fields ?? []).map((f: any) => f.name)]);
    expect(names.filter((name: string) => /usage_?event|member_?ref|started_?at|ended_?at/i.test(name))).toEqual([]);
  });
});
