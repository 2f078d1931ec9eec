/**
 * GBFS import and export on fresh copies of the seeded databases: the official example feeds
 * import with the outcomes recomputed here from the files, bad inputs are refused whole and
 * change nothing, re-imports change nothing, the GBFS 3.0 export of every seeded vehicle co-op
 * validates against the official schemas, no ingested use changes a byte of it (during the use or
 * after), and the export imports back into a fresh co-op with the same hubs, types and station
 * statuses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import type { FileReport, RecordReport } from '../../lib/interop.js';
import { runExport, runImport, type ImportOptions } from '../../scripts/interop/run.js';
import { ingestUsage } from '../../subgraphs/coop/db/writes.js';
import type { SharedAssetRow } from '../../subgraphs/coop/db/tables.js';
import {
  GBFS_EXPORT_FEEDS,
  GbfsNotPublishedError,
  buildGbfsFeeds,
  publishableGbfsCoopIds,
} from '../../subgraphs/coop/interop/gbfs-export.js';
import { kindOfVehicleType } from '../../subgraphs/coop/interop/gbfs.js';
import { dump, freshDatabases, open, tempDir } from './helpers.js';
import {
  GBFS_EXAMPLES,
  GBFS_TABLES,
  addCoop,
  copyExample,
  editJson,
  gbfsAbsent,
  gbfsSchema,
  readJson,
} from './gbfs-helpers.js';

const NOW = new Date('2026-11-24T12:00:00Z');
/** After the seeded usage history (2025), so no seeded use is under way. */
const EXPORT_AT = new Date('2026-03-02T10:00:00Z');
const BASE_URL = 'https://graph.example.org';

let databases: Record<SubgraphName, DatabaseConfig>;
const cleanups: (() => void)[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  const fresh = await freshDatabases();
  databases = fresh.databases;
  cleanups.push(fresh.remove);
  const db = open(databases.coop);
  try {
    for (const id of ['gbfs-v30', 'gbfs-v23', 'gbfs-oslo', 'gbfs-refusals', 'gbfs-roundtrip', 'gbfs-records'])
      await addCoop(db, id);
  } finally {
    await db.destroy();
  }
});
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const importGbfs = (target: string, options: Partial<ImportOptions> = {}) =>
  runImport('gbfs', target, { databases, now: NOW, ...options });

/** The record of a report with the given key; fails the test when absent. */
function recordOf(report: FileReport, key: string): RecordReport {
  const record = report.records.find((r) => r.key === key);
  expect(record, `record ${key}`).toBeDefined();
  return record!;
}

const statuses = (report: FileReport) => report.records.map((record) => record.status);

/** Dumps every GBFS table (and events, assets, bins) of the coop database. */
async function coopDump() {
  const db = open(databases.coop);
  try {
    return await dump(db, GBFS_TABLES);
  } finally {
    await db.destroy();
  }
}

/** Imports, expects the file refused with a message matching `reason`, and nothing changed. */
async function expectRefused(target: string, reason: RegExp, options: Partial<ImportOptions> = {}) {
  const before = await coopDump();
  const [report] = await importGbfs(target, options);
  expect(report!.refused).toMatch(reason);
  expect(report!.records).toEqual([]);
  expect(await coopDump()).toEqual(before);
}

describe('kinds of GBFS vehicle types', () => {
  it('maps bicycles, cargo bicycles and cars, and nothing else', () => {
    expect(kindOfVehicleType('bicycle', 'human')).toBe('BIKE');
    expect(kindOfVehicleType('bicycle', 'electric_assist')).toBe('E_BIKE');
    expect(kindOfVehicleType('cargo_bicycle', 'electric_assist')).toBe('CARGO_BIKE');
    expect(kindOfVehicleType('car', 'combustion')).toBe('CAR');
    for (const form of ['scooter', 'scooter_standing', 'moped', 'other'])
      expect(kindOfVehicleType(form, 'electric')).toBeNull();
  });
});

