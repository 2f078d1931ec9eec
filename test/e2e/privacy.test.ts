/**
 * The privacy model, version 2 (docs/methodology.md), proven as properties over the whole seed
 * data, with the gateway in production mode:
 *
 * (a) empty and hidden look the same: every co-op on every day of the seeded years, and every
 *     city, answers a day without a visible bin exactly as the fleet alone dictates, whether the
 *     day had hidden activity or none; years with only hidden activity are as absent as empty ones;
 * (b) distinct counts over nested populations (month ⊂ year, co-op ⊂ city) differ by 0 or ≥ k,
 *     and equal the published cells recomputed from raw rows;
 * (c) distinct counts are null for every period that is not a calendar cell (seeded random
 *     periods, and the overlapping ones of the v1 attack);
 * (d) the GBFS files are byte-identical before and after one ingested trip.
 * The sums of rule 1 are proven in test/e2e/suppression.test.ts.
 *
 * Bulk queries (thousands of single days) go to the coop subgraph over HTTP with the gateway's
 * secret, exactly as the gateway sends them; a sample of each kind goes through the gateway too
 * and must answer byte for byte the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, eachDay } from '../../lib/dates.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { cities } from '../../seeds/data/cities.js';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import { createRandom } from '../../seeds/prng.js';
import { SHARING_METHODOLOGY } from '../../subgraphs/coop/sharing.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { bearer, dataOf, SETTINGS, startTestStack, startTestSubgraph, TEST_SEED, type TestStack } from '../harness.js';
import { SHARING_SPLIT } from '../queries.js';
import { calendarCell, coverage, loadRawData, publishedCells, recompute, type RawData } from '../recompute.js';

const k = SETTINGS.suppressionK;
const unavailable = await postgresUnavailable();
if (unavailable) {
  if (process.env.CI) throw new Error(`CI requires PostgreSQL: ${unavailable}`);
  console.warn(`PostgreSQL leg skipped: ${unavailable}`);
}
const FIGURES = `period { from to } assets assetHours uses memberDays activeMembers hoursInUse utilizationRate
  usersPerAsset kmShared nightsShared avoidedKgCO2e suppressed suppressionThreshold methodology`;

let stack: TestStack;
let raw: RawData;
let origin: string;
/** The calendar years the seed data has usage in. */
let years: number[];
const coopIds = platformCooperatives.map((coop) => coop.id).sort();
const coopsOf = (cityId: string) =>
  platformCooperatives
    .filter((coop) => coop.cityId === cityId)
    .map((coop) => coop.id)
    .sort();
const citiesWithCoops = cities.filter((city) => coopsOf(city.id).length > 0).map((city) => city.id);

beforeAll(async () => {
  stack = await startTestStack({ production: true });
  raw = await loadRawData(stack.subgraphs.coop.db);
  origin = new URL(stack.gatewayUrl).origin;
  years = [...new Set(raw.events.map((event) => Number(event.day.slice(0, 4))))].sort();
});
afterAll(() => stack?.stop());

type Stats = Record<string, unknown>;

/**
 * What an aggregate with no visible bin must answer: a function of its fleet, its period and
 * the visible bins outside it only. Those may carry hours into it (a stay begun on a visible
 * day), shown with their utilisation; nothing else.
 */
function noVisibleActivity(
  from: string,
  to: string,
  fleet: { assets: number; assetHours: number },
  carriedHours: number,
): Stats {
  const hours = carriedHours > 0 ? carriedHours : null;
  return {
    period: { from, to },
    ...fleet,
    uses: null,
    memberDays: null,
    activeMembers: null,
    hoursInUse: hours,
    utilizationRate: hours === null ? null : hours / fleet.assetHours,
    usersPerAsset: null,
    kmShared: null,
    nightsShared: null,
    avoidedKgCO2e: null,
    suppressed: true,
    suppressionThreshold: k,
    methodology: SHARING_METHODOLOGY,
  };
}

/** The fleet of some co-ops on one day, from raw asset rows: what an aggregate shows without use. */
function fleetOn(ids: readonly string[], day: string): { assets: number; assetHours: number } {
  const assets = raw.assets.filter(
    (asset) =>
      ids.includes(asset.platform_cooperative_id) &&
      asset.commissioned_on <= day &&
      (asset.decommissioned_on === null || day <= asset.decommissioned_on),
  ).length;
  return { assets, assetHours: assets * 24 };
}

