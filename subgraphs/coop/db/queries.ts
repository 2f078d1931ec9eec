import type { Knex } from 'knex';
import { paginate, type Connection, type Page } from '../../../lib/pagination.js';
import { isPostgresHandle } from './partitions.js';
import type { PlatformCooperativeRow, SharedAssetRow, UsageEventRow } from './tables.js';

/** Criteria of the `platformCooperatives` list. */
export interface PlatformCooperativeFilter {
  cityId?: string | null;
  applicationId?: string | null;
}

export function platformCooperativesByIds(db: Knex, ids: readonly string[]): Promise<PlatformCooperativeRow[]> {
  return db<PlatformCooperativeRow>('platform_cooperatives').whereIn('id', ids);
}

export function listPlatformCooperatives(
  db: Knex,
  page: Page,
  filter: PlatformCooperativeFilter,
): Promise<Connection<PlatformCooperativeRow>> {
  return paginate<PlatformCooperativeRow>(db, 'platform_cooperatives', page, (query) => {
    if (filter.cityId) query.where('platform_cooperatives.city_id', filter.cityId);
    if (filter.applicationId) query.where('platform_cooperatives.application_id', filter.applicationId);
    return query;
  });
}

/** Co-ops whose `column` is one of `values`, ordered by id. */
export function platformCooperativesWhere(
  db: Knex,
  column: 'city_id' | 'application_id',
  values: readonly string[],
): Promise<PlatformCooperativeRow[]> {
  return db<PlatformCooperativeRow>('platform_cooperatives').whereIn(column, values).orderBy('id');
}

export function sharedAssetsByIds(db: Knex, ids: readonly string[]): Promise<SharedAssetRow[]> {
  return db<SharedAssetRow>('shared_assets').whereIn('id', ids);
}

/** All assets of the given co-ops, ordered by id. */
export function assetsOfPlatformCooperatives(db: Knex, coopIds: readonly string[]): Promise<SharedAssetRow[]> {
  return db<SharedAssetRow>('shared_assets').whereIn('platform_cooperative_id', coopIds).orderBy('id');
}

/**
 * Per co-op figures of a period: sums over its visible bins (≥ k members; hidden bins are never
 * read into a figure) and its hours in use, attributed by coverage (see `coveredHourSums`).
 */
export interface PeriodTotalsRow {
  platform_cooperative_id: string;
  visible_bins: number;
  uses: number;
  member_days: number;
  km: number;
  nights: number;
  avoided_kg: number;
  hours_in_use: number;
}

/** The visible bins' sums of a period per co-op, with no hours (`PeriodTotalsRow`'s columns, in order). */
function visibleBinSums(db: Knex, coopIds: readonly string[], from: string, to: string, k: number) {
  return db('usage_bins')
    .select('platform_cooperative_id')
    .count({ visible_bins: '*' })
    .sum({ uses: 'uses', member_days: 'members', km: 'km', nights: 'nights', avoided_kg: 'avoided_kg' })
    .select(db.raw('0 as hours_in_use'))
    .whereIn('platform_cooperative_id', coopIds)
    .whereBetween('day', [from, to])
    .where('members', '>=', k)
    .groupBy('platform_cooperative_id');
}

/**
 * Hours in use of a period per co-op, with zero for every other column: the hours, within the
 * period's UTC days, of the uses started in a visible bin (≥ k members), wherever that bin lies.
 * Reads the coverage rollup (`usage_hours`, one row per co-op, start day and covered day) joined
 * to the start day's bin, so a hidden bin's uses never enter, and the hours of a multi-day use
 * are split exactly where a period is cut. An asset is in one use at a time, so a period's hours
 * never exceed its asset-hours.
 */
