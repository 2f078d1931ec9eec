/**
 * A write that takes longer than the gateway's per-fetch timeout, through the gateway. The read
 * timeout (SUBGRAPH_TIMEOUT_MS) lets a hung subgraph cost only its own fields; a write given up
 * on at that timeout still commits in the subgraph, and its caller was told "coop is
 * unavailable" for events that were stored. The gateway now waits for a write until the
 * operation's deadline (REQUEST_TIMEOUT_MS), which the subgraph is told and stops at.
 *
 * The test holds the coop's SQLite write lock on a connection of its own for longer than the
 * fetch timeout, so the ingest cannot commit before it; no timing is asserted, only the answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshUses } from '../fresh-uses.js';
import { bearer, copyTemplate, startTestStack, type GraphQLResponse, type TestStack } from '../harness.js';

const INGEST = `mutation SlowIngest($input: IngestUsageInput!) { ingestUsage(input: $input) { accepted rejected } }`;

/** The gateway's per-fetch timeout here; the lock is held for twice as long. */
const FETCH_TIMEOUT_MS = 500;

describe('a write slower than the fetch timeout, through the gateway', () => {
  let filename: string;
  let stack: TestStack;

  beforeAll(async () => {
    filename = copyTemplate('coop');
    stack = await startTestStack({
      subgraphTimeoutMs: FETCH_TIMEOUT_MS,
      databases: { coop: { client: 'sqlite', filename } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    fs.rmSync(path.dirname(filename), { recursive: true, force: true });
  });

  it('answers the ingest it committed, instead of calling the coop unavailable', async () => {
    const coop = stack.subgraphs.coop;
    const { coopId, events } = await freshUses(coop.db, 20, 'slow-write', 5);

    const lock = new Database(filename);
    lock.exec('BEGIN IMMEDIATE');
    let answer: GraphQLResponse;
    try {
      const ingest = stack.query(
        INGEST,
        { input: { platformCooperativeId: coopId, events } },
        await bearer('coop-operator', coopId),
      );
      await sleep(2 * FETCH_TIMEOUT_MS);
      lock.exec('ROLLBACK');
      answer = await ingest;
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    }
    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    expect(answer.data.ingestUsage).toEqual({ accepted: events.length, rejected: 0 });
    const stored = await coop.db('usage_events').whereIn(
      'client_event_id',
      events.map((event) => event.clientEventId),
    );
    expect(stored).toHaveLength(events.length);
  });
});