describe.skipIf(gbfsAbsent)('the official example feeds', () => {
  const mapped = ['system_information', 'vehicle_types', 'station_information', 'station_status'];

  it('are valid against the official schema of their version (the test checks its inputs)', () => {
    for (const [dir, version, vehicles] of [
      [GBFS_EXAMPLES.v30(), '3.0', 'vehicle_status'],
      [GBFS_EXAMPLES.v23(), '2.3', 'free_bike_status'],
    ] as const) {
      for (const feed of ['gbfs', ...mapped, vehicles]) {
        const validate = gbfsSchema(version, feed);
        expect(
          validate(readJson(path.join(dir, `${feed}.json`))),
          `${version} ${feed}: ${JSON.stringify(validate.errors)}`,
        ).toBe(true);
      }
    }
    const validate = gbfsSchema('2.3', 'station_status');
    expect(validate(readJson(path.join(GBFS_EXAMPLES.oslo(), 'station_status.json')))).toBe(true);
  });

  it('GBFS 3.0: system, type, every station, the one status and the free-floating e-bikes, recomputed from the files', async () => {
    const dir = GBFS_EXAMPLES.v30();
    const [report] = await importGbfs(dir, { coop: 'gbfs-v30' });
    expect(report!.refused).toBeUndefined();
    const info = readJson(path.join(dir, 'system_information.json')).data;
    const stations = readJson(path.join(dir, 'station_information.json')).data.stations as any[];
    const status = readJson(path.join(dir, 'station_status.json')).data.stations as any[];
    const vehicles = readJson(path.join(dir, 'vehicle_status.json')).data.vehicles as any[];
    expect(recordOf(report!, `system_information/${info.system_id}`).status).toBe('created');
    expect(recordOf(report!, 'vehicle_types/ebicycle_paris')).toMatchObject({
      status: 'created',
      entity: 'AssetKind E_BIKE',
    });
    for (const station of stations) expect(recordOf(report!, `stations/${station.station_id}`).status).toBe('created');
    const statusRecord = recordOf(report!, `station_status/${status[0].station_id}`);
    expect(statusRecord.status).toBe('created');
    // The station counts a type the file never defines: noted, not counted, not rejected.
    expect(statusRecord.notes.join()).toMatch(/escooter_paris not counted/);
    const free = vehicles.filter((v) => !v.station_id && !v.is_reserved && !v.is_disabled).length;
    expect(recordOf(report!, 'vehicle_status/ebicycle_paris')).toMatchObject({
      status: 'created',
      notes: [`${free} of ${vehicles.length} free-floating vehicle(s) available`],
    });
    expect(report!.records).toHaveLength(1 + 1 + stations.length + status.length + 1);
    expect(report!.notes.join()).toMatch(/not mapped: .*system_pricing_plans.*geofencing_zones/);

    const db = open(databases.coop);
    try {
      const hubs = await db('sharing_hubs').where('platform_cooperative_id', 'gbfs-v30').orderBy('station_id');
      const expected = [...stations].sort((a, b) => a.station_id.localeCompare(b.station_id));
      expect(hubs.map((hub) => [hub.station_id, hub.name, hub.lat, hub.lon, Boolean(hub.is_virtual_station)])).toEqual(
        expected.map((s) => [s.station_id, s.name[0].text, s.lat, s.lon, s.is_virtual_station === true]),
      );
      const system = await db('gbfs_systems').where('platform_cooperative_id', 'gbfs-v30').first();
      expect(system).toMatchObject({ system_id: info.system_id, timezone: info.timezone, source_version: '3.0' });
      // The operator's live discovery URL, as its gbfs_versions file gives it for 3.0: the graph links to it.
      const versions = readJson(path.join(dir, 'gbfs_versions.json')).data.versions as any[];
      expect(system.operational_feed_url).toBe(versions.find((v) => v.version === '3.0').url);
      expect(await db('gbfs_free_floating').where('platform_cooperative_id', 'gbfs-v30')).toEqual([
        { platform_cooperative_id: 'gbfs-v30', vehicle_type_id: 'ebicycle_paris', vehicles_available: free },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('GBFS 2.3: per-language discovery; scooters rejected with the reason, and left out of the counts', async () => {
    const dir = GBFS_EXAMPLES.v23();
    const [report] = await importGbfs(dir, { coop: 'gbfs-v23' });
    expect(report!.refused).toBeUndefined();
    expect(recordOf(report!, 'system_information/TST:System:Test').notes.join()).toMatch(/feed_contact_email/);
    expect(recordOf(report!, 'vehicle_types/TST:VehicleType:Scooter')).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/form_factor: scooter .*no asset kind/),
    });
    expect(recordOf(report!, 'vehicle_types/TST:VehicleType:CityBike').status).toBe('created');
    expect(recordOf(report!, 'free_bike_status/TST:VehicleType:Scooter')).toMatchObject({ status: 'rejected' });
    const status = readJson(path.join(dir, 'station_status.json')).data.stations as any[];
    const db = open(databases.coop);
    try {
      for (const station of status) {
        expect(recordOf(report!, `station_status/${station.station_id}`).status).toBe('created');
        const bikes = station.vehicle_types_available.find(
          (t: any) => t.vehicle_type_id === 'TST:VehicleType:CityBike',
        ).count;
        const row = await db('sharing_hub_status').where('hub_id', `gbfs-v23/${station.station_id}`).first();
        expect([row.vehicles_available, row.docks_available, row.last_reported]).toEqual([
          bikes,
          station.num_docks_available,
          new Date(station.last_reported * 1000).toISOString(),
        ]);
      }
      // Its gbfs_versions lists 2.2 only, and its discovery has no gbfs entry: no live feed known.
      const system = await db('gbfs_systems').where('platform_cooperative_id', 'gbfs-v23').first();
      expect(system.operational_feed_url).toBeNull();
    } finally {
      await db.destroy();
    }
  });

  it('a second import of each example reports every record unchanged (or rejected again) and changes nothing', async () => {
    const before = await coopDump();
    for (const [dir, coop] of [
      [GBFS_EXAMPLES.v30(), 'gbfs-v30'],
      [GBFS_EXAMPLES.v23(), 'gbfs-v23'],
    ] as const) {
      const [report] = await importGbfs(dir, { coop, now: new Date(NOW.getTime() + 3_600_000) });
      expect(new Set(statuses(report!).filter((s) => s !== 'rejected'))).toEqual(new Set(['unchanged']));
    }
    expect(await coopDump()).toEqual(before);
  });

  it('without --coop, a known system_id finds its co-op', async () => {
    const [report] = await importGbfs(path.join(GBFS_EXAMPLES.v30(), 'gbfs.json'));
    expect(report!.refused).toBeUndefined();
    expect(recordOf(report!, 'system_information/example_london').entity).toBe('PlatformCooperative gbfs-v30');
  });

  it('refuses a vehicle feed for a co-op that shares tools or homes, naming what it shares, and changes nothing', async () => {
    const feed = path.join(GBFS_EXAMPLES.v30(), 'gbfs.json');
    await expectRefused(feed, /localtools-gent: this co-op shares TOOL, not vehicles.*CAR, E_BIKE, BIKE, CARGO_BIKE/, {
      coop: 'localtools-gent',
    });
    await expectRefused(feed, /fairbnb-bologna: this co-op shares HOME, ROOM, not vehicles/, {
      coop: 'fairbnb-bologna',
    });
  });

  it('the Oslo lone station_status: refused where no station is known, imported against known stations', async () => {
    const oslo = GBFS_EXAMPLES.oslo();
    await expectRefused(oslo, /no GBFS system yet/, { coop: 'gbfs-oslo' });
    await expectRefused(oslo, /none of the 256 stations .* is a hub of co-op gbfs-v30/, { coop: 'gbfs-v30' });
    await expectRefused(oslo, /give --coop/);

    // A system whose stations are three of Oslo's, with Oslo's two vehicle types.
    const all = readJson(path.join(oslo, 'station_status.json')).data.stations as any[];
    const known = all.slice(0, 3);
    const dir = copyExample(GBFS_EXAMPLES.v23(), (d) => {
      editJson(d, 'gbfs.json', (json) => {
        json.data.en.feeds = json.data.en.feeds.filter((f: any) =>
          ['system_information', 'vehicle_types', 'station_information'].includes(f.name),
        );
      });
      editJson(d, 'system_information.json', (json) => (json.data.system_id = 'oslo-test'));
      editJson(d, 'vehicle_types.json', (json) => {
        json.data.vehicle_types = [
          { vehicle_type_id: 'bike', form_factor: 'bicycle', propulsion_type: 'human' },
          {
            vehicle_type_id: 'ebike',
            form_factor: 'bicycle',
            propulsion_type: 'electric_assist',
            max_range_meters: 50000,
          },
        ];
      });
      editJson(d, 'station_information.json', (json) => {
        json.data.stations = known.map((s, i) => ({
          station_id: s.station_id,
          name: `Stasjon ${i}`,
          lat: 59.9 + i / 100,
          lon: 10.7,
        }));
      });
    });
    dirs.push(dir);
    const [system] = await importGbfs(dir, { coop: 'gbfs-oslo' });
    expect(system!.refused).toBeUndefined();
    const [report] = await importGbfs(oslo, { coop: 'gbfs-oslo' });
    expect(report!.refused).toBeUndefined();
    expect(report!.records).toHaveLength(all.length);
    for (const station of all) {
      const record = recordOf(report!, `station_status/${station.station_id}`);
      if (known.includes(station)) expect(record.status).toBe('created');
      else
        expect(record).toMatchObject({
          status: 'rejected',
          reason: expect.stringMatching(/neither in station_information nor among/),
        });
    }
    const db = open(databases.coop);
    try {
      for (const station of known) {
        const counts = await db('sharing_hub_vehicle_counts')
          .where('hub_id', `gbfs-oslo/${station.station_id}`)
          .orderBy('vehicle_type_id');
        expect(counts.map((c) => [c.vehicle_type_id, c.count])).toEqual(
          station.vehicle_types_available.map((t: any) => [t.vehicle_type_id, t.count]).sort(),
        );
      }
    } finally {
      await db.destroy();
    }
  });
});

describe.skipIf(gbfsAbsent)('refusals and rejected records', () => {
  /** A copy of the v3.0 example, edited; removed after the run. */
  const edited = (edit: (dir: string) => void) => {
    const dir = copyExample(GBFS_EXAMPLES.v30(), edit);
    dirs.push(dir);
    return dir;
  };

  it('refuses a whole import, changing nothing, for each kind of bad input', async () => {
    const coop = { coop: 'gbfs-refusals' };
    await expectRefused(
      edited((d) => editJson(d, 'gbfs.json', (j) => delete j.version)),
      /version is missing/,
      coop,
    );
    await expectRefused(
      edited((d) => editJson(d, 'gbfs.json', (j) => (j.version = '2.2'))),
      /unsupported GBFS version "2.2"/,
      coop,
    );
    await expectRefused(
      edited((d) => editJson(d, 'station_status.json', (j) => (j.version = '2.3'))),
      /differs from the discovery/,
      coop,
    );
    await expectRefused(
      edited((d) => fs.writeFileSync(path.join(d, 'vehicle_types.json'), '{"version": "3.0",')),
      /vehicle_types.json: malformed JSON/,
      coop,
    );
    await expectRefused(
      edited((d) => fs.rmSync(path.join(d, 'station_status.json'))),
      /station_status.json: named by gbfs.json but absent/,
      coop,
    );
    await expectRefused(
      edited((d) => editJson(d, 'system_information.json', (j) => delete j.data.system_id)),
      /system_id: missing \(mandatory\)/,
      coop,
    );
    await expectRefused(
      edited((d) => editJson(d, 'system_information.json', (j) => (j.data.timezone = 'Mars/Olympus'))),
      /not an IANA time zone/,
      coop,
    );
    await expectRefused(GBFS_EXAMPLES.v30(), /no platform co-op has this id/, { coop: 'no-such-coop' });
    // A co-op has one system: the seeded muniride-gent publishes its own.
    await expectRefused(GBFS_EXAMPLES.v30(), /already has GBFS system muniride-gent/, { coop: 'muniride-gent' });
    await expectRefused(
      edited((d) => editJson(d, 'system_information.json', (j) => (j.data.system_id = 'unknown-system'))),
      /no co-op has this GBFS system yet: give --coop/,
    );
  }, 180_000); // a dozen imports, each with two dumps of the coop tables: minutes on a loaded 2-core machine

  it('rejects bad records on their own, naming the key at fault, and imports the rest', async () => {
    const dir = edited((d) => {
      editJson(d, 'vehicle_types.json', (j) =>
        j.data.vehicle_types.push({
          vehicle_type_id: 'moped',
          form_factor: 'moped',
          propulsion_type: 'electric',
          max_range_meters: 1,
        }),
      );
      editJson(d, 'station_information.json', (j) => {
        delete j.data.stations[0].lat;
        j.data.stations[1].capacity = -3;
      });
    });
    const before = await coopDump();
    const [report] = await importGbfs(dir, { coop: 'gbfs-records' });
    const stations = readJson(path.join(dir, 'station_information.json')).data.stations as any[];
    expect(recordOf(report!, 'vehicle_types/moped')).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/moped .*no asset kind/),
    });
    expect(recordOf(report!, `stations/${stations[0].station_id}`)).toMatchObject({
      status: 'rejected',
      reason: 'lat: missing (mandatory)',
    });
    expect(recordOf(report!, `stations/${stations[1].station_id}`)).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^capacity:/),
    });
    // The one status is for the station rejected above: there is no hub to report it for.
    expect(recordOf(report!, `station_status/${stations[0].station_id}`).status).toBe('rejected');
    expect(report!.records.filter((r) => r.status === 'created')).toHaveLength(1 + 1 + stations.length - 2 + 1);
    const after = await coopDump();
    // GBFS never makes usage events or shared assets.
    for (const table of ['shared_assets', 'usage_events', 'usage_bins']) expect(after[table]).toEqual(before[table]);
  });
});