function coveredHourSums(db: Knex, coopIds: readonly string[], from: string, to: string, k: number) {
  return db('usage_hours as h')
    .join('usage_bins as b', (on) =>
      on.on('b.platform_cooperative_id', 'h.platform_cooperative_id').andOn('b.day', 'h.start_day'),
    )
    .select('h.platform_cooperative_id')
    .select(db.raw('0 as visible_bins, 0 as uses, 0 as member_days, 0 as km, 0 as nights, 0 as avoided_kg'))
    .sum({ hours_in_use: 'h.hours' })
    .whereIn('h.platform_cooperative_id', coopIds)
    .whereBetween('h.covered_day', [from, to])
    .where('b.members', '>=', k)
    .groupBy('h.platform_cooperative_id');
}

/**
 * A period's figures per co-op in one statement: the visible bins' sums and the covered hours,
 * each grouped on its own, then added up (a co-op may have hours without a visible bin in the
 * period, from a use started before it). Each figure is one sum plus zero, so it is the same
 * number either part alone gives.
 */
export async function periodTotals(
  db: Knex,
  coopIds: readonly string[],
  from: string,
  to: string,
  k: number,
): Promise<PeriodTotalsRow[]> {
  const parts = db
    .queryBuilder()
    .unionAll([visibleBinSums(db, coopIds, from, to, k), coveredHourSums(db, coopIds, from, to, k)]);
  const rows = await db
    .from(parts.as('parts'))
    .select('platform_cooperative_id')
    .sum({
      visible_bins: 'visible_bins',
      uses: 'uses',
      member_days: 'member_days',
      km: 'km',
      nights: 'nights',
      avoided_kg: 'avoided_kg',
      hours_in_use: 'hours_in_use',
    })
    .groupBy('platform_cooperative_id');
  return (rows as Record<string, unknown>[]).map(numeric) as unknown as PeriodTotalsRow[];
}

/** The months of a year as they appear in a day (YYYY-MM-DD): the suffixes of the member-year columns. */
export const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'] as const;

/** A day's bit in its month's day mask: bit 0 for the 1st, bit 30 for the 31st. */
const dayBit = (day: string) => `(1 << (cast(substr(${day}, 9, 2) as integer) - 1))`;

/** Per month of the year, the sum of `dayBit` over rows of that month: a day mask when each day occurs once. */
const monthMasks = (day: string, prefix: string) =>
  MONTHS.map((m) => `sum(case when substr(${day}, 6, 2) = '${m}' then ${dayBit(day)} else 0 end) as ${prefix}${m}`);

/** Raw distinct-member counts of one co-op's calendar cells, before rule 3 withholds any. */
export interface CellCountsRow {
  platform_cooperative_id: string;
  year: number;
  /** Distinct members with a use in the year's visible bins. */
  members: number;
  /** The same per month, January first. */
  months: number[];
}

/**
 * Distinct members over the visible bins of the calendar cells of one year, per co-op: the year
 * and each of its months, in one pass. Reads the member-year rollup (`usage_member_years`, one
 * row per co-op, year and member, with a mask per month of the days the member was active) and
 * the visible-day masks of the bins: a member counts in a month when their days meet the month's
 * visible days, in the year when they do in any month. Cost: one row per member of the year,
 * whatever the number of uses, so a year stays cheap at 10^7 events.
 */
export async function cellCounts(
  db: Knex,
  coopIds: readonly string[],
  year: number,
  k: number,
): Promise<CellCountsRow[]> {
  const yearText = String(year);
  const visibleDays = db('usage_bins')
    .select('platform_cooperative_id')
    .select(monthMasks('day', 'v').map((mask) => db.raw(mask)))
    .whereIn('platform_cooperative_id', coopIds)
    .whereBetween('day', [`${yearText}-01-01`, `${yearText}-12-31`])
    .where('members', '>=', k)
    .groupBy('platform_cooperative_id')
    .as('v');
  const inMonth = (m: string) => `(y.days_${m} & v.v${m}) <> 0`;
  const rows = await db('usage_member_years as y')
    .join(visibleDays, 'v.platform_cooperative_id', 'y.platform_cooperative_id')
    .select('y.platform_cooperative_id')
    .select(db.raw(`sum(case when ${MONTHS.map(inMonth).join(' or ')} then 1 else 0 end) as members`))
    .select(MONTHS.map((m) => db.raw(`sum(case when ${inMonth(m)} then 1 else 0 end) as m${m}`)))
    .whereIn('y.platform_cooperative_id', coopIds)
    .where('y.year', yearText)
    .groupBy('y.platform_cooperative_id');
  return (rows as Record<string, unknown>[]).map(numeric).map((row) => ({
    platform_cooperative_id: row.platform_cooperative_id as string,
    year,
    members: row.members as number,
    months: MONTHS.map((m) => row[`m${m}`] as number),
  }));
}