/** The members of each co-op-day bin with any use: `<co-op>|<day>` → distinct members. */
function binMembers(): Map<string, number> {
  const members = new Map<string, Set<string>>();
  for (const event of raw.events) {
    const key = `${event.platform_cooperative_id}|${event.day}`;
    members.set(key, (members.get(key) ?? new Set()).add(event.member_ref));
  }
  return new Map([...members].map(([key, set]) => [key, set.size]));
}

/** Hours by coverage of every co-op-day, from raw rows: `<co-op>|<day>` → hours of uses begun in a visible bin. */
function hoursByDay(): Map<string, number> {
  const members = binMembers();
  const hours = new Map<string, number>();
  for (const event of raw.events) {
    if ((members.get(`${event.platform_cooperative_id}|${event.day}`) ?? 0) < k) continue;
    for (const part of coverage(event)) {
      const key = `${event.platform_cooperative_id}|${part.day}`;
      hours.set(key, (hours.get(key) ?? 0) + part.hours);
    }
  }
  return hours;
}

/** Many co-op-days in one subgraph request, one alias each; answers by `<co-op>|<day>`. */
async function coopDaysFromSubgraph(pairs: readonly [string, string][]): Promise<Map<string, Stats>> {
  const answers = new Map<string, Stats>();
  for (let start = 0; start < pairs.length; start += 200) {
    const batch = pairs.slice(start, start + 200);
    const fields = batch.map(
      ([id, day], i) =>
        `d${i}: platformCooperative(id: "${id}") { sharing(period: { from: "${day}", to: "${day}" }) { ${FIGURES} } }`,
    );
    const data = dataOf(await stack.subgraphs.coop.query(`{ ${fields.join('\n')} }`));
    batch.forEach(([id, day], i) => answers.set(`${id}|${day}`, data[`d${i}`].sharing));
  }
  return answers;
}

/** The same through the gateway, within its alias limit. */
async function coopDaysFromGateway(pairs: readonly [string, string][]): Promise<Map<string, Stats>> {
  const answers = new Map<string, Stats>();
  for (let start = 0; start < pairs.length; start += 10) {
    const batch = pairs.slice(start, start + 10);
    const fields = batch.map(
      ([id, day], i) =>
        `d${i}: platformCooperative(id: "${id}") { sharing(period: { from: "${day}", to: "${day}" }) { ${FIGURES} } }`,
    );
    const data = dataOf(await stack.query(`{ ${fields.join('\n')} }`));
    batch.forEach(([id, day], i) => answers.set(`${id}|${day}`, data[`d${i}`].sharing));
  }
  return answers;
}