describe('GBFS 3.0 export', () => {
  it('publishes exactly the seeded vehicle co-ops, and refuses others with the reason', async () => {
    const db = open(databases.coop);
    try {
      const vehicleCoops = (
        await db('shared_assets')
          .whereIn('kind', ['BIKE', 'E_BIKE', 'CARGO_BIKE', 'CAR'])
          .distinct('platform_cooperative_id')
      )
        .map((row) => row.platform_cooperative_id)
        .sort();
      expect(await publishableGbfsCoopIds(db)).toEqual(expect.arrayContaining(vehicleCoops));
      const options = { baseUrl: BASE_URL, now: EXPORT_AT };
      await expect(buildGbfsFeeds(db, 'fairbnb-bologna', options)).rejects.toThrow(/shares no vehicles/);
      await expect(buildGbfsFeeds(db, 'no-such-coop', options)).rejects.toThrow(GbfsNotPublishedError);
    } finally {
      await db.destroy();
    }
  });

  it.skipIf(gbfsAbsent)('validates every feed of every publishing co-op against the official v3.0 schema', async () => {
    const db = open(databases.coop);
    try {
      const ids = await publishableGbfsCoopIds(db);
      expect(ids.length).toBeGreaterThanOrEqual(8);
      for (const id of ids) {
        const feeds = await buildGbfsFeeds(db, id, { baseUrl: BASE_URL, now: EXPORT_AT });
        for (const feed of GBFS_EXPORT_FEEDS) {
          const validate = gbfsSchema('3.0', feed);
          expect(validate(feeds[feed].body), `${id} ${feed}: ${JSON.stringify(validate.errors)}`).toBe(true);
          expect(feeds[feed].body.ttl).toBe(feeds[feed].ttl);
        }
        expect((feeds.gbfs.body.data as any).feeds.map((f: any) => f.url)).toContain(
          `${BASE_URL}/gbfs/${id}/station_status.json`,
        );
      }
    } finally {
      await db.destroy();
    }
  });
});