/** Per co-op and calendar year with at least one visible bin: avoided emissions of the visible bins. */
export interface AnnualBinRow {
  platform_cooperative_id: string;
  year: number;
  avoided_kg: number;
}

/**
 * Years are listed only when they have a visible bin, so a year whose activity is all hidden is
 * as absent as a year with none (rule 2).
 */
export async function annualBinTotals(db: Knex, coopIds: readonly string[], k: number): Promise<AnnualBinRow[]> {
  const rows = await db('usage_bins')
    .select('platform_cooperative_id', db.raw('substr(day, 1, 4) as year'))
    .sum({ avoided_kg: 'avoided_kg' })
    .whereIn('platform_cooperative_id', coopIds)
    .where('members', '>=', k)
    .groupBy('platform_cooperative_id', db.raw('substr(day, 1, 4)'))
    .orderBy('year');
  return (rows as Record<string, unknown>[]).map(numeric) as unknown as AnnualBinRow[];
}

/** Most values one `whereIn` list binds, well under SQLite's and PostgreSQL's parameter limits. */
export const MAX_IN_LIST = 500;

/** Splits keys into lists of at most `MAX_IN_LIST`, for `whereIn` queries over large batches. */
export function chunked<T>(keys: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < keys.length; start += MAX_IN_LIST) chunks.push(keys.slice(start, start + MAX_IN_LIST));
  return chunks;
}

/**
 * Recomputes daily bins from the raw events: all bins of the given co-ops, or, when `days`
 * is given, only those days' bins of those co-ops (what an ingest touched; an empty list
 * touches nothing). Two statements per list of up to 500 days: one to clear, one to
 * aggregate. Shared km count as passenger-km avoided from a private car. The member-year
 * rollup of the same co-ops and years, and the coverage of the same start days, follow (two
 * statements each).
 */
export async function rebuildBins(
  db: Knex | Knex.Transaction,
  coopIds: readonly string[],
  days?: readonly string[],
): Promise<void> {
  await rebuildDayBins(db, coopIds, days);
  await rebuildMemberYears(db, coopIds, days);
  await rebuildUsageHours(db, coopIds, days);
}

/**
 * Brings every rollup up to date with events just added to one co-op (an ingest adds events and
 * never moves or removes one): the bins and coverage of their days are recomputed as
 * `rebuildBins` does, and their members' days are added to the member-year masks, so the cost
 * grows with the batch, not with the co-op's year of events (rebuilding the masks of the years a
 * batch touched read every event of those years, batch after batch).
 */
export async function rollUpNewEvents(
  db: Knex | Knex.Transaction,
  platformCooperativeId: string,
  events: readonly Pick<UsageEventRow, 'day' | 'member_ref'>[],
): Promise<void> {
  const days = [...new Set(events.map((event) => event.day))];
  await rebuildDayBins(db, [platformCooperativeId], days);
  await addMemberDays(db, platformCooperativeId, events);
  await rebuildUsageHours(db, [platformCooperativeId], days);
}

