/**
 * `ingestUsage` on a thread of its own, so reads never wait for a write. better-sqlite3 runs each
 * statement synchronously on the thread that calls it, and a 10,000-event batch (its checks, the
 * insert, the rebuild of the bins it touched) holds that thread for about a second and a half:
 * on the request thread, every public read of the coop process would wait until it commits.
 *
 * Here each batch runs in one worker_threads worker per database, on the worker's own connection,
 * through the same `ingestUsage` of db/writes.ts: the same checks, the same single transaction,
 * the same answer, all or nothing. SQLite runs in WAL mode (lib/db.ts), so the request thread's
 * connection keeps reading the last committed state while the worker writes; on PostgreSQL the
 * worker takes the JavaScript side of a batch (zod checks of 10,000 events, building rows) off the
 * request thread as well. The worker takes one batch at a time, as SQLite's single writer would
 * anyway, and starts none past its request's deadline; an error comes back with its GraphQL code.
 *
 * This file is both sides: `ingestOffThread` for the request thread, and the worker's loop when it
 * is loaded as the worker. The worker loads TypeScript through tsx's API, so it runs the same
 * under `npm start`, `node --import tsx` and vitest.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { GraphQLError } from 'graphql';
import type { DatabaseConfig } from '../../lib/config.js';
import { boundedDatabase, databaseConfigOf, openDatabase, reportStatements, type Knex } from '../../lib/db.js';
import { DeadlineExceededError } from '../../lib/deadline.js';
import { nextTurn } from '../../lib/turns.js';
import { checkEnvelope, type IngestOutcome, type UsageEventInput } from './ingest.js';
import { ingestUsage } from './db/writes.js';

/** What the worker is started with: the database it opens its own connection to. */
interface WorkerSetup {
  role: 'coop-ingest';
  database: DatabaseConfig;
}

/** One batch for the worker. */
interface IngestJob {
  id: number;
  platformCooperativeId: string;
  /**
   * The events as JSON: stringified here and parsed in the worker, which costs the request
   * thread about half of what structured cloning 10,000 objects into the message did.
   */
  eventsJson: string;
  /** The request's clock (epoch ms), so "not in the future" means the same as on the request thread. */
  now: number;
  /** When the request's work must stop (epoch ms): a batch not started by then is refused. */
  deadline: number;
}

/** A GraphQL error as it crosses the thread boundary: its message and extensions (code, argument). */
interface ThreadError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The worker's answer to one batch, with the SQL statements it ran (counted in the process's metrics). */
type IngestReply = { id: number; statements: number } & ({ outcome: IngestOutcome } | { error: ThreadError });

const WORKER_ROLE = 'coop-ingest';

// --- the request thread's side ---

/** The batches sent to one worker and not yet answered. */
interface IngestThread {
  worker: Worker;
  pending: Map<number, { resolve(outcome: IngestOutcome): void; reject(error: Error): void; db: Knex }>;
}

const threads = new Map<string, IngestThread>();
let nextJobId = 1;

/** The worker's entry: tsx's loader registered first, then this very file, in the worker. */
function workerSource(): string {
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  return `import(${JSON.stringify(pathToFileURL(tsxApi).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
}

/** An error from the worker as the resolver throws it: a GraphQL error keeps its code; anything else stays internal. */
function errorOf({ message, extensions }: ThreadError): Error {
  return extensions ? new GraphQLError(message, { extensions }) : new Error(message);
}

/** The worker of a database, started on first use and kept; a worker that dies fails its batches and is replaced on the next. */
function threadFor(database: DatabaseConfig): IngestThread {
  const key = JSON.stringify(database);
  const existing = threads.get(key);
  if (existing) return existing;
  const worker = new Worker(workerSource(), {
    eval: true,
    workerData: { role: WORKER_ROLE, database } satisfies WorkerSetup,
  });
  const thread: IngestThread = { worker, pending: new Map() };
  // Idle, the worker never keeps the process alive; a batch in flight does.
  worker.unref();
  worker.on('message', (reply: IngestReply) => {
    const job = thread.pending.get(reply.id);
    if (!job) return;
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) worker.unref();
    reportStatements(job.db, reply.statements);
    if ('outcome' in reply) job.resolve(reply.outcome);
    else job.reject(errorOf(reply.error));
  });
  const fail = (error: Error) => {
    // 'error' is followed by 'exit': by then a replacement may hold the key.
    if (threads.get(key) === thread) threads.delete(key);
    for (const job of thread.pending.values()) job.reject(error);
    thread.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the ingest worker stopped (exit code ${code})`)));
  threads.set(key, thread);
  return thread;
}

/**
 * Ingests one batch on the database's ingest worker and answers as `ingestUsage` does. The
 * envelope is checked here first (a malformed batch is refused without crossing threads). A
 * database only this thread can open (SQLite `:memory:`) is ingested here, as before.
 */
export async function ingestOffThread(
  db: Knex,
  platformCooperativeId: string,
  events: readonly UsageEventInput[],
  deadline: number,
  now: Date = new Date(),
): Promise<IngestOutcome> {
  checkEnvelope({ platformCooperativeId, events });
  const database = databaseConfigOf(db);
  if (!database) return ingestUsage(db, platformCooperativeId, events, now);
  const thread = threadFor(database);
  const id = nextJobId++;
  // Coercing the batch's variables just held the thread; let other requests in first.
  await nextTurn();
  const job: IngestJob = {
    id,
    platformCooperativeId,
    eventsJson: JSON.stringify(events),
    now: now.getTime(),
    deadline,
  };
  return new Promise<IngestOutcome>((resolve, reject) => {
    thread.pending.set(id, { resolve, reject, db });
    thread.worker.ref();
    thread.worker.postMessage(job);
  });
}

// --- the worker's side ---

/** What crosses back of an error: a GraphQL error's message and code; anything else as an internal error. */
function threadErrorOf(error: unknown): ThreadError {
  if (error instanceof GraphQLError) return { message: error.message, extensions: error.extensions };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The worker's loop: one connection, one batch at a time, each answered with its outcome or error. */
function serveIngests(setup: WorkerSetup): void {
  let statements = 0;
  // One batch at a time needs one connection; a second covers a nested transaction on PostgreSQL.
  const database = setup.database.client === 'pg' ? { ...setup.database, poolMax: 2 } : setup.database;
  const db = openDatabase(database, { onStatement: () => statements++ });
  let queue = Promise.resolve();
  parentPort!.on('message', (job: IngestJob) => {
    queue = queue.then(async () => {
      statements = 0;
      let reply: IngestReply;
      try {
        if (Date.now() > job.deadline) throw new DeadlineExceededError();
        const bounded = boundedDatabase(db, job.deadline, () => new DeadlineExceededError());
        const events = JSON.parse(job.eventsJson) as UsageEventInput[];
        const outcome = await ingestUsage(bounded, job.platformCooperativeId, events, new Date(job.now));
        reply = { id: job.id, statements, outcome };
      } catch (error) {
        reply = { id: job.id, statements, error: threadErrorOf(error) };
      }
      parentPort!.postMessage(reply);
    });
  });
}

if (!isMainThread && (workerData as WorkerSetup | undefined)?.role === WORKER_ROLE) {
  serveIngests(workerData as WorkerSetup);
}