describe('feeds that describe, never watch (privacy rule 4)', () => {
  const COOP = 'muniride-leuven';
  let asset: SharedAssetRow;

  beforeAll(async () => {
    const db = open(databases.coop);
    try {
      const day = EXPORT_AT.toISOString().slice(0, 10);
      asset = await db('shared_assets')
        .where('platform_cooperative_id', COOP)
        .whereNotNull('hub_id')
        .where('commissioned_on', '<=', day)
        .whereNull('decommissioned_on')
        .orderBy('id')
        .first();
    } finally {
      await db.destroy();
    }
  });

  async function feedsAt(now: Date) {
    const db = open(databases.coop);
    try {
      const feeds = await buildGbfsFeeds(db, COOP, { baseUrl: BASE_URL, now });
      return Object.fromEntries(Object.entries(feeds).map(([name, feed]) => [name, JSON.stringify(feed.body)]));
    } finally {
      await db.destroy();
    }
  }

  it('publish no vehicle_status, and are byte-identical before, during and after an ingested use', async () => {
    expect(GBFS_EXPORT_FEEDS).not.toContain('vehicle_status');
    const before = await feedsAt(EXPORT_AT);
    expect(Object.keys(before).sort()).toEqual([...GBFS_EXPORT_FEEDS].sort());
    const start = new Date(EXPORT_AT.getTime() + 30 * 60_000);
    const end = new Date(EXPORT_AT.getTime() + 90 * 60_000);
    const db = open(databases.coop);
    try {
      const outcome = await ingestUsage(
        db,
        COOP,
        [
          {
            clientEventId: 'gbfs-describes-1',
            assetId: asset.id,
            memberRef: 'member-x',
            startedAt: start.toISOString(),
            endedAt: end.toISOString(),
            km: 3,
          },
        ],
        end,
      );
      expect(outcome.accepted).toBe(1);
    } finally {
      await db.destroy();
    }
    expect(await feedsAt(EXPORT_AT)).toEqual(before);
    expect(await feedsAt(new Date(EXPORT_AT.getTime() + 60 * 60_000))).toEqual(before);
    expect(await feedsAt(new Date(EXPORT_AT.getTime() + 120 * 60_000))).toEqual(before);
  });
});

