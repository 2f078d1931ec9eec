/**
 * Reads never wait for an ingest (issue #15), on SQLite, over HTTP. The test holds SQLite's write
 * lock on a connection of its own, so an ingest cannot commit until the test lets it: while that
 * ingest is in progress, public reads of the same co-op's figures must keep being answered, and
 * once the lock is released the ingest must store its whole batch. Run on the request thread, the
 * ingest would hold the process (better-sqlite3 waits for the lock synchronously) and fail with
 * "database is locked" before a read got through. No timing is asserted: only the order of answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedAssetRow } from '../../subgraphs/coop/db/tables.js';
import type { UsageEventInput } from '../../subgraphs/coop/ingest.js';
import { USAGE_TO } from '../../seeds/world.js';
import {
  bearer,
  copyTemplate,
  dataOf,
  startTestSubgraph,
  type GraphQLResponse,
  type TestSubgraph,
} from '../harness.js';

const INGEST = `mutation($input: IngestUsageInput!) { ingestUsage(input: $input) { accepted rejected results { reason } } }`;

const SHARING = `query($id: ID!) {
  platformCooperative(id: $id) { sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses hoursInUse } }
}`;

/** Reads answered, one after another, while the ingest is held: enough to cover its whole way to the lock. */
const READS = 20;

describe('reads during an ingest, on SQLite', () => {
  let filename: string;
  let sg: TestSubgraph;

  beforeAll(async () => {
    filename = copyTemplate('coop');
    sg = await startTestSubgraph('coop', { database: { client: 'sqlite', filename } });
  });

  afterAll(async () => {
    await sg?.stop();
    fs.rmSync(path.dirname(filename), { recursive: true, force: true });
  });

  it('answers public reads while an ingest waits to commit, then stores the whole batch', async () => {
    // A vehicle in service after the seed's usage year, when nothing is stored yet.
    const day = `${USAGE_TO.slice(0, 4)}-12-31`;
    const asset = await sg
      .db<SharedAssetRow>('shared_assets')
      .where('commissioned_on', '<=', day)
      .whereNull('decommissioned_on')
      .orderBy('id')
      .first();
    expect(asset).toBeDefined();
    const coopId = asset!.platform_cooperative_id;
    // After the asset's last stored use (a stay may run into the next year), on the minute.
    const last = await sg.db('usage_events').where('asset_id', asset!.id).max({ end: 'ended_at' }).first();
    const from = Math.ceil(Date.parse(String(last?.end ?? `${day}T23:59:00Z`)) / 60_000) * 60_000 + 60_000;
    const events: UsageEventInput[] = Array.from({ length: 100 }, (_, i) => ({
      clientEventId: `read-during-ingest-${i}`,
      assetId: asset!.id,
      memberRef: `${coopId}/rdi-m${i % 7}`,
      startedAt: new Date(from + i * 120_000).toISOString(),
      endedAt: new Date(from + i * 120_000 + 60_000).toISOString(),
      km: null,
      nights: null,
    }));
    const idle = dataOf(await sg.query(SHARING, { id: coopId })).platformCooperative.sharing;

    const lock = new Database(filename);
    lock.exec('BEGIN IMMEDIATE');
    let ingestAnswer: GraphQLResponse | undefined;
    const ingest = sg
      .query(INGEST, { input: { platformCooperativeId: coopId, events } }, await bearer('coop-operator', coopId))
      .then((answer) => (ingestAnswer = answer));
    const answered: unknown[] = [];
    try {
      for (let read = 0; read < READS; read++) {
        answered.push(dataOf(await sg.query(SHARING, { id: coopId })).platformCooperative.sharing);
      }
      // Every read came back while the ingest was still waiting for the lock.
      expect(ingestAnswer).toBeUndefined();
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    expect(answered).toEqual(Array.from({ length: READS }, () => idle));
    await ingest;
    expect(dataOf(ingestAnswer!).ingestUsage, JSON.stringify(ingestAnswer).slice(0, 400)).toMatchObject({
      accepted: events.length,
      rejected: 0,
    });
    const stored = await sg.db('usage_events').whereIn(
      'client_event_id',
      events.map((event) => event.clientEventId),
    );
    expect(stored).toHaveLength(events.length);
  });
});