describe('rule 2: empty and hidden look the same', () => {
  it('for every co-op and every day of the seeded years', async () => {
    const members = binMembers();
    const pairs: [string, string][] = [];
    for (const year of years) {
      for (const day of eachDay(`${year}-01-01`, `${year}-12-31`)) for (const id of coopIds) pairs.push([id, day]);
    }
    const answers = await coopDaysFromSubgraph(pairs);
    const carried = hoursByDay();
    let hidden = 0;
    let empty = 0;
    let carrying = 0;
    const sample: [string, string][] = [];
    for (const [id, day] of pairs) {
      const count = members.get(`${id}|${day}`) ?? 0;
      const hours = carried.get(`${id}|${day}`) ?? 0;
      if (count >= k) {
        // A visible day: its hours are those of visible uses covering it, wherever they began (rule 5).
        expect(answers.get(`${id}|${day}`)!.hoursInUse as number, `${id} ${day} hours`).toBeCloseTo(hours, 6);
        continue;
      }
      const answer = answers.get(`${id}|${day}`)!;
      expect(answer.hoursInUse === null ? 0 : (answer.hoursInUse as number), `${id} ${day} hours`).toBeCloseTo(
        hours,
        6,
      );
      const expected = noVisibleActivity(day, day, fleetOn([id], day), hours);
      expect(answer.utilizationRate ?? 0, `${id} ${day} rate`).toBeCloseTo(
        (expected.utilizationRate as number) ?? 0,
        9,
      );
      expect(
        { ...answer, hoursInUse: expected.hoursInUse, utilizationRate: expected.utilizationRate },
        `${id} ${day} (${count} members)`,
      ).toEqual(expected);
      if (hours > 0) carrying += 1;
      if (count > 0) hidden += 1;
      else empty += 1;
      // A hidden day and an empty day of each co-op, side by side through the gateway.
      if (sample.filter(([other]) => other === id).length < (count > 0 ? 1 : 2)) sample.push([id, day]);
    }
    console.info(
      `rule 2: ${hidden} hidden co-op-days and ${empty} empty ones answer alike (${carrying} of them carry hours of visible uses begun earlier)`,
    );
    expect(hidden).toBeGreaterThan(0);
    expect(empty).toBeGreaterThan(0);
    const throughGateway = await coopDaysFromGateway(sample);
    for (const [id, day] of sample) {
      expect(JSON.stringify(throughGateway.get(`${id}|${day}`)), `${id} ${day}`).toBe(
        JSON.stringify(answers.get(`${id}|${day}`)),
      );
    }
  }, 600_000);

  it('for every city on every day without a visible bin, and in the years the catalogue and footprint see', async () => {
    const members = binMembers();
    const carried = hoursByDay();
    let checked = 0;
    for (const cityId of citiesWithCoops) {
      const coops = coopsOf(cityId);
      for (const year of years) {
        const days = eachDay(`${year}-01-01`, `${year}-12-31`).filter((day) =>
          coops.every((id) => (members.get(`${id}|${day}`) ?? 0) < k),
        );
        const hiddenDays = days.filter((day) => coops.some((id) => (members.get(`${id}|${day}`) ?? 0) > 0));
        // Every hidden city-day and as many empty ones, through the gateway (10 aliases a request).
        const chosen = [...hiddenDays, ...days.filter((day) => !hiddenDays.includes(day)).slice(0, hiddenDays.length)];
        for (let start = 0; start < chosen.length; start += 10) {
          const batch = chosen.slice(start, start + 10);
          const fields = batch.map(
            (day, i) => `d${i}: sharing(period: { from: "${day}", to: "${day}" }) { ${FIGURES} }`,
          );
          const data = dataOf(await stack.query(`{ city(id: "${cityId}") { ${fields.join('\n')} } }`));
          batch.forEach((day, i) => {
            const hours = coops.reduce((sum, id) => sum + (carried.get(`${id}|${day}`) ?? 0), 0);
            const expected = noVisibleActivity(day, day, fleetOn(coops, day), hours);
            const answer = data.city[`d${i}`];
            expect(answer.hoursInUse ?? 0, `${cityId} ${day} hours`).toBeCloseTo(hours, 6);
            expect(
              { ...answer, hoursInUse: expected.hoursInUse, utilizationRate: expected.utilizationRate },
              `${cityId} ${day}`,
            ).toEqual(expected);
            checked += 1;
          });
        }
      }
    }
    console.info(`rule 2: ${checked} city-days without a visible bin answer alike`);
    expect(checked).toBeGreaterThan(0);

    // annualSharing (the footprint's and the catalogue's source) lists only years with a visible bin.
    const { data } = await stack.query(
      `{ ${citiesWithCoops
        .map((id, i) => `c${i}: city(id: "${id}") { annualSharing { year } }`)
        .slice(0, 10)
        .join(' ')} }`,
    );
    citiesWithCoops.slice(0, 10).forEach((cityId, i) => {
      const visibleYears = years.filter((year) => {
        const figures = recompute(raw, coopsOf(cityId), `${year}-01-01`, `${year}-12-31`, k);
        return !figures.suppressed;
      });
      expect(
        data[`c${i}`].annualSharing.map((entry: { year: number }) => entry.year),
        cityId,
      ).toEqual(visibleYears);
    });
  }, 300_000);
});

/** One period's activeMembers for a city and each of its co-ops, through the gateway. */
async function membersOf(cityId: string, from: string, to: string) {
  const { data, errors } = await stack.query(SHARING_SPLIT, { id: cityId, from, to });
  expect(errors).toBeUndefined();
  const coops = new Map<string, { activeMembers: number | null; usersPerAsset: number | null }>(
    data.city.platformCooperatives.map((coop: { id: string; sharing: Stats }) => [coop.id, coop.sharing]),
  );
  return { city: data.city.sharing as { activeMembers: number | null; usersPerAsset: number | null }, coops };
}

/** The calendar cells of a year: the year, then its months. */
const cellsOf = (year: number) => [
  { from: `${year}-01-01`, to: `${year}-12-31` },
  ...Array.from({ length: 12 }, (_, m) => {
    const month = String(m + 1).padStart(2, '0');
    const last = new Date(Date.UTC(year, m + 1, 0)).toISOString().slice(0, 10);
    return { from: `${year}-${month}-01`, to: last };
  }),
];

