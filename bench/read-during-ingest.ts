/**
 * The background of the `read-during-ingest` scenario: 10,000-event `ingestUsage` batches of one
 * co-op of the scenario's city, sent back to back through the gateway for as long as the read
 * load runs, each with fresh events that overlap nothing stored. It runs in a child process of its
 * own, so building and sending 2 MB batches never delays the load generator's timing of the reads.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../lib/auth.js';
import type { DatabaseConfig } from '../lib/config.js';
import { openDatabase } from '../lib/db.js';
import { USAGE_TO } from '../seeds/world.js';
import { INGEST_LIMITS, VEHICLE_KINDS, type UsageEventInput } from '../subgraphs/coop/ingest.js';

/** What the background child needs to know. */
export interface IngestLoadOptions {
  gatewayUrl: string;
  authSecret: string;
  /** The city whose co-op is written to (the scenario reads that city's figures). */
  city: string;
  /** The coop database, to start after the co-op's latest stored use (a rerun on PostgreSQL keeps the earlier runs' events). */
  coopDatabase: DatabaseConfig | null;
}

/** What the ingests did while the reads were measured. */
export interface IngestFigures {
  coopId: string;
  ingests: number;
  /** Events accepted over all batches (every event of a batch should be). */
  accepted: number;
  /** Wall-clock time of each batch, from sending it to its answer, ms. */
  durationsMs: number[];
  /** The first answer that was not a clean 10,000-event acceptance, if any. */
  problem?: string;
}

/** A running background of ingests; `stop` lets the batch in flight finish and reports. */
export interface IngestLoad {
  coopId: string;
  stop(): Promise<IngestFigures>;
}

const INGEST = `mutation BenchIngest($input: IngestUsageInput!) { ingestUsage(input: $input) { accepted duplicates rejected results { reason } } }`;

const CITY_COOPS = `query BenchCoops($id: ID!) {
  city(id: $id) { platformCooperatives(first: 20) { id assets(first: 100) { nodes { id kind commissionedOn decommissionedOn } } } }
}`;

/**
 * Each use lasts 15 minutes, one every 20 minutes per asset: a batch covers about two days as
 * busy days of a real co-op would, and the next batch starts where it ended. With uses two
 * minutes apart every batch piled 10,000 more uses into the same day or two, so the bins each
 * batch rebuilt grew batch after batch (ingests went from 2.9 s to 17 s in one run): that
 * measured a day no co-op has, not reads during an ingest. One an hour left too little time
 * between the seed's year and today once batches took 0.6 s: a run of three gateways used it up.
 */
const SLOT_MS = 1_200_000;
const USE_MS = 900_000;
const MEMBERS = 40;

interface Asset {
  id: string;
  kind: string;
  commissionedOn: string;
  decommissionedOn: string | null;
}

async function post(url: string, query: string, variables: object, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string }[] } };
}

/** The city's co-op with the most assets in service from `day` on, and those assets. */
async function pickCoop(gatewayUrl: string, city: string, day: string): Promise<{ coopId: string; assets: Asset[] }> {
  const answer = await post(gatewayUrl, CITY_COOPS, { id: city });
  const coops: { id: string; assets: { nodes: Asset[] } }[] = answer.body.data?.city?.platformCooperatives ?? [];
  const inService = (asset: Asset) => asset.commissionedOn <= day && asset.decommissionedOn === null;
  const ranked = coops
    .map((coop) => ({ coopId: coop.id, assets: coop.assets.nodes.filter(inService) }))
    .sort((a, b) => b.assets.length - a.assets.length);
  if (!ranked[0]?.assets.length) throw new Error(`read-during-ingest: no co-op of ${city} has assets in service`);
  return ranked[0];
}

/** The instant after which the co-op has no stored use: its latest end, or the end of the seed's usage year. */
async function firstFreeInstant(database: DatabaseConfig | null, coopId: string): Promise<number> {
  const seedEnd = Date.parse(`${USAGE_TO}T23:59:00Z`) + 60_000;
  if (!database) return seedEnd;
  const db = openDatabase(database);
  try {
    const row = await db('usage_events').where('platform_cooperative_id', coopId).max({ last: 'ended_at' }).first();
    const last = row?.last ? Date.parse(String(row.last)) : 0;
    return Math.max(seedEnd, Math.ceil(last / 60_000) * 60_000);
  } finally {
    await db.destroy();
  }
}