describe.skipIf(gbfsAbsent)('round trip: export, then import into a fresh co-op', () => {
  it('gives the same hubs, vehicle types and availability', async () => {
    const SOURCE = 'muniride-gent';
    const out = tempDir('gbfs-export');
    dirs.push(out);
    const files = await runExport('gbfs', {
      databases,
      ids: [SOURCE],
      baseUrl: BASE_URL,
      now: EXPORT_AT,
    });
    for (const file of files) {
      fs.mkdirSync(path.join(out, path.dirname(file.path)), { recursive: true });
      fs.writeFileSync(path.join(out, file.path), file.content);
    }
    const [report] = await importGbfs(path.join(out, SOURCE), { coop: 'gbfs-roundtrip' });
    expect(report!.refused).toBeUndefined();
    expect(statuses(report!).filter((s) => s !== 'created')).toEqual([]);

    const db = open(databases.coop);
    try {
      const again = await buildGbfsFeeds(db, 'gbfs-roundtrip', { baseUrl: BASE_URL, now: EXPORT_AT });
      const original = await buildGbfsFeeds(db, SOURCE, { baseUrl: BASE_URL, now: EXPORT_AT });
      for (const feed of ['vehicle_types', 'station_information', 'station_status', 'system_information'] as const) {
        expect(again[feed].body.data, feed).toEqual(original[feed].body.data);
      }
      // And against the source co-op's own rows: hubs, and the fleet based at each.
      const hubs = await db('sharing_hubs').where('platform_cooperative_id', SOURCE).orderBy('station_id');
      const copied = await db('sharing_hubs').where('platform_cooperative_id', 'gbfs-roundtrip').orderBy('station_id');
      const carried = (h: any) => [h.station_id, h.name, h.lat, h.lon, h.address, h.capacity];
      expect(copied.map(carried)).toEqual(hubs.map(carried));
      const day = EXPORT_AT.toISOString().slice(0, 10);
      for (const hub of hubs) {
        const here = await db('shared_assets')
          .where('hub_id', hub.id)
          .where('commissioned_on', '<=', day)
          .where((w) => w.whereNull('decommissioned_on').orWhere('decommissioned_on', '>=', day));
        const status = await db('sharing_hub_status').where('hub_id', `gbfs-roundtrip/${hub.station_id}`).first();
        expect(status.vehicles_available).toBe(here.length);
      }
    } finally {
      await db.destroy();
    }
  });
});