describe('rule 3: distinct counts only over fixed cells', () => {
  it('every pair of published counts over nested populations differs by 0 or at least k', async () => {
    let pairs = 0;
    let published = 0;
    let withheldForNesting = 0;
    let withheldSmall = 0;
    const gap = (a: number | null, b: number | null, label: string) => {
      if (a === null || b === null) return;
      pairs += 1;
      const difference = Math.abs(a - b);
      expect(difference === 0 || difference >= k, `${label}: ${a} vs ${b}`).toBe(true);
    };
    for (const cityId of citiesWithCoops) {
      const coops = coopsOf(cityId);
      for (const year of years) {
        // [0] the year, [1..12] the months; each with the city's count and every co-op's.
        const answers: Awaited<ReturnType<typeof membersOf>>[] = [];
        for (const cell of cellsOf(year)) answers.push(await membersOf(cityId, cell.from, cell.to));
        for (const id of coops) {
          const expected = publishedCells(raw, id, year, k);
          answers.forEach((answer, index) =>
            expect(answer.coops.get(id)!.activeMembers, `${id} ${index}`).toBe(expected[index]),
          );
          for (let m = 1; m <= 12; m += 1) {
            const count = answers[m]!.coops.get(id)!.activeMembers;
            if (count !== null) published += 1;
            else if (rawMonthMembers(id, year, m) >= k) withheldForNesting += 1;
            else withheldSmall += 1;
            gap(count, answers[0]!.coops.get(id)!.activeMembers, `${id} month ${m} ⊂ year ${year}`);
            gap(count, answers[m]!.city.activeMembers, `${id} month ${m} ⊂ ${cityId}`);
            gap(count, answers[0]!.city.activeMembers, `${id} month ${m} ⊂ ${cityId} year`);
          }
          gap(answers[0]!.coops.get(id)!.activeMembers, answers[0]!.city.activeMembers, `${id} ⊂ ${cityId} ${year}`);
        }
        for (let m = 1; m <= 12; m += 1) {
          gap(answers[m]!.city.activeMembers, answers[0]!.city.activeMembers, `${cityId} month ${m} ⊂ year`);
          // A city's count is the sum of its co-ops' published cells.
          const sum = coops.reduce((total, id) => total + (answers[m]!.coops.get(id)!.activeMembers ?? 0), 0);
          expect(answers[m]!.city.activeMembers, `${cityId} month ${m}`).toBe(sum >= k ? sum : null);
        }
      }
    }
    console.info(
      `rule 3: ${pairs} nested pairs checked; co-op months: ${published} published, ${withheldForNesting} withheld by the nesting rule, ${withheldSmall} without k visible members`,
    );
    expect(pairs).toBeGreaterThan(0);
    expect(withheldForNesting).toBeGreaterThan(0);
    expect(withheldSmall).toBeGreaterThan(0);
  }, 600_000);

  it('distinct counts are null for every period that is not a calendar month or year', async () => {
    const random = createRandom(20261207);
    const periods: { from: string; to: string }[] = [];
    for (const year of years) {
      // The v1 attack's periods: growing prefixes, consecutive single days, a month short by a day.
      periods.push(
        { from: `${year}-01-01`, to: `${year}-06-30` },
        { from: `${year}-01-01`, to: `${year}-07-01` },
        { from: `${year}-03-14`, to: `${year}-03-14` },
        { from: `${year}-03-14`, to: `${year}-03-15` },
        { from: `${year}-02-01`, to: `${year}-02-27` },
        { from: `${year}-01-02`, to: `${year}-12-31` },
        { from: `${year}-12-01`, to: `${year + 1}-12-31` },
      );
      for (let i = 0; i < 25; i += 1) {
        const from = addDays(`${year}-01-01`, random.int(0, 364));
        periods.push({ from, to: addDays(from, random.int(0, 120)) });
      }
    }
    let checked = 0;
    for (const period of periods) {
      if (calendarCell(period.from, period.to)) continue;
      for (const cityId of citiesWithCoops) {
        const { city, coops } = await membersOf(cityId, period.from, period.to);
        for (const figures of [city, ...coops.values()]) {
          expect(figures, `${cityId} ${period.from}–${period.to}`).toMatchObject({
            activeMembers: null,
            usersPerAsset: null,
          });
          checked += 1;
        }
      }
    }
    console.info(`rule 3: ${checked} aggregates over non-cell periods have no distinct count`);
    expect(checked).toBeGreaterThan(500);
  }, 600_000);
});

