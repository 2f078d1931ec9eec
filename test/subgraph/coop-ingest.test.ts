/**
 * The coop subgraph's write, `ingestUsage`, over HTTP on a fresh seeded database (SQLite,
 * and PostgreSQL when it answers): accepted events move the sharing figures exactly as a
 * recomputation from the raw rows says, suppression included; retries never double-count;
 * each event gets its own verdict; every caller but the co-op's operator is refused; and a
 * batch that fails half-way leaves nothing behind. Expectations come from the database,
 * never from numbers written here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, ROLES } from '../../lib/auth.js';
import type { DatabaseConfig } from '../../lib/config.js';
import { addDays, eachDay } from '../../lib/dates.js';
import { parseIsoInstant } from '../../lib/scalars.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { ingestUsage } from '../../subgraphs/coop/db/writes.js';
import type { SharedAssetRow, UsageBinRow, UsageEventRow } from '../../subgraphs/coop/db/tables.js';
import {
  DUPLICATE_IN_BATCH,
  DUPLICATE_STORED,
  INGEST_LIMITS,
  OVERLAPS_EXISTING_USE,
  STAY_KINDS,
  VEHICLE_KINDS,
  checkEnvelope,
  validateEvents,
  type UsageEventInput,
} from '../../subgraphs/coop/ingest.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { SETTINGS, TEST_SEED, bearer, dataOf, startTestSubgraph, type TestSubgraph } from '../harness.js';
import { freshUses } from '../fresh-uses.js';
import { close, loadRawData, recompute } from '../recompute.js';

const INGEST = `mutation($input: IngestUsageInput!) {
  ingestUsage(input: $input) { accepted duplicates rejected results { clientEventId status reason } }
}`;

const SHARING = `query($id: ID!, $from: Date!, $to: Date!) {
  platformCooperative(id: $id) {
    sharing(period: { from: $from, to: $to }) {
      uses memberDays activeMembers hoursInUse kmShared nightsShared avoidedKgCO2e suppressed
    }
  }
}`;

const K = SETTINGS.suppressionK;

interface Sharing {
  uses: number | null;
  memberDays: number | null;
  activeMembers: number | null;
  hoursInUse: number | null;
  kmShared: number | null;
  nightsShared: number | null;
  avoidedKgCO2e: number | null;
  suppressed: boolean;
}

interface Outcome {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: { clientEventId: string; status: string; reason: string | null }[];
}

/** A period of whole days. */
interface Period {
  from: string;
  to: string;
}

const monthOf = (day: string): Period => {
  const from = `${day.slice(0, 7)}-01`;
  return { from, to: addDays(`${addDays(from, 31).slice(0, 7)}-01`, -1) };
};

const inService = (asset: SharedAssetRow, day: string) =>
  asset.commissioned_on <= day && (asset.decommissioned_on === null || day <= asset.decommissioned_on);

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`coop ingest: PostgreSQL leg skipped: ${unavailable}`);

const ENGINES: { engine: string; database: () => DatabaseConfig | undefined }[] = [
  { engine: 'SQLite', database: () => undefined },
  ...(unavailable ? [] : [{ engine: 'PostgreSQL', database: () => postgresDatabase('coop', 'ingest') }]),
];

