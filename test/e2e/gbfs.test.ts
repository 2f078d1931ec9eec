/**
 * GBFS through the gateway over HTTP: the feeds at their stable URLs (followed from the
 * discovery file, valid against the official v3.0 schemas, cached for their ttl), the refusals
 * (not a vehicle co-op, unknown co-op, wrong method, a subgraph asked directly), and the GraphQL
 * side (hubs, imported availability, the feeds' path, the operator's live feed), batched without
 * N+1 queries. That no use changes the feeds is proven in test/e2e/privacy.test.ts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import { runImport } from '../../scripts/interop/run.js';
import { startTestStack, type TestStack } from '../harness.js';
import { freshDatabases, open } from '../interop/helpers.js';
import { GBFS_EXAMPLES, addCoop, gbfsAbsent, gbfsSchema, readJson } from '../interop/gbfs-helpers.js';

let stack: TestStack;
let origin: string;
let databases: Record<SubgraphName, DatabaseConfig>;
let remove: () => void;

beforeAll(async () => {
  ({ databases, remove } = await freshDatabases());
  const db = open(databases.coop);
  try {
    await addCoop(db, 'velo-import');
  } finally {
    await db.destroy();
  }
  if (!gbfsAbsent) {
    const [report] = await runImport('gbfs', GBFS_EXAMPLES.v30(), { databases, coop: 'velo-import' });
    expect(report!.refused).toBeUndefined();
  }
  stack = await startTestStack({ databases });
  origin = new URL(stack.gatewayUrl).origin;
});
afterAll(async () => {
  await stack?.stop();
  remove?.();
});

const get = (pathname: string, init?: RequestInit) => fetch(`${origin}${pathname}`, init);

describe('GBFS feeds at the gateway', () => {
  it('serves the discovery file and every feed it names, each valid and cached for its ttl', async () => {
    const discovery = await get('/gbfs/muniride-gent/gbfs.json');
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await discovery.json()) as any;
    expect(discovery.headers.get('cache-control')).toBe(`public, max-age=${body.ttl}`);
    const names = body.data.feeds.map((feed: any) => feed.name).sort();
    expect(names).toEqual(
      ['gbfs_versions', 'station_information', 'station_status', 'system_information', 'vehicle_types'].sort(),
    );
    if (!gbfsAbsent) expect(gbfsSchema('3.0', 'gbfs')(body)).toBe(true);
    for (const feed of body.data.feeds) {
      // The URLs point back at this gateway, at /gbfs/<co-op>/<feed>.json.
      expect(feed.url).toBe(`${origin}/gbfs/muniride-gent/${feed.name}.json`);
      const response = await fetch(feed.url);
      expect(response.status, feed.name).toBe(200);
      const json = (await response.json()) as any;
      expect(response.headers.get('cache-control')).toBe(`public, max-age=${json.ttl}`);
      expect(json.version).toBe('3.0');
      if (!gbfsAbsent) {
        const validate = gbfsSchema('3.0', feed.name);
        expect(validate(json), `${feed.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it("describes, never watches: every feed has the same ttl and the system's last change as last_updated", async () => {
    const status = (await (await get('/gbfs/muniride-gent/station_status.json')).json()) as any;
    const info = (await (await get('/gbfs/muniride-gent/station_information.json')).json()) as any;
    expect(status.ttl).toBe(info.ttl);
    expect([status.last_updated, info.last_updated]).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z']);
    // Each station reports the fleet based there, as of that date: nothing moves with a use.
    expect(new Set(status.data.stations.map((s: any) => s.last_reported))).toEqual(new Set(['2025-01-01T00:00:00Z']));
  });

  it('answers 404 with a JSON reason for co-ops without feeds, unknown co-ops and unknown feeds', async () => {
    for (const [pathname, reason] of [
      ['/gbfs/fairbnb-bologna/gbfs.json', /shares no vehicles/],
      ['/gbfs/localtools-gent/station_status.json', /shares no vehicles/],
      ['/gbfs/muniride-gent/vehicle_status.json', /No GBFS feed/],
      ['/gbfs/no-such-coop/gbfs.json', /no platform co-op has id no-such-coop/],
      ['/gbfs/muniride-gent/system_pricing_plans.json', /No GBFS feed/],
      ['/gbfs/muniride-gent', /No GBFS feed/],
    ] as const) {
      const response = await get(pathname);
      expect(response.status, pathname).toBe(404);
      expect(((await response.json()) as any).error).toMatch(reason);
    }
  });

  it('reads only with GET, and the coop subgraph answers only the gateway', async () => {
    const post = await get('/gbfs/muniride-gent/gbfs.json', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    const direct = await fetch(stack.subgraphs.coop.url.replace('/graphql', '/gbfs/muniride-gent/gbfs.json'));
    expect(direct.status).toBe(401);
  });
});

describe('GBFS in the graph', () => {
  const COOP_GBFS = `query ($id: ID!) {
    platformCooperative(id: $id) {
      gbfs
      vehicleSharingSystem { systemId timezone languages importedVersion operationalFeedUrl vehicleTypes { id kind formFactor propulsionType } freeFloating { kind count } }
      hubs(first: 30) { totalCount nodes { id stationId name lat lon capacity isVirtual
        availability { vehiclesAvailable docksAvailable byKind { kind count } isRenting reportedAt } } }
    }
  }`;

  it('gives a vehicle co-op its feeds path and hubs, and the path answers through the gateway', async () => {
    const { data, errors } = await stack.query(COOP_GBFS, { id: 'muniride-gent' });
    expect(errors).toBeUndefined();
    const coop = data.platformCooperative;
    expect(coop.gbfs).toBe('/gbfs/muniride-gent/gbfs.json');
    expect((await get(coop.gbfs)).status).toBe(200);
    const info = (await (await get('/gbfs/muniride-gent/station_information.json')).json()) as any;
    expect(coop.hubs.totalCount).toBe(info.data.stations.length);
    expect(coop.hubs.nodes.map((hub: any) => [hub.stationId, hub.lat, hub.lon, hub.capacity]).sort()).toEqual(
      info.data.stations.map((s: any) => [s.station_id, s.lat, s.lon, s.capacity]).sort(),
    );
    // The graph never derives availability from uses; a seeded co-op has no live feed to link to.
    expect(coop.hubs.nodes.every((hub: any) => hub.availability === null)).toBe(true);
    expect(coop.vehicleSharingSystem.operationalFeedUrl).toBeNull();
    expect(coop.vehicleSharingSystem.vehicleTypes.map((t: any) => t.kind).sort()).toEqual([
      'BIKE',
      'CARGO_BIKE',
      'E_BIKE',
    ]);
  });

  it('says null for co-ops that share no vehicles', async () => {
    const { data } = await stack.query(COOP_GBFS, { id: 'fairbnb-bologna' });
    expect(data.platformCooperative).toMatchObject({ gbfs: null, vehicleSharingSystem: null, hubs: { totalCount: 0 } });
  });

  it.skipIf(gbfsAbsent)('shows imported availability per hub and kind, as the imported feed said', async () => {
    const { data, errors } = await stack.query(COOP_GBFS, { id: 'velo-import' });
    expect(errors).toBeUndefined();
    const coop = data.platformCooperative;
    const status = readJson(path.join(GBFS_EXAMPLES.v30(), 'station_status.json')).data.stations[0];
    const hub = coop.hubs.nodes.find((node: any) => node.stationId === status.station_id);
    expect(hub.availability).toEqual({
      vehiclesAvailable: status.vehicle_types_available.find((t: any) => t.vehicle_type_id === 'ebicycle_paris').count,
      docksAvailable: status.num_docks_available ?? null,
      byKind: [{ kind: 'E_BIKE', count: 0 }],
      isRenting: status.is_renting,
      reportedAt: new Date(status.last_reported).toISOString(),
    });
    expect(coop.hubs.nodes.filter((node: any) => node.availability !== null)).toHaveLength(1);
    const vehicles = readJson(path.join(GBFS_EXAMPLES.v30(), 'vehicle_status.json')).data.vehicles as any[];
    expect(coop.vehicleSharingSystem.freeFloating).toEqual([
      { kind: 'E_BIKE', count: vehicles.filter((v) => !v.is_reserved && !v.is_disabled && !v.station_id).length },
    ]);
    expect(coop.vehicleSharingSystem.importedVersion).toBe('3.0');
    const versions = readJson(path.join(GBFS_EXAMPLES.v30(), 'gbfs_versions.json')).data.versions as any[];
    expect(coop.vehicleSharingSystem.operationalFeedUrl).toBe(versions.find((v) => v.version === '3.0').url);
  });

  it('costs about as many SQL statements for 20 co-ops as for 12 (vehicle co-ops with hubs in both)', async () => {
    const LIST = `query ($first: Int!) { platformCooperatives(first: $first) { nodes { id gbfs
      vehicleSharingSystem { systemId vehicleTypes { id kind } freeFloating { kind count } }
      hubs(first: 10) { nodes { id name availability { vehiclesAvailable byKind { kind count } } } } } } }`;
    const statementsFor = async (first: number) => {
      const before = await stack.sqlStatements();
      const { data, errors } = await stack.query(LIST, { first });
      expect(errors).toBeUndefined();
      expect(data.platformCooperatives.nodes).toHaveLength(first);
      return (await stack.sqlStatements()) - before;
    };
    // Ordered by id, the first 12 co-ops include one vehicle co-op with hubs; the next 8 add seven.
    const twelve = await statementsFor(12);
    const twenty = await statementsFor(20);
    console.info(`GBFS list SQL statements: 12 co-ops ${twelve}, 20 co-ops ${twenty}`);
    expect(twelve).toBeGreaterThan(0);
    expect(twenty).toBeLessThanOrEqual(twelve + 2);
  });
});