/** Distinct members of a co-op's visible bins in one month, from raw rows (before any nesting rule). */
function rawMonthMembers(coopId: string, year: number, month: number): number {
  const prefix = `${year}-${String(month).padStart(2, '0')}-`;
  const byDay = new Map<string, Set<string>>();
  for (const event of raw.events) {
    if (event.platform_cooperative_id !== coopId || !event.day.startsWith(prefix)) continue;
    byDay.set(event.day, (byDay.get(event.day) ?? new Set()).add(event.member_ref));
  }
  const members = new Set<string>();
  for (const day of byDay.values()) if (day.size >= k) for (const member of day) members.add(member);
  return members.size;
}

describe('rule 4: feeds describe, they do not watch', () => {
  it('every GBFS file of a co-op is byte-identical before and after one ingested trip', async () => {
    const COOP = 'muniride-gent';
    const discovery = await fetch(`${origin}/gbfs/${COOP}/gbfs.json`);
    expect(discovery.status).toBe(200);
    const urls = [
      `${origin}/gbfs/${COOP}/gbfs.json`,
      ...((await discovery.json()) as { data: { feeds: { url: string }[] } }).data.feeds.map((feed) => feed.url),
    ];
    const read = async () => Promise.all(urls.map(async (url) => (await fetch(url)).text()));
    const before = await read();
    const { data } = await stack.query(`{ platformCooperative(id: "${COOP}") { assets(first: 1) { nodes { id } } } }`);
    const assetId = data.platformCooperative.assets.nodes[0].id;
    const start = new Date(Date.now() - 20 * 60_000);
    const ingest = await stack.query(
      `mutation($input: IngestUsageInput!) { ingestUsage(input: $input) { accepted } }`,
      {
        input: {
          platformCooperativeId: COOP,
          events: [
            {
              clientEventId: 'privacy-gbfs-trip',
              assetId,
              memberRef: 'privacy-member',
              startedAt: start.toISOString(),
              endedAt: new Date(start.getTime() + 60 * 60_000).toISOString(),
              km: 4,
            },
          ],
        },
      },
      await bearer('coop-operator', COOP),
    );
    expect(dataOf(ingest).ingestUsage.accepted).toBe(1);
    // During the trip (it ends in the future) and the same files in every byte.
    expect(await read()).toEqual(before);
    console.info(`rule 4: ${urls.length} GBFS files unchanged by one ingested trip`);
  });
});

describe.skipIf(unavailable !== null)('on PostgreSQL', () => {
  const database = postgresDatabase('coop', 'privacy');
  afterAll(() => dropSchema(database));

  it('answers every co-op cell and a hidden and an empty day of each exactly as SQLite does', async () => {
    await dropSchema(database);
    await prepareDatabase('coop', database, { seed: TEST_SEED });
    const postgres = await startTestSubgraph('coop', { database });
    try {
      const members = binMembers();
      const fields: string[] = [];
      for (const id of coopIds) {
        for (const year of years) {
          cellsOf(year).forEach((cell, i) =>
            fields.push(
              `c_${id.replaceAll('-', '_')}_${year}_${i}: platformCooperative(id: "${id}") { sharing(period: { from: "${cell.from}", to: "${cell.to}" }) { ${FIGURES} } }`,
            ),
          );
          const days = eachDay(`${year}-01-01`, `${year}-12-31`);
          const hidden = days.find(
            (day) => (members.get(`${id}|${day}`) ?? 0) > 0 && (members.get(`${id}|${day}`) ?? 0) < k,
          );
          const empty = days.find((day) => !members.has(`${id}|${day}`));
          for (const [label, day] of [
            ['hidden', hidden],
            ['empty', empty],
          ] as const) {
            if (!day) continue;
            fields.push(
              `${label}_${id.replaceAll('-', '_')}_${year}: platformCooperative(id: "${id}") { sharing(period: { from: "${day}", to: "${day}" }) { ${FIGURES} } }`,
            );
          }
        }
      }
      const query = `{ ${fields.join('\n')} }`;
      const [onPostgres, onSqlite] = await Promise.all([postgres.query(query), stack.subgraphs.coop.query(query)]);
      // Exact but for floating-point summation order in the sums.
      expect(differences(dataOf(onPostgres), dataOf(onSqlite))).toEqual([]);
      console.info(`PostgreSQL: ${fields.length} co-op cells and days answer as on SQLite`);
    } finally {
      await postgres.stop();
    }
  }, 600_000);
});

/** Where two answers differ: numbers beyond summation noise, anything else at all. */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}
