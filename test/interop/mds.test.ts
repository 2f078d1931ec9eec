/**
 * MDS provider trips as usage events, on fresh copies of the seeded databases: a small
 * hand-written payload imports with the per-trip outcomes written below, bad payloads are
 * refused whole, re-imports change nothing, and a larger generated payload feeds the same
 * bins, aggregates and suppression as any usage: each day's bin counts exactly the fewest
 * riders its trips need (the most trips under way at once), recomputed here independently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import { createRandom } from '../../seeds/prng.js';
import { deviceAssetId } from '../../subgraphs/coop/interop/mds-apply.js';
import { assignRiderSlots } from '../../subgraphs/coop/interop/mds.js';
import { runImport } from '../../scripts/interop/run.js';
import { startTestSubgraph } from '../harness.js';
import { COOP_TABLES, dump, freshDatabases, open, tempDir } from './helpers.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'mds', 'trips-1.2.json');
const NOW = new Date('2026-11-24T12:00:00Z');
const COOP = 'muniride-gent';
const device = (n: number) => `${n.toString(16).padStart(8, '0')}-1111-4111-8111-111111111111`;
const trip = (n: number) => `${n.toString(16).padStart(8, '0')}-2222-4222-8222-222222222222`;

let databases: Record<SubgraphName, DatabaseConfig>;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  const fresh = await freshDatabases();
  databases = fresh.databases;
  cleanups.push(fresh.remove);
});
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

function write(name: string, payload: unknown): string {
  const dir = tempDir('mds');
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return file;
}

/** The most intervals under way at one moment; an interval ending when another starts does not overlap it. */
function maxConcurrent(intervals: readonly { startedAt: string; endedAt: string }[]): number {
  const points = intervals.flatMap((interval) => [
    { at: interval.startedAt, delta: 1 },
    { at: interval.endedAt, delta: -1 },
  ]);
  points.sort((a, b) => a.at.localeCompare(b.at) || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const point of points) {
    current += point.delta;
    most = Math.max(most, current);
  }
  return most;
}

