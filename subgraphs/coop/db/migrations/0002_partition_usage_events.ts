/**
 * On PostgreSQL, `usage_events` becomes a table partitioned by month of `day` (declarative
 * RANGE partitioning), with a partition for every month that already has rows and a default
 * partition for rows of months not created yet (see ../partitions.ts). Existing rows move
 * over and ids keep counting from the same sequence. SQLite keeps its plain table.
 *
 * PostgreSQL requires every unique key of a partitioned table to contain the partition key,
 * so the idempotency key becomes (platform_cooperative_id, client_event_id, day). That still
 * never double-counts: an event's day is the UTC day of its startedAt, so a retry of it has
 * the same day and hits the key; and ingest looks a batch's client ids up per co-op (any day)
 * under a lock on the co-op's row before inserting, so a resent client id is a DUPLICATE even
 * if its startedAt changed. Likewise the primary key becomes (id, day).
 */
import type { Knex } from 'knex';
import { DEFAULT_PARTITION, isPostgresHandle, monthBounds, partitionName } from '../partitions.js';

const COLUMNS = `platform_cooperative_id, client_event_id, asset_id, member_ref, started_at, ended_at, day, hours, km, nights`;
const OLD = 'usage_events_previous';

/** The column list of 0001's usage_events, as knex created it on PostgreSQL. */
const COLUMN_DEFINITIONS = `
  platform_cooperative_id varchar(255) not null,
  client_event_id varchar(255) not null,
  asset_id varchar(255) not null,
  member_ref varchar(255) not null,
  started_at varchar(32) not null,
  ended_at varchar(32) not null,
  day varchar(10) not null,
  hours double precision not null,
  km double precision not null default 0,
  nights integer not null default 0`;

/** Keys, foreign keys and the member index of usage_events, under 0001's names where they still fit. */
async function addConstraints(knex: Knex, partitioned: boolean): Promise<void> {
  const key = partitioned
    ? 'platform_cooperative_id, client_event_id, day'
    : 'platform_cooperative_id, client_event_id';
  const keyName = partitioned
    ? 'usage_events_platform_cooperative_id_client_event_id_day_unique'
    : 'usage_events_platform_cooperative_id_client_event_id_unique';
  await knex.raw(`alter table usage_events
    add constraint usage_events_pkey primary key (${partitioned ? 'id, day' : 'id'}),
    add constraint ${keyName} unique (${key}),
    add constraint usage_events_platform_cooperative_id_foreign
      foreign key (platform_cooperative_id) references platform_cooperatives (id),
    add constraint usage_events_asset_id_foreign foreign key (asset_id) references shared_assets (id)`);
  await knex.raw(
    `create index usage_events_platform_cooperative_id_day_member_ref_index
     on usage_events (platform_cooperative_id, day, member_ref)`,
  );
}

/**
 * Renames the current table away and frees its id sequence, so the new table can take both
 * the name and the sequence (ids carry on where they were).
 */
async function setAside(knex: Knex): Promise<void> {
  await knex.raw(`alter table usage_events rename to ${OLD}`);
  await knex.raw(`alter sequence usage_events_id_seq owned by none`);
}

/** Copies the rows over, drops the old table and hands the sequence to the new one. */
async function moveRows(knex: Knex): Promise<void> {
  await knex.raw(`insert into usage_events (id, ${COLUMNS}) select id, ${COLUMNS} from ${OLD}`);
  await knex.raw(`drop table ${OLD}`);
  await knex.raw(`alter sequence usage_events_id_seq owned by usage_events.id`);
}

export async function up(knex: Knex): Promise<void> {
  if (!isPostgresHandle(knex)) return;
  await setAside(knex);
  await knex.raw(`create table usage_events (
    id bigint not null default nextval('usage_events_id_seq'), ${COLUMN_DEFINITIONS}
  ) partition by range (day)`);
  await knex.raw(`create table ${DEFAULT_PARTITION} partition of usage_events default`);
  const months = await knex.raw(`select distinct substr(day, 1, 7) as month from ${OLD}`);
  for (const { month } of months.rows as { month: string }[]) {
    const { from, to } = monthBounds(month);
    await knex.raw(`create table ?? partition of usage_events for values from (${from}) to (${to})`, [
      partitionName(month),
    ]);
  }
  // Rows first, keys after: building an index once is faster than growing it row by row.
  await moveRows(knex);
  await addConstraints(knex, true);
}

export async function down(knex: Knex): Promise<void> {
  if (!isPostgresHandle(knex)) return;
  await setAside(knex);
  await knex.raw(
    `create table usage_events (id bigint not null default nextval('usage_events_id_seq'), ${COLUMN_DEFINITIONS})`,
  );
  await moveRows(knex);
  await addConstraints(knex, false);
}