/** One batch of 10,000 fresh events from `from` on, dealt over the assets in turn. */
function batch(coopId: string, assets: readonly Asset[], from: number, label: string): UsageEventInput[] {
  return Array.from({ length: INGEST_LIMITS.maxEvents }, (_, i) => {
    const asset = assets[i % assets.length]!;
    const start = from + Math.floor(i / assets.length) * SLOT_MS;
    return {
      clientEventId: `${label}-${i}`,
      assetId: asset.id,
      memberRef: `${coopId}/bench-m${i % MEMBERS}`,
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + USE_MS).toISOString(),
      km: VEHICLE_KINDS.includes(asset.kind) ? 2.5 : null,
      nights: null,
    };
  });
}

/** The child's loop: batches back to back until the parent says stop, then the figures. */
async function runChild(options: IngestLoadOptions, stopped: () => boolean, ready: (coopId: string) => void) {
  const probeDay = new Date().toISOString().slice(0, 10);
  const { coopId, assets } = await pickCoop(options.gatewayUrl, options.city, probeDay);
  let cursor = await firstFreeInstant(options.coopDatabase, coopId);
  const token = await issueToken(options.authSecret, {
    subject: 'bench:read-during-ingest',
    role: 'coop-operator',
    scope: coopId,
    expiresIn: '2h',
  });
  const headers = { authorization: `Bearer ${token}` };
  const figures: IngestFigures = { coopId, ingests: 0, accepted: 0, durationsMs: [] };
  const run = `bench-${Date.now().toString(36)}`;
  const span = Math.ceil(INGEST_LIMITS.maxEvents / assets.length) * SLOT_MS;
  ready(coopId);
  while (!stopped()) {
    if (cursor + span > Date.now()) {
      figures.problem ??= 'no free time left before now for fresh events (reseed the coop database)';
      break;
    }
    const events = batch(coopId, assets, cursor, `${run}-${figures.ingests}`);
    cursor += span;
    const started = performance.now();
    const answer = await post(
      options.gatewayUrl,
      INGEST,
      { input: { platformCooperativeId: coopId, events } },
      headers,
    );
    figures.durationsMs.push(Math.round(performance.now() - started));
    figures.ingests += 1;
    const outcome = answer.body.data?.ingestUsage;
    figures.accepted += outcome?.accepted ?? 0;
    if (outcome?.accepted !== events.length) {
      const reason = outcome?.results?.find((r: { reason: string | null }) => r.reason)?.reason;
      figures.problem ??= `HTTP ${answer.status}: ${reason ?? answer.body.errors?.[0]?.message ?? 'not all accepted'}`;
    }
  }
  return figures;
}

/** Starts the background child and resolves once its first batch is about to go out. */
export function startIngests(options: IngestLoadOptions): Promise<IngestLoad> {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The child reports as soon as its loop ends: on `stop`, or earlier when it runs out of free time.
  const reported = new Promise<IngestFigures>((resolve) =>
    child.on('message', (reply: { figures?: IngestFigures }) => reply.figures && resolve(reply.figures)),
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`read-during-ingest: background exited with ${code}`)));
    child.on('message', (message: { ready?: string; failed?: string }) => {
      if (message.failed) reject(new Error(`read-during-ingest: ${message.failed}`));
      if (!message.ready) return;
      const coopId = message.ready;
      resolve({
        coopId,
        stop: () =>
          new Promise<IngestFigures>((done, fail) => {
            void reported.then(done);
            child.on('message', (reply: { failed?: string }) => {
              if (reply.failed) fail(new Error(`read-during-ingest: ${reply.failed}`));
            });
            if (child.connected) child.send({ stop: true });
            // An exit after the figures arrived settles nothing: the promise is already done.
            void exited.then(() => fail(new Error('read-during-ingest: background exited without figures')));
          }),
      });
    });
    child.send(options);
  });
}

/** The p50 and p99 of the batches' durations, for the run's notes. */
export function describeIngests(figures: IngestFigures): string {
  const sorted = [...figures.durationsMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return (
    `${figures.ingests} ingests of ${INGEST_LIMITS.maxEvents.toLocaleString('en')} events into ${figures.coopId} ` +
    `during the run (${figures.accepted} accepted), each ${at(0.5)} ms median, ${sorted.at(-1)} ms max` +
    (figures.problem ? `; ${figures.problem}` : '')
  );
}

if (process.argv.includes('--child') && process.send) {
  let stopping = false;
  process.on('message', (message: IngestLoadOptions | { stop: true }) => {
    if ('stop' in message) {
      stopping = true;
      return;
    }
    runChild(
      message,
      () => stopping,
      (coopId) => process.send!({ ready: coopId }),
    ).then(
      (figures) => process.send!({ figures }, () => process.exit(0)),
      (error: unknown) => process.send!({ failed: (error as Error).message }, () => process.exit(1)),
    );
  });
}
