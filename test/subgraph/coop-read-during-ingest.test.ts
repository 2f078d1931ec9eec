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
import { freshUses } from '../fresh-uses.js';
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
    const { coopId, events } = await freshUses(sg.db, 100, 'read-during-ingest', 7);
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