/** The daily bins of `rebuildBins`, alone. */
async function rebuildDayBins(
  db: Knex | Knex.Transaction,
  coopIds: readonly string[],
  days?: readonly string[],
): Promise<void> {
  if (coopIds.length === 0) return;
  for (const dayList of days ? chunked(days) : [null]) {
    const clear = db('usage_bins').whereIn('platform_cooperative_id', coopIds);
    await (dayList ? clear.whereIn('day', dayList) : clear).delete();
    const inList = (values: readonly string[]) => values.map(() => '?').join(', ');
    const onDays = dayList ? `and e.day in (${inList(dayList)})` : '';
    await db.raw(
      `insert into usage_bins (platform_cooperative_id, day, uses, members, hours_in_use, km, nights, avoided_kg)
       select e.platform_cooperative_id, e.day, count(*), count(distinct e.member_ref), sum(e.hours), sum(e.km),
              sum(e.nights), sum(e.km * coalesce(m.private_kg_per_pkm - m.shared_kg_per_pkm, 0))
       from usage_events e
       join shared_assets a on a.id = e.asset_id
       left join mode_factors m on m.asset_kind = a.kind
       where e.platform_cooperative_id in (${inList(coopIds)}) ${onDays}
       group by e.platform_cooperative_id, e.day`,
      [...coopIds, ...(dayList ?? [])],
    );
  }
}

/**
 * ORs the days of new events into their members' month masks (see `rebuildMemberYears`), a row
 * per member and year, created when missing: one upsert per 500 member-years.
 */
async function addMemberDays(
  db: Knex | Knex.Transaction,
  platformCooperativeId: string,
  events: readonly Pick<UsageEventRow, 'day' | 'member_ref'>[],
): Promise<void> {
  const masks = new Map<string, { year: string; member_ref: string; days: number[] }>();
  for (const { day, member_ref } of events) {
    const year = day.slice(0, 4);
    const key = `${year}\u0000${member_ref}`;
    let row = masks.get(key);
    if (!row) masks.set(key, (row = { year, member_ref, days: MONTHS.map(() => 0) }));
    row.days[Number(day.slice(5, 7)) - 1]! |= 1 << (Number(day.slice(8, 10)) - 1);
  }
  const rows = [...masks.values()].map(({ year, member_ref, days }) => ({
    platform_cooperative_id: platformCooperativeId,
    year,
    member_ref,
    ...Object.fromEntries(MONTHS.map((m, i) => [`days_${m}`, days[i]!])),
  }));
  const merged = Object.fromEntries(
    MONTHS.map((m) => [`days_${m}`, db.raw(`usage_member_years.days_${m} | excluded.days_${m}`)]),
  );
  for (const chunk of chunked(rows)) {
    await db('usage_member_years')
      .insert(chunk)
      .onConflict(['platform_cooperative_id', 'year', 'member_ref'])
      .merge(merged);
  }
}

/**
 * Recomputes the member-year rollup (see `cellCounts`) of the given co-ops from the raw
 * events: all their years, or the years from the first to the last of `days`. Each member's
 * days are made distinct first, so summing their bits per month gives the month's day mask.
 */
export async function rebuildMemberYears(
  db: Knex | Knex.Transaction,
  coopIds: readonly string[],
  days?: readonly string[],
): Promise<void> {
  if (coopIds.length === 0 || days?.length === 0) return;
  const sorted = days ? [...days].sort() : [];
  const years: [string, string] | null = days ? [sorted[0]!.slice(0, 4), sorted.at(-1)!.slice(0, 4)] : null;
  const clear = db('usage_member_years').whereIn('platform_cooperative_id', coopIds);
  await (years ? clear.whereBetween('year', years) : clear).delete();
  const memberDays = db('usage_events')
    .distinct('platform_cooperative_id', 'day', 'member_ref')
    .whereIn('platform_cooperative_id', coopIds);
  if (years) memberDays.whereBetween('day', [`${years[0]}-01-01`, `${years[1]}-12-31`]);
  const rollup = db
    .from(memberDays.as('d'))
    .select('platform_cooperative_id', db.raw('substr(day, 1, 4)'), 'member_ref')
    .select(monthMasks('day', 'days_').map((mask) => db.raw(mask)))
    .groupBy('platform_cooperative_id', db.raw('substr(day, 1, 4)'), 'member_ref')
    .toSQL();
  await db.raw(
    `insert into usage_member_years (platform_cooperative_id, year, member_ref, ${MONTHS.map((m) => `days_${m}`).join(', ')}) ${rollup.sql}`,
    rollup.bindings as readonly Knex.Value[],
  );
}