describe('usage ingest validation (pure)', () => {
  const asset: SharedAssetRow = {
    id: 'bike-1',
    platform_cooperative_id: 'coop-a',
    kind: 'BIKE',
    label: 'bike 1',
    commissioned_on: '2025-01-01',
    decommissioned_on: null,
  };
  const context = {
    platformCooperativeId: 'coop-a',
    assets: new Map([[asset.id, asset]]),
    storedClientEventIds: new Set<string>(),
    overlapsStored: new Set<number>(),
    now: new Date('2025-06-01T00:00:00Z'),
  };
  /** The n-th of back-to-back six-minute uses of one bike from 2025-03-01: none overlaps another. */
  const event = (n: number): UsageEventInput => ({
    clientEventId: `e${n}`,
    assetId: asset.id,
    memberRef: `m${n % 7}`,
    startedAt: new Date(Date.parse('2025-03-01T00:00:00.000Z') + n * 360_000).toISOString(),
    endedAt: new Date(Date.parse('2025-03-01T00:00:00.000Z') + (n + 1) * 360_000).toISOString(),
    km: 3,
  });
  const envelope = (events: UsageEventInput[]) => ({ platformCooperativeId: 'coop-a', events });

  it('takes 1 to 10,000 events and refuses any other batch size naming input.events', () => {
    expect(() => checkEnvelope(envelope([event(1)]))).not.toThrow();
    const full = Array.from({ length: INGEST_LIMITS.maxEvents }, (_, i) => event(i));
    expect(() => checkEnvelope(envelope(full))).not.toThrow();
    for (const size of [0, INGEST_LIMITS.maxEvents + 1]) {
      expect(() => checkEnvelope(envelope(Array.from({ length: size }, (_, i) => event(i))))).toThrow(/input\.events/);
    }
    expect(() => checkEnvelope({ platformCooperativeId: 'Coop A', events: [event(1)] })).toThrow(
      /input\.platformCooperativeId/,
    );
  });

  it('accepts a full batch of 10,000 distinct valid events, with their bin day and hours', () => {
    const events = Array.from({ length: INGEST_LIMITS.maxEvents }, (_, i) => event(i));
    const { rows, results } = validateEvents(events, context);
    expect(rows).toHaveLength(events.length);
    expect(results.every((result) => result.status === 'ACCEPTED' && result.reason === null)).toBe(true);
    expect(rows[0]).toMatchObject({
      day: '2025-03-01',
      hours: 0.1,
      km: 3,
      nights: 0,
      platform_cooperative_id: 'coop-a',
    });
  });

  it('accepts the first of overlapping uses of one asset and rejects the others, touching spans included', () => {
    const at = (clientEventId: string, start: string, end: string): UsageEventInput => ({
      ...event(0),
      clientEventId,
      startedAt: `2025-03-01T${start}:00.000Z`,
      endedAt: `2025-03-01T${end}:00.000Z`,
    });
    const events = [
      at('a', '10:00', '11:00'),
      at('b', '10:30', '10:45'), // inside a
      at('c', '09:00', '10:01'), // ends inside a
      at('d', '11:00', '12:00'), // starts where a ends: no overlap
      at('e', '09:00', '10:00'), // ends where a starts: no overlap
      at('f', '08:00', '13:00'), // covers everything
    ];
    const { results } = validateEvents(events, { ...context, overlapsStored: new Set([4]) });
    expect(results.map((r) => r.status)).toEqual([
      'ACCEPTED',
      'REJECTED',
      'REJECTED',
      'ACCEPTED',
      'REJECTED',
      'REJECTED',
    ]);
    expect(results[1]!.reason).toMatch(/^input\.events\[1\]\.startedAt: OVERLAPS_EXISTING_USE: .*earlier event/);
    expect(results[4]!.reason).toMatch(/^input\.events\[4\]\.startedAt: OVERLAPS_EXISTING_USE: .*stored use/);
  });

  it('reads DateTime strictly: seconds and an offset required, calendar checked, offsets normalised', () => {
    expect(parseIsoInstant('2025-03-01T09:00:00+01:00')?.toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(parseIsoInstant('2025-03-01T08:00:00.250Z')?.toISOString()).toBe('2025-03-01T08:00:00.250Z');
    for (const bad of [
      '2025-02-30T08:00:00Z',
      '2025-03-01T24:00:00Z',
      '2025-03-01T08:00:00',
      '2025-03-01T08:00Z',
      '2025-03-01',
    ]) {
      expect(parseIsoInstant(bad), bad).toBeNull();
    }
  });
});

describe.each(ENGINES)('ingestUsage on $engine', ({ engine, database }) => {
  let sg: TestSubgraph;
  let db: DatabaseConfig | undefined;
  /** The vehicle co-op written to, a day on which it has no events yet, and two vehicles in service then. */
  let coopId: string;
  let day: string;
  let vehicles: SharedAssetRow[];
  let assets: SharedAssetRow[];
  /** A co-op sharing homes and rooms, and one of them. */
  let stayCoopId: string;
  let stay: SharedAssetRow;
  let stayFrom: string;
  let stayTo: string;
  let operator: Record<string, string>;
  let sequence = 0;

  /**
   * A valid event of the vehicle co-op on `day`, with a fresh client id unless one is given,
   * in its own 50-second slot from 14:00 on (the sequence's minute; the first test's uses end by 13:45), so no two default events
   * overlap and none overlaps a stored use (`day` has none, and the day before's end by then).
   */
  const event = (overrides: Partial<UsageEventInput> = {}): UsageEventInput => {
    const start = Date.parse(`${day}T14:00:00Z`) + ++sequence * 60_000;
    return {
      clientEventId: `ingest-test:${engine}:${sequence}`,
      assetId: vehicles[0]!.id,
      memberRef: `${coopId}/ingest-m1`,
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + 50_000).toISOString(),
      km: 4.5,
      nights: null,
      ...overrides,
    };
  };

  const ingest = (platformCooperativeId: string, events: UsageEventInput[], headers: Record<string, string>) =>
    sg.query(INGEST, { input: { platformCooperativeId, events } }, headers);

  const ingestOk = async (events: UsageEventInput[], headers = operator): Promise<Outcome> =>
    dataOf(await ingest(coopId, events, headers)).ingestUsage;

  async function sharing(id: string, period: Period): Promise<Sharing> {
    return dataOf(await sg.query(SHARING, { id, ...period })).platformCooperative.sharing;
  }

  /** Rows of the raw tables, so a refused write can be shown to have changed nothing. */
  async function counts() {
    const count = async (table: string) => Number((await sg.db(table).count({ n: '*' }).first())!.n);
    const [usesInBins] = await sg.db('usage_bins').sum({ uses: 'uses' });
    return {
      events: await count('usage_events'),
      bins: await count('usage_bins'),
      usesInBins: Number(usesInBins?.uses ?? 0),
    };
  }

  /** Every bin of a co-op equals an aggregation of its raw events done here, independently of rebuildBins. */
  async function expectBinsExact(id: string) {
    const events = await sg.db<UsageEventRow>('usage_events').where('platform_cooperative_id', id);
    const bins = await sg.db<UsageBinRow>('usage_bins').where('platform_cooperative_id', id);
    const expected = new Map<
      string,
      { uses: number; members: Set<string>; hours: number; km: number; nights: number }
    >();
    for (const e of events) {
      const bin = expected.get(e.day) ?? { uses: 0, members: new Set(), hours: 0, km: 0, nights: 0 };
      bin.uses += 1;
      bin.members.add(e.member_ref);
      bin.hours += Number(e.hours);
      bin.km += Number(e.km);
      bin.nights += Number(e.nights);
      expected.set(e.day, bin);
    }
    expect(bins.length).toBe(expected.size);
    for (const bin of bins) {
      const want = expected.get(bin.day)!;
      expect(Number(bin.uses), bin.day).toBe(want.uses);
      expect(Number(bin.members), bin.day).toBe(want.members.size);
      expect(close(Number(bin.hours_in_use), want.hours), bin.day).toBe(true);
      expect(close(Number(bin.km), want.km), bin.day).toBe(true);
      expect(Number(bin.nights), bin.day).toBe(want.nights);
    }
  }

  /** Every member-year day mask of a co-op equals one computed here from its raw events. */
  async function expectMemberYearsExact(id: string) {
    const events = await sg.db<UsageEventRow>('usage_events').where('platform_cooperative_id', id);
    const expected = new Map<string, number[]>();
    for (const e of events) {
      const key = `${e.day.slice(0, 4)}|${e.member_ref}`;
      const masks = expected.get(key) ?? Array.from({ length: 12 }, () => 0);
      const month = Number(e.day.slice(5, 7)) - 1;
      masks[month] = masks[month]! | (1 << (Number(e.day.slice(8, 10)) - 1));
      expected.set(key, masks);
    }
    const rows = await sg.db('usage_member_years').where('platform_cooperative_id', id);
    const stored = new Map(
      rows.map((row: Record<string, string | number>) => [
        `${row.year}|${row.member_ref}`,
        Array.from({ length: 12 }, (_, m) => Number(row[`days_${String(m + 1).padStart(2, '0')}`])),
      ]),
    );
    expect(stored).toEqual(expected);
  }

  /** The published figures of a co-op and period agree with a recomputation from the raw rows. */
  async function expectRecomputed(id: string, period: Period): Promise<Sharing> {
    const shown = await sharing(id, period);
    const expected = recompute(await loadRawData(sg.db), [id], period.from, period.to, K);
    expect(shown.suppressed).toBe(expected.suppressed);
    if (!expected.suppressed) {
      expect(shown.uses).toBe(expected.uses);
      expect(shown.memberDays).toBe(expected.memberDays);
      expect(shown.activeMembers).toBe(expected.activeMembers);
      expect(shown.nightsShared).toBe(expected.nightsShared);
      expect(close(shown.kmShared, expected.kmShared)).toBe(true);
      expect(close(shown.hoursInUse, expected.hoursInUse)).toBe(true);
      expect(close(shown.avoidedKgCO2e, expected.avoidedKgCO2e)).toBe(true);
    }
    return shown;
  }

  beforeAll(async () => {
    db = database();
    if (db) {
      await dropSchema(db);
      await prepareDatabase('coop', db, { seed: TEST_SEED });
    }
    sg = await startTestSubgraph('coop', { database: db });
    assets = await sg.db<SharedAssetRow>('shared_assets').orderBy('id');
    const busy = new Set(
      (await sg.db('usage_events').distinct('platform_cooperative_id', 'day')).map(
        (row: { platform_cooperative_id: string; day: string }) => `${row.platform_cooperative_id}|${row.day}`,
      ),
    );
    const coopIds = [...new Set(assets.map((asset) => asset.platform_cooperative_id))].sort();
    // The first vehicle co-op and day without any event yet, in a month with events (so the
    // month's figures are shown), with two vehicles in service that day.
    const busyMonths = new Set([...busy].map((key) => key.slice(0, -3)));
    search: for (const id of coopIds) {
      for (const candidate of eachDay('2025-01-01', '2025-12-31')) {
        const available = assets.filter(
          (a) => a.platform_cooperative_id === id && VEHICLE_KINDS.includes(a.kind) && inService(a, candidate),
        );
        const idle = !busy.has(`${id}|${candidate}`) && busyMonths.has(`${id}|${candidate.slice(0, 7)}`);
        if (idle && available.length >= 2) {
          [coopId, day, vehicles] = [id, candidate, available];
          break search;
        }
      }
    }
    expect(coopId, 'the seed has a vehicle co-op with an idle day').toBeDefined();
    // A home or room with a free stay from 15:00 one day to 10:00 two days later.
    const stored = await sg.db<UsageEventRow>('usage_events');
    search: for (const candidate of assets.filter((a) => STAY_KINDS.includes(a.kind))) {
      for (const on of eachDay('2025-01-01', '2025-12-29')) {
        const [from, to] = [`${on}T15:00:00.000Z`, `${addDays(on, 2)}T10:00:00.000Z`];
        const busyThen = stored.some((e) => e.asset_id === candidate.id && e.started_at < to && e.ended_at > from);
        if (inService(candidate, on) && inService(candidate, addDays(on, 2)) && !busyThen) {
          [stay, stayFrom, stayTo] = [candidate, from, to];
          break search;
        }
      }
    }
    expect(stay, 'the seed has a home or room with a free stay').toBeDefined();
    stayCoopId = stay.platform_cooperative_id;
    operator = await bearer('coop-operator', coopId);
  }, 120_000);

  afterAll(async () => {
    await sg?.stop();
    if (db) await dropSchema(db);
  });

  it('keeps a day under k members hidden, and shows it exactly once the 5th member uses it', async () => {
    const month = monthOf(day);
    const before = await expectRecomputed(coopId, month);
    const rowsBefore = await counts();
    const empty = await sharing(coopId, { from: day, to: day });
    expect(empty).toMatchObject({ uses: null, suppressed: true });

    // Four members, six uses, on two vehicles: one new bin, below k.
    const kms = [2.5, 4, 7.5, 1, 12.25, 3];
    const four = kms.map((km, i) =>
      event({
        km,
        assetId: vehicles[i % 2]!.id,
        memberRef: `${coopId}/ingest-m${(i % 4) + 1}`,
        startedAt: `${day}T${String(8 + i).padStart(2, '0')}:00:00Z`,
        endedAt: `${day}T${String(8 + i).padStart(2, '0')}:45:00Z`,
      }),
    );
    const first = await ingestOk(four);
    expect(first).toMatchObject({ accepted: 6, duplicates: 0, rejected: 0 });
    expect(first.results).toEqual(
      four.map((e) => ({ clientEventId: e.clientEventId, status: 'ACCEPTED', reason: null })),
    );
    expect(await counts()).toMatchObject({ events: rowsBefore.events + 6, bins: rowsBefore.bins + 1 });
    // Hidden activity answers exactly like the empty day before it (privacy model rule 2).
    expect(await sharing(coopId, { from: day, to: day })).toEqual(empty);
    // The hidden bin is left out of the month: its figures have not moved.
    expect(await expectRecomputed(coopId, month)).toEqual(before);

    // A fifth member, sent with an offset: the same UTC day, so the same bin, now visible.
    const fifth = event({
      km: 6.75,
      assetId: vehicles[1]!.id,
      memberRef: `${coopId}/ingest-m5`,
      startedAt: `${day}T10:15:00+02:00`,
      endedAt: `${day}T11:00:00+02:00`,
    });
    expect(await ingestOk([fifth])).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
    const stored = await sg.db<UsageEventRow>('usage_events').where('client_event_id', fifth.clientEventId).first();
    expect(stored).toMatchObject({ day, started_at: `${day}T08:15:00.000Z`, ended_at: `${day}T09:00:00.000Z` });
    expect(Number(stored!.hours)).toBe(0.75);

    const all = [...four, fifth];
    const addedKm = all.reduce((sum, e) => sum + (e.km ?? 0), 0);
    const shownDay = await expectRecomputed(coopId, { from: day, to: day });
    // A single day is no calendar cell: its participation is member-days, never a distinct count.
    expect(shownDay).toMatchObject({
      suppressed: false,
      uses: all.length,
      memberDays: 5,
      activeMembers: null,
      nightsShared: 0,
    });
    expect(close(shownDay.kmShared, addedKm)).toBe(true);
    const after = await expectRecomputed(coopId, month);
    expect(after.uses).toBe((before.uses ?? 0) + all.length);
    expect(close(after.kmShared, (before.kmShared ?? 0) + addedKm)).toBe(true);
    await expectBinsExact(coopId);
    await expectMemberYearsExact(coopId);

    // A retry of both batches stores nothing and moves nothing.
    const rows = await counts();
    for (const batch of [four, [fifth]]) {
      const retry = await ingestOk(batch);
      expect(retry).toMatchObject({ accepted: 0, duplicates: batch.length, rejected: 0 });
      expect(retry.results.every((r) => r.status === 'DUPLICATE' && r.reason === DUPLICATE_STORED)).toBe(true);
    }
    expect(await counts()).toEqual(rows);
    expect(await sharing(coopId, month)).toEqual(after);
  });

  it('gives each event of a mixed batch its own verdict, naming the field at fault', async () => {
    const stored = event();
    expect(await ingestOk([stored])).toMatchObject({ accepted: 1 });
    const rows = await counts();
    const valid = event({ memberRef: `${coopId}/ingest-m2` });
    const otherCoopAsset = assets.find((a) => a.platform_cooperative_id !== coopId)!;
    const notYet = vehicles[0]!;
    const beforeService = addDays(notYet.commissioned_on, -1);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const long = 'x'.repeat(INGEST_LIMITS.maxTextLength + 1);
    const cases: [UsageEventInput, string, RegExp | null][] = [
      [valid, 'ACCEPTED', null],
      [{ ...valid, km: 1 }, 'DUPLICATE', new RegExp(escape(DUPLICATE_IN_BATCH))],
      [{ ...stored }, 'DUPLICATE', new RegExp(escape(DUPLICATE_STORED))],
      [event({ assetId: 'no-such-asset' }), 'REJECTED', /^input\.events\[3\]\.assetId: no shared asset/],
      [event({ assetId: otherCoopAsset.id }), 'REJECTED', /^input\.events\[4\]\.assetId: .*another platform co-op/],
      [
        event({ assetId: notYet.id, startedAt: `${beforeService}T08:00:00Z`, endedAt: `${beforeService}T09:00:00Z` }),
        'REJECTED',
        /^input\.events\[5\]\.assetId: .*not in service/,
      ],
      [event({ endedAt: `${day}T08:00:00Z` }), 'REJECTED', /^input\.events\[6\]\.endedAt: must be after startedAt/],
      [
        event({ endedAt: `${addDays(day, 32)}T08:00:00Z` }),
        'REJECTED',
        /^input\.events\[7\]\.endedAt: must be at most 31 days/,
      ],
      [
        event({ km: INGEST_LIMITS.maxKm + 0.5 }),
        'REJECTED',
        /^input\.events\[8\]\.km: must be a number from 0 to 2000/,
      ],
      [event({ km: -1 }), 'REJECTED', /^input\.events\[9\]\.km: must be a number from 0/],
      [
        event({ nights: 1 }),
        'REJECTED',
        /^input\.events\[10\]\.nights: applies only to homes and rooms \(HOME, ROOM\)/,
      ],
      [event({ nights: -1 }), 'REJECTED', /^input\.events\[11\]\.nights: must be an integer from 0 to 31/],
      [event({ memberRef: '' }), 'REJECTED', /^input\.events\[12\]\.memberRef: must not be empty/],
      [event({ memberRef: '   ' }), 'REJECTED', /^input\.events\[13\]\.memberRef: must not be empty/],
      [event({ memberRef: long }), 'REJECTED', /^input\.events\[14\]\.memberRef: must be at most 128 characters/],
      [event({ clientEventId: '' }), 'REJECTED', /^input\.events\[15\]\.clientEventId: must not be empty/],
      [
        event({ clientEventId: long }),
        'REJECTED',
        /^input\.events\[16\]\.clientEventId: must be at most 128 characters/,
      ],
      [
        event({ startedAt: `${tomorrow}T08:00:00Z`, endedAt: `${tomorrow}T09:00:00Z` }),
        'REJECTED',
        /^input\.events\[17\]\.startedAt: must not be in the future/,
      ],
      [event({ memberRef: `${coopId}/m\u0000` }), 'REJECTED', /^input\.events\[18\]\.memberRef: must be plain text/],
      [event({ clientEventId: 'e\ud800' }), 'REJECTED', /^input\.events\[19\]\.clientEventId: must be plain text/],
      [
        event({ startedAt: valid.startedAt, endedAt: valid.endedAt, memberRef: `${coopId}/ingest-m3` }),
        'REJECTED',
        new RegExp(`^input\\.events\\[20\\]\\.startedAt: ${OVERLAPS_EXISTING_USE}: .*earlier event of this batch`),
      ],
      [
        event({ startedAt: stored.startedAt, endedAt: stored.endedAt, memberRef: `${coopId}/ingest-m4` }),
        'REJECTED',
        new RegExp(`^input\\.events\\[21\\]\\.startedAt: ${OVERLAPS_EXISTING_USE}: .*a stored use`),
      ],
    ];
    const outcome = await ingestOk(cases.map(([e]) => e));
    expect(outcome).toMatchObject({ accepted: 1, duplicates: 2, rejected: cases.length - 3 });
    outcome.results.forEach((result, i) => {
      const [sent, status, reason] = cases[i]!;
      expect(Object.keys(result).sort()).toEqual(['clientEventId', 'reason', 'status']);
      expect(result.clientEventId).toBe(sent.clientEventId);
      expect(result.status, `case ${i}: ${result.reason}`).toBe(status);
      if (reason) expect(result.reason).toMatch(reason);
      else expect(result.reason).toBeNull();
      // A verdict names the rule, never the event's own data (personal data).
      for (const value of [sent.memberRef, sent.assetId, sent.startedAt, sent.endedAt]) {
        if (value.trim()) expect(result.reason ?? '').not.toContain(value);
      }
    });
    expect(await counts()).toMatchObject({ events: rows.events + 1 });
    await expectBinsExact(coopId);
    await expectMemberYearsExact(coopId);

    // km only on vehicles, nights only on stays, in a co-op sharing homes and rooms.
    const stayEvent = (overrides: Partial<UsageEventInput>): UsageEventInput => ({
      clientEventId: `ingest-test:${engine}:${++sequence}`,
      assetId: stay.id,
      memberRef: `${stayCoopId}/ingest-guest`,
      startedAt: stayFrom,
      endedAt: stayTo,
      ...overrides,
    });
    const stays = [stayEvent({ nights: 2 }), stayEvent({ km: 3 }), stayEvent({ nights: 32 })];
    const stayOutcome: Outcome = dataOf(
      await ingest(stayCoopId, stays, await bearer('coop-operator', stayCoopId)),
    ).ingestUsage;
    expect(stayOutcome.results.map((r) => r.status)).toEqual(['ACCEPTED', 'REJECTED', 'REJECTED']);
    expect(stayOutcome.results[1]!.reason).toMatch(
      /^input\.events\[1\]\.km: applies only to vehicles \(CAR, E_BIKE, BIKE, CARGO_BIKE\)/,
    );
    expect(stayOutcome.results[2]!.reason).toMatch(/^input\.events\[2\]\.nights: must be an integer from 0 to 31/);
    await expectBinsExact(stayCoopId);
    await expectMemberYearsExact(stayCoopId);
  });

  it('refuses malformed instants for the whole batch, storing nothing', async () => {
    const rows = await counts();
    for (const startedAt of ['2025-02-30T08:00:00Z', `${day}T08:00:00`, 'yesterday']) {
      const response = await ingest(coopId, [event(), event({ startedAt })], operator);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toMatch(/DateTime/);
    }
    expect(await counts()).toEqual(rows);
  });

  describe('refuses every caller but the co-op’s own operator, changing nothing', () => {
    const otherRoles = ROLES.filter((role) => role !== 'coop-operator');
    const cases: [string, () => Promise<Record<string, string>>, string][] = [
      ['no token', async () => ({}), 'UNAUTHENTICATED'],
      ['an expired token of the operator', () => bearer('coop-operator', coopId, '1 hour ago'), 'UNAUTHENTICATED'],
      [
        'a token of the operator signed with another secret',
        async () => {
          const token = await issueToken('forged-secret-not-the-test-one-0123456789', {
            subject: 'forger',
            role: 'coop-operator',
            scope: coopId,
          });
          return { authorization: `Bearer ${token}` };
        },
        'UNAUTHENTICATED',
      ],
      ['a header that is not a bearer token', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'UNAUTHENTICATED'],
      ['the operator of another co-op', () => bearer('coop-operator', stayCoopId), 'FORBIDDEN'],
      // Every other role, scoped to the very co-op id or to anything else: the scope alone grants nothing.
      ...otherRoles.flatMap((role): [string, () => Promise<Record<string, string>>, string][] => [
        [`a ${role} token scoped to the co-op id`, () => bearer(role, coopId), 'FORBIDDEN'],
        [`a ${role} token scoped elsewhere`, () => bearer(role, 'gent'), 'FORBIDDEN'],
      ]),
    ];

    it.each(cases)('refuses %s', async (_, headers, code) => {
      const rows = await counts();
      const response = await ingest(coopId, [event(), event({ memberRef: `${coopId}/ingest-m9` })], await headers());
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
      expect(await counts()).toEqual(rows);
    });
  });

  it('names an unknown co-op (with its operator’s token) and stores nothing', async () => {
    const rows = await counts();
    const response = await ingest('no-such-coop', [event()], await bearer('coop-operator', 'no-such-coop'));
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      argumentName: 'input.platformCooperativeId',
    });
    expect(response.errors?.[0]?.message).toContain('no-such-coop');
    expect(await counts()).toEqual(rows);
  });

  it('refuses an empty batch and one of 10,001 events whole, naming input.events', async () => {
    const rows = await counts();
    const empty = await ingest(coopId, [], operator);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input.events' });
    // 10,001 references to one variable keep the request small; the batch limit is what refuses it.
    const size = INGEST_LIMITS.maxEvents + 1;
    const refs = Array.from({ length: size }, () => '$e').join(',');
    const huge = await sg.query(
      `mutation($c: ID!, $e: UsageEventInput!) { ingestUsage(input: { platformCooperativeId: $c, events: [${refs}] }) { accepted } }`,
      { c: coopId, e: event() },
      operator,
    );
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input.events' });
    expect(huge.errors?.[0]?.message).toContain(String(size));
    expect(await counts()).toEqual(rows);
  });

  it('loses nothing and duplicates nothing when a batch fails inside its transaction', async () => {
    const batch = [1, 2, 3, 4, 5, 6].map((m) => event({ memberRef: `${coopId}/ingest-rollback-${m}` }));
    const rows = await counts();

    // Everything ingestUsage wrote, rolled back by the transaction it ran in.
    class Rollback extends Error {}
    await expect(
      sg.db.transaction(async (trx) => {
        const outcome = await ingestUsage(trx, coopId, batch);
        expect(outcome.accepted).toBe(batch.length);
        expect(Number((await trx('usage_events').count({ n: '*' }).first())!.n)).toBe(rows.events + batch.length);
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await counts()).toEqual(rows);

    // A failure after the events are inserted, while the bins are rebuilt: mode_factors is gone.
    await sg.db.schema.renameTable('mode_factors', 'mode_factors_away');
    try {
      const failed = await ingest(coopId, batch, operator);
      expect(failed.data ?? null).toBeNull();
      expect(failed.errors?.length).toBeGreaterThan(0);
    } finally {
      await sg.db.schema.renameTable('mode_factors_away', 'mode_factors');
    }
    expect(await counts()).toEqual(rows);

    // The retry stores the batch exactly once.
    expect(await ingestOk(batch)).toMatchObject({ accepted: batch.length, duplicates: 0 });
    expect(await ingestOk(batch)).toMatchObject({ accepted: 0, duplicates: batch.length });
    expect((await counts()).events).toBe(rows.events + batch.length);
    await expectBinsExact(coopId);
    await expectMemberYearsExact(coopId);
  });

  it('counts a batch sent twice at once exactly once, and keeps bins exact under concurrent batches', async () => {
    const rows = await counts();
    const batch = Array.from({ length: 40 }, (_, i) => event({ memberRef: `${coopId}/ingest-c${i % 8}` }));
    const twice = await Promise.all([ingestOk(batch), ingestOk(batch)]);
    expect(twice[0]!.accepted + twice[1]!.accepted).toBe(batch.length);
    expect(twice[0]!.duplicates + twice[1]!.duplicates).toBe(batch.length);
    const other = Array.from({ length: 40 }, (_, i) => event({ memberRef: `${coopId}/ingest-d${i % 8}` }));
    const third = Array.from({ length: 40 }, (_, i) => event({ memberRef: `${coopId}/ingest-e${i % 8}` }));
    const both = await Promise.all([ingestOk(other), ingestOk(third)]);
    expect(both.map((o) => o.accepted)).toEqual([other.length, third.length]);
    expect((await counts()).events).toBe(rows.events + 3 * 40);
    await expectBinsExact(coopId);
    await expectMemberYearsExact(coopId);
    await expectRecomputed(coopId, monthOf(day));
  });

  it('ingests 1,000 events in a handful of SQL statements, rebuilding only the bins it touched', async () => {
    const month = monthOf(day);
    // Late-evening slots of three seconds, on days when no stored use of these vehicles reaches them.
    const stored = await sg.db<UsageEventRow>('usage_events').whereIn(
      'asset_id',
      vehicles.map((v) => v.id),
    );
    const free = (on: string) =>
      !stored.some((e) => e.started_at < `${on}T23:59:59.999Z` && e.ended_at > `${on}T22:00:00.000Z`);
    const days = eachDay(month.from, month.to).filter((d) => vehicles.every((v) => inService(v, d)) && free(d));
    const batch = Array.from({ length: 1_000 }, (_, i) => {
      const on = days[i % Math.min(days.length, 10)]!;
      const start = Date.parse(`${on}T22:00:00Z`) + i * 3_000;
      return event({
        assetId: vehicles[i % vehicles.length]!.id,
        memberRef: `${coopId}/ingest-bulk-${i % 40}`,
        startedAt: new Date(start).toISOString(),
        endedAt: new Date(start + 2_000).toISOString(),
        km: (i % 50) / 4,
      });
    });
    const otherBins = await sg
      .db<UsageBinRow>('usage_bins')
      .whereNot('platform_cooperative_id', coopId)
      .orderBy(['platform_cooperative_id', 'day']);
    const before = await sg.sqlStatements();
    const outcome = await ingestOk(batch);
    const statements = (await sg.sqlStatements()) - before;
    expect(outcome).toMatchObject({ accepted: 1_000, duplicates: 0, rejected: 0 });
    expect(statements).toBeLessThan(30);
    expect(
      await sg
        .db<UsageBinRow>('usage_bins')
        .whereNot('platform_cooperative_id', coopId)
        .orderBy(['platform_cooperative_id', 'day']),
    ).toEqual(otherBins);
    await expectBinsExact(coopId);
    await expectMemberYearsExact(coopId);
    await expectRecomputed(coopId, month);
  });

  if (engine === 'PostgreSQL') {
    it('gives the month partition an ingest opened planner statistics by the time it answers', async () => {
      const { coopId: owner, events } = await freshUses(sg.db, 300, `stats-${engine}`, 5);
      const partition = `usage_events_${events[0]!.startedAt.slice(0, 7).replace('-', '_')}`;
      const outcome = dataOf(await ingest(owner, events, await bearer('coop-operator', owner))).ingestUsage;
      expect(outcome.accepted).toBe(300);
      // Analyzed inside the ingest's transaction (autovacuum is off on the test machine).
      const analyzed = await sg.db.raw('select reltuples from pg_class where oid = to_regclass(?)', [partition]);
      expect(Number(analyzed.rows[0]?.reltuples ?? -1)).toBeGreaterThanOrEqual(300);
    });
  }
});

/** A string as a literal regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