describe('the hand-written MDS 1.2 payload (test/interop/fixtures/mds/trips-1.2.json)', () => {
  /** Per trip, in file order, what reading the fixture says must happen. */
  const EXPECTED: [key: string, status: string, reason?: RegExp][] = [
    [trip(1), 'created'], // bicycle, human: a BIKE, device 1 registered
    [trip(2), 'created'], // bicycle with electric assist: an E_BIKE
    [trip(3), 'created'], // cargo_bicycle: a CARGO_BIKE
    [trip(4), 'created'], // car: a CAR
    [trip(5), 'rejected', /^vehicle_type: "scooter" has no asset kind/],
    [trip(6), 'rejected', /^trip_distance: must not be negative, got -50/],
    [trip(7), 'rejected', /^end_time: the trip ends before it starts/],
    [trip(8), 'created'], // appears twice, identical: the first counts
    [trip(8), 'rejected', /^trip_id: repeats trips\[7\] of this file; only the first is imported/],
    [trip(9), 'rejected', /^trip_id: appears more than once in this file with different contents/],
    [trip(9), 'rejected', /^trip_id: appears more than once in this file with different contents/],
    [trip(10), 'created'], // vehicle_id names the co-op's own asset muniride-gent-bike-001
    [trip(11), 'rejected', /^vehicle_type: car makes a CAR, but asset mds-\w+ is a BIKE/],
    [trip(12), 'rejected', /^input\.events\[\d+\]\.startedAt: must not be in the future/],
    [trip(13), 'rejected', /^input\.events\[\d+\]\.km: must be a number from 0 to 2000/],
    [trip(14), 'rejected', /^device_id: missing \(mandatory\)/],
  ];

  it('imports each trip with its expected outcome, and registers one asset per new device', async () => {
    const [report] = await runImport('mds-trips', FIXTURE, { databases, coop: COOP, now: NOW });
    expect(report!.refused).toBeUndefined();
    expect(report!.records.map((record) => [record.key, record.status])).toEqual(
      EXPECTED.map(([key, status]) => [key, status]),
    );
    report!.records.forEach((record, index) => {
      expect(record.at).toBe(`trips[${index}]`);
      const reason = EXPECTED[index]![2];
      if (reason) expect(record.reason).toMatch(reason);
    });
    expect(report!.notes).toEqual(['registered 4 shared assets for MDS devices', 'rebuilt the bins of 1 day']);

    const db = open(databases.coop);
    try {
      const assets = await db('shared_assets')
        .whereIn(
          'id',
          [1, 2, 3, 4].map((n) => deviceAssetId(COOP, device(n))),
        )
        .orderBy('kind')
        .select('kind', 'commissioned_on', 'platform_cooperative_id');
      expect(assets).toEqual(
        ['BIKE', 'CAR', 'CARGO_BIKE', 'E_BIKE'].map((kind) => ({
          kind,
          commissioned_on: '2026-03-02',
          platform_cooperative_id: COOP,
        })),
      );
      const events = await db('usage_events').where('client_event_id', 'like', 'mds:%').orderBy('started_at');
      expect(events.map((event: { asset_id: string }) => event.asset_id)).toContain('muniride-gent-bike-001');
      expect(events.map((event: { km: number }) => event.km)).toEqual([3.2, 5.4, 2.1, 25, 2.5, 4.1]);
      // 08:00-08:20, 08:10-08:40 and 08:15-08:30 overlap: at least three riders, and no more are counted.
      expect(new Set(events.map((event: { member_ref: string }) => event.member_ref))).toEqual(
        new Set(['mds-rider-1', 'mds-rider-2', 'mds-rider-3']),
      );
      expect(await db('usage_bins').where({ platform_cooperative_id: COOP, day: '2026-03-02' }).first()).toMatchObject({
        uses: 6,
        members: 3,
        km: 42.3,
      });

      const before = await dump(db, COOP_TABLES);
      const [again] = await runImport('mds-trips', FIXTURE, { databases, coop: COOP, now: NOW });
      expect(again!.records.map((record) => record.status)).toEqual(
        EXPECTED.map(([, status]) => (status === 'created' ? 'unchanged' : 'rejected')),
      );
      expect(again!.notes).toEqual([]);
      expect(await dump(db, COOP_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  const REFUSED: [string, unknown, RegExp][] = [
    ['malformed JSON', '{"version": "1.2.0", "data": {', /^malformed JSON/],
    ['no version', { data: { trips: [] } }, /^version is missing/],
    ['MDS 2.0', { version: '2.0.0', trips: [] }, /^unsupported MDS version "2\.0\.0"/],
    ['MDS 0.4', { version: '0.4.1', data: { trips: [] } }, /^unsupported MDS version "0\.4\.1"/],
    ['no trips list', { version: '1.2.0', data: { status_changes: [] } }, /data\.trips is not a list/],
  ];
  it.each(REFUSED)('%s: the file is refused as a whole', async (_, payload, reason) => {
    const [report] = await runImport('mds-trips', write('trips.json', payload), { databases, coop: COOP, now: NOW });
    expect(report!.refused).toMatch(reason);
  });

  it('an unknown co-op refuses the file and changes nothing', async () => {
    const db = open(databases.coop);
    try {
      const before = await dump(db, COOP_TABLES);
      const [report] = await runImport('mds-trips', FIXTURE, { databases, coop: 'no-such-coop', now: NOW });
      expect(report!.refused).toMatch(/--coop no-such-coop: no platform co-op has this id/);
      expect(await dump(db, COOP_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });
});

describe('a generated payload of 2,400 trips over three days', () => {
  const COOP_GENERATED = 'muniride-paris';
  const random = createRandom(20260301);
  const DAYS = ['2026-04-06', '2026-04-07', '2026-04-08'];
  const TYPES: [string, string[]][] = [
    ['bicycle', ['human']],
    ['bicycle', ['electric_assist', 'human']],
    ['cargo_bicycle', ['human']],
  ];
  // Each device's trips of a day take 40-minute slots one after another from 07:00: ingest
  // refuses a vehicle in two trips at once.
  const slotsTaken = new Map<string, number>();
  const trips = Array.from({ length: 2400 }, (_, n) => {
    const day = DAYS[n % DAYS.length]!;
    const deviceNumber = random.int(1, 120);
    const slot = slotsTaken.get(`${deviceNumber}|${day}`) ?? 0;
    slotsTaken.set(`${deviceNumber}|${day}`, slot + 1);
    const start = Date.parse(`${day}T07:00:00Z`) + (slot * 40 + random.int(0, 4)) * 60_000;
    const end = start + random.int(5, 35) * 60_000;
    const [vehicleType, propulsion] = TYPES[deviceNumber % TYPES.length]!;
    return {
      provider_name: 'Commons Test Provider',
      provider_id: '6ddcc0ad-1d66-4046-bba4-cf1d46c0d4e6',
      device_id: device(1000 + deviceNumber),
      vehicle_id: `P-${deviceNumber}`,
      vehicle_type: vehicleType,
      propulsion_types: propulsion,
      trip_id: trip(100_000 + n),
      trip_duration: 0,
      trip_distance: random.int(300, 12_000),
      route: { type: 'FeatureCollection', features: [] },
      accuracy: 10,
      start_time: start,
      end_time: end,
    };
  });
  let file: string;
  let progress: [number, number][];

  beforeAll(async () => {
    file = write('trips.json', { version: '1.1.0', data: { trips } });
    progress = [];
    const [report] = await runImport('mds-trips', file, {
      databases,
      coop: COOP_GENERATED,
      now: NOW,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(report!.refused).toBeUndefined();
    expect(report!.records.filter((record) => record.status !== 'created')).toEqual([]);
  });

  it('reports progress and feeds bins that equal an independent recomputation from the trips', async () => {
    expect(progress.at(-1)).toEqual([2400, 2400]);
    const db = open(databases.coop);
    try {
      for (const day of DAYS) {
        const ofDay = trips
          .filter((t) => new Date(t.start_time).toISOString().startsWith(day))
          .map((t) => ({
            startedAt: new Date(t.start_time).toISOString(),
            endedAt: new Date(t.end_time).toISOString(),
            km: t.trip_distance / 1000,
          }));
        const bin = await db('usage_bins').where({ platform_cooperative_id: COOP_GENERATED, day }).first();
        expect(bin.uses).toBe(ofDay.length);
        expect(bin.members).toBe(maxConcurrent(ofDay));
        expect(bin.km).toBeCloseTo(
          ofDay.reduce((sum, t) => sum + t.km, 0),
          6,
        );
        expect(bin.hours_in_use).toBeCloseTo(
          ofDay.reduce((sum, t) => sum + (Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 3_600_000, 0),
          6,
        );
      }
    } finally {
      await db.destroy();
    }
  });

  it('the graph shows the trips through the same aggregates and suppression as any usage', async () => {
    const coop = await startTestSubgraph('coop', { database: databases.coop });
    try {
      const query = `query($id: ID!, $from: Date!, $to: Date!) {
        platformCooperative(id: $id) { sharing(period: { from: $from, to: $to }) { uses memberDays activeMembers kmShared suppressed } }
      }`;
      const busy = await coop.query(query, { id: COOP_GENERATED, from: DAYS[0], to: DAYS[2] });
      const sharing = busy.data.platformCooperative.sharing;
      expect(sharing).toMatchObject({ uses: 2400, suppressed: false });
      // Each day's riders are its busiest moment's; three days are no calendar cell, so the period
      // publishes member-days (their sum), not a distinct count.
      const daily = DAYS.map((day) =>
        maxConcurrent(
          trips
            .filter((t) => new Date(t.start_time).toISOString().startsWith(day))
            .map((t) => ({
              startedAt: new Date(t.start_time).toISOString(),
              endedAt: new Date(t.end_time).toISOString(),
            })),
        ),
      );
      expect(sharing.activeMembers).toBeNull();
      expect(sharing.memberDays).toBe(daily.reduce((sum, n) => sum + n, 0));
      // The hand-written fixture's day needs only three riders: fewer than k = 5, so it is suppressed.
      await runImport('mds-trips', FIXTURE, { databases, coop: COOP, now: NOW });
      const quiet = await coop.query(query, { id: COOP, from: '2026-03-02', to: '2026-03-02' });
      expect(quiet.data.platformCooperative.sharing).toMatchObject({
        uses: null,
        activeMembers: null,
        suppressed: true,
      });
    } finally {
      await coop.stop();
    }
  });

  it('importing the same file again changes nothing', async () => {
    const db = open(databases.coop);
    try {
      const before = await dump(db, COOP_TABLES);
      const [report] = await runImport('mds-trips', file, { databases, coop: COOP_GENERATED, now: NOW });
      expect(new Set(report!.records.map((record) => record.status))).toEqual(new Set(['unchanged']));
      expect(await dump(db, COOP_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });
});

describe('rider slots', () => {
  it('use exactly as many slots as the most trips under way at once, whatever the input order', () => {
    const random = createRandom(7);
    for (let round = 0; round < 20; round++) {
      const trips = Array.from({ length: 60 }, (_, n) => {
        const start = random.int(0, 600);
        const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
        return { id: `t${n}`, startedAt: at(start), endedAt: at(start + random.int(1, 90)) };
      });
      const slots = assignRiderSlots(trips);
      expect(new Set(slots.values()).size).toBe(maxConcurrent(trips));
      for (const a of trips) {
        for (const b of trips) {
          if (a !== b && slots.get(a.id) === slots.get(b.id)) {
            expect(a.endedAt <= b.startedAt || b.endedAt <= a.startedAt).toBe(true);
          }
        }
      }
      expect(assignRiderSlots([...trips].reverse())).toEqual(slots);
    }
  });
});