/**
 * The coverage rollup's rows of the events selected by `where`, one statement per engine: each
 * use is walked day by day (a recursive query, so the common single-day use is one step) from
 * its start day to the UTC day of its end, stopping after the asset's last day in service
 * (assetHours counts no hours past it), and its hours on each day are the part of
 * [startedAt, endedAt) inside that day, counted in whole milliseconds as ingest counts a use's
 * hours. Stored instants are canonical UTC (`toISOString()`), which both engines parse.
 */
const COVERAGE = {
  sqlite: (where: string) => `
    with recursive covered(platform_cooperative_id, start_day, day, started_at, ended_at, last_day) as (
      select e.platform_cooperative_id, e.day, e.day, e.started_at, e.ended_at, coalesce(a.decommissioned_on, '9999-12-31')
      from usage_events e join shared_assets a on a.id = e.asset_id
      where ${where}
      union all
      select platform_cooperative_id, start_day, date(day, '+1 day'), started_at, ended_at, last_day
      from covered
      where julianday(day, '+1 day') < julianday(ended_at) and date(day, '+1 day') <= last_day
    )
    insert into usage_hours (platform_cooperative_id, start_day, covered_day, hours)
    select platform_cooperative_id, start_day, day,
           sum(round((min(julianday(ended_at), julianday(day, '+1 day')) - max(julianday(started_at), julianday(day))) * 86400000) / 3600000.0)
    from covered
    group by platform_cooperative_id, start_day, day`,
  postgres: (where: string) => `
    with recursive covered(platform_cooperative_id, start_day, day, started_at, ended_at, last_day) as (
      select e.platform_cooperative_id, e.day, e.day::date, e.started_at::timestamptz, e.ended_at::timestamptz,
             coalesce(a.decommissioned_on, '9999-12-31')::date
      from usage_events e join shared_assets a on a.id = e.asset_id
      where ${where}
      union all
      select platform_cooperative_id, start_day, day + 1, started_at, ended_at, last_day
      from covered
      where (day + 1)::timestamp at time zone 'UTC' < ended_at and day + 1 <= last_day
    )
    insert into usage_hours (platform_cooperative_id, start_day, covered_day, hours)
    select platform_cooperative_id, start_day, to_char(day, 'YYYY-MM-DD'),
           sum(extract(epoch from least(ended_at, (day + 1)::timestamp at time zone 'UTC')
                                - greatest(started_at, day::timestamp at time zone 'UTC')) / 3600)
    from covered
    group by platform_cooperative_id, start_day, day`,
};

/**
 * Recomputes the coverage rollup (see `coveredHourSums`) of the given co-ops from the raw events:
 * all their uses, or those started on the given days (the rows are keyed by start day, so they
 * are exactly the rows of the bins `rebuildBins` rebuilds). Two statements per list of up to
 * 500 days: one to clear, one to walk the uses.
 */
export async function rebuildUsageHours(
  db: Knex | Knex.Transaction,
  coopIds: readonly string[],
  days?: readonly string[],
): Promise<void> {
  if (coopIds.length === 0) return;
  const walk = isPostgresHandle(db) ? COVERAGE.postgres : COVERAGE.sqlite;
  const inList = (values: readonly string[]) => values.map(() => '?').join(', ');
  for (const dayList of days ? chunked(days) : [null]) {
    const clear = db('usage_hours').whereIn('platform_cooperative_id', coopIds);
    await (dayList ? clear.whereIn('start_day', dayList) : clear).delete();
    const onDays = dayList ? ` and e.day in (${inList(dayList)})` : '';
    await db.raw(walk(`e.platform_cooperative_id in (${inList(coopIds)})${onDays}`), [...coopIds, ...(dayList ?? [])]);
  }
}

/** PostgreSQL returns sums and counts as strings; SQLite as numbers. */
function numeric<Row extends Record<string, unknown>>(row: Row): Row {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = key === 'platform_cooperative_id' || value === null ? value : Number(value);
  }
  return out as Row;
}
