/**
 * A write's answer grows with what it was sent: an ingest answers one result per event, echoing
 * the event's client id. Under the read limit (MAX_ANSWER_BYTES) a 10,000-event batch that was
 * half resent was answered ANSWER_TOO_LARGE after its new events were committed, so its caller
 * could not tell what was stored. Writes may now answer MAX_ANSWER_BYTES plus twice their request;
 * reads keep MAX_ANSWER_BYTES (lib/answer-size.ts `writeAnswerLimit`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { freshUses } from '../fresh-uses.js';
import { bearer, copyTemplate, startTestStack, type TestStack } from '../harness.js';

const INGEST = `mutation BigAnswer($input: IngestUsageInput!) {
  ingestUsage(input: $input) { accepted duplicates rejected results { clientEventId status reason } }
}`;

describe('the answer of a large write, through the gateway', () => {
  let filename: string;
  let stack: TestStack;

  beforeAll(async () => {
    filename = copyTemplate('coop');
    stack = await startTestStack({ databases: { coop: { client: 'sqlite', filename } } });
  });

  afterAll(async () => {
    await stack?.stop();
    fs.rmSync(path.dirname(filename), { recursive: true, force: true });
  });

  it('answers every result of a half-resent 10,000-event batch, larger than the read limit', async () => {
    const coop = stack.subgraphs.coop;
    // Client ids as long as a co-op's own might be: 70 characters.
    const { coopId, events } = await freshUses(coop.db, 10_000, `write-answer-${'x'.repeat(50)}`, 40);
    const headers = await bearer('coop-operator', coopId);
    const [first, second] = [events.slice(0, 5_000), events.slice(5_000)];
    const sent = await stack.query(INGEST, { input: { platformCooperativeId: coopId, events: first } }, headers);
    expect(sent.errors, JSON.stringify(sent.errors)).toBeUndefined();
    expect(sent.data.ingestUsage.accepted).toBe(5_000);

    // The first half again (duplicates, each with its reason) and the second half new.
    const batch = [...first, ...second];
    const answer = await stack.query(INGEST, { input: { platformCooperativeId: coopId, events: batch } }, headers);
    expect(answer.errors, JSON.stringify(answer.errors)?.slice(0, 300)).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(answer.data))).toBeGreaterThan(loadConfig({}).maxAnswerBytes);
    const { accepted, duplicates, rejected, results } = answer.data.ingestUsage;
    expect({ accepted, duplicates, rejected }).toEqual({ accepted: 5_000, duplicates: 5_000, rejected: 0 });
    expect(results.map((result: { clientEventId: string }) => result.clientEventId)).toEqual(
      batch.map((event) => event.clientEventId),
    );
    expect(results.slice(0, 5_000).every((result: { status: string }) => result.status === 'DUPLICATE')).toBe(true);
    expect(results.slice(5_000).every((result: { status: string }) => result.status === 'ACCEPTED')).toBe(true);
    const stored = await coop.db('usage_events').where('client_event_id', 'like', 'write-answer-%').count({ n: '*' });
    expect(Number(stored[0]!.n)).toBe(10_000);
  });
});
