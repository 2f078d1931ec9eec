/**
 * Usage ingest as pure functions: batch limits and per-event validation, given the batch's
 * assets and the client ids the co-op has already stored. No database and no GraphQL here,
 * so every rule is unit-testable; `db/ingest.ts` does the reads and writes around it.
 */
import { BadInputError } from '../../lib/errors.js';
import type { SharedAssetRow, UsageEventRow } from './db/tables.js';

/** The limits of one ingest batch and of each event in it. */
export const INGEST_LIMITS = {
  maxEvents: 10_000,
  maxTextLength: 128,
  maxDurationHours: 31 * 24,
  maxKm: 2_000,
  maxNights: 31,
} as const;

/** Asset kinds whose uses are trips: the only ones that record km. */
export const VEHICLE_KINDS: readonly string[] = ['CAR', 'E_BIKE', 'BIKE', 'CARGO_BIKE'];
/** Asset kinds whose uses are stays: the only ones that record nights. */
export const STAY_KINDS: readonly string[] = ['HOME', 'ROOM'];

/** One event as the `UsageEventInput` GraphQL type delivers it (instants already canonical UTC). */
export interface UsageEventInput {
  clientEventId: string;
  assetId: string;
  memberRef: string;
  startedAt: string;
  endedAt: string;
  km?: number | null;
  nights?: number | null;
}

export type IngestStatus = 'ACCEPTED' | 'DUPLICATE' | 'REJECTED';

/** The outcome for one event. Carries the client id and nothing else of the event: events are personal data. */
export interface IngestItemResult {
  clientEventId: string;
  status: IngestStatus;
  reason: string | null;
}

/** The answer of one batch: counts and one result per event, in the order sent. */
export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: IngestItemResult[];
}

/** Reasons a DUPLICATE carries, so a client can tell a retry from a mistake in its own batch. */
export const DUPLICATE_STORED = 'clientEventId was already stored by an earlier request; not counted again.';
export const DUPLICATE_IN_BATCH = 'clientEventId repeats an earlier event of this batch; only the first one counts.';

const HOUR_MS = 3_600_000;

/** The UTC calendar day of an instant: the bin a use belongs to. */
const utcDay = (instant: number): string => new Date(instant).toISOString().slice(0, 10);

/** Refuses a whole batch outside 1..10,000 events before anything is read or written. */
export function checkBatchSize(events: readonly unknown[]): void {
  if (events.length < 1 || events.length > INGEST_LIMITS.maxEvents) {
    throw new BadInputError(
      'input.events',
      `a batch holds from 1 to ${INGEST_LIMITS.maxEvents.toLocaleString('en')} events, got ${events.length}; nothing was stored.`,
    );
  }
}

/** A text field's problem (blank or too long), or null when it is fine. */
function textProblem(field: string, value: string): string | null {
  if (value.trim() === '') return `${field} must not be empty.`;
  if (value.length > INGEST_LIMITS.maxTextLength) {
    return `${field} must be at most ${INGEST_LIMITS.maxTextLength} characters long.`;
  }
  return null;
}

/** The keys a batch needs looked up: its distinct well-formed client ids and its distinct asset ids. */
export function lookupKeys(events: readonly UsageEventInput[]): { clientEventIds: string[]; assetIds: string[] } {
  const clientEventIds = new Set<string>();
  const assetIds = new Set<string>();
  for (const event of events) {
    if (textProblem('clientEventId', event.clientEventId) === null) clientEventIds.add(event.clientEventId);
    assetIds.add(event.assetId);
  }
  return { clientEventIds: [...clientEventIds], assetIds: [...assetIds] };
}

/** What validation needs besides the events: the co-op, its batch's assets, its stored client ids, the time. */
export interface IngestContext {
  platformCooperativeId: string;
  /** The assets the batch names that exist (of any co-op), by id. */
  assets: ReadonlyMap<string, SharedAssetRow>;
  /** Those of the batch's client ids this co-op has already stored. */
  storedClientEventIds: ReadonlySet<string>;
  now: Date;
}

/** Why one event cannot be stored, naming the field at fault; null when it can. */
function eventProblem(event: UsageEventInput, context: IngestContext): string | null {
  const memberProblem = textProblem('memberRef', event.memberRef);
  if (memberProblem) return memberProblem;
  const asset = context.assets.get(event.assetId);
  if (!asset) return 'assetId: no shared asset has this id.';
  if (asset.platform_cooperative_id !== context.platformCooperativeId) {
    return 'assetId: the asset belongs to another platform co-op.';
  }
  const started = Date.parse(event.startedAt);
  const ended = Date.parse(event.endedAt);
  if (Number.isNaN(started)) return 'startedAt must be an ISO 8601 instant.';
  if (Number.isNaN(ended)) return 'endedAt must be an ISO 8601 instant.';
  if (started > context.now.getTime()) return 'startedAt must not be in the future.';
  const day = utcDay(started);
  if (day < asset.commissioned_on || (asset.decommissioned_on !== null && day > asset.decommissioned_on)) {
    return 'assetId: the asset was not in service on the UTC day of startedAt.';
  }
  if (ended <= started) return 'endedAt must be after startedAt.';
  if (ended - started > INGEST_LIMITS.maxDurationHours * HOUR_MS) {
    return `endedAt must be at most ${INGEST_LIMITS.maxDurationHours / 24} days after startedAt.`;
  }
  const km = event.km ?? 0;
  if (!(km >= 0 && km <= INGEST_LIMITS.maxKm)) return `km must be between 0 and ${INGEST_LIMITS.maxKm}.`;
  if (km > 0 && !VEHICLE_KINDS.includes(asset.kind)) {
    return `km applies only to vehicles (${VEHICLE_KINDS.join(', ')}); this asset is a ${asset.kind}.`;
  }
  const nights = event.nights ?? 0;
  if (!(Number.isInteger(nights) && nights >= 0 && nights <= INGEST_LIMITS.maxNights)) {
    return `nights must be a whole number between 0 and ${INGEST_LIMITS.maxNights}.`;
  }
  if (nights > 0 && !STAY_KINDS.includes(asset.kind)) {
    return `nights applies only to homes and rooms (${STAY_KINDS.join(', ')}); this asset is a ${asset.kind}.`;
  }
  return null;
}

/**
 * Decides every event of a batch. An event is a DUPLICATE when its client id is already
 * stored or appeared earlier in the batch (checked before the fields, so a retry is always a
 * duplicate); REJECTED when a field breaks a rule; else ACCEPTED, with the row to insert.
 * The bin day is the UTC day of `startedAt`, the hours the duration, as the seed stores them.
 */
export function validateEvents(
  events: readonly UsageEventInput[],
  context: IngestContext,
): { rows: UsageEventRow[]; results: IngestItemResult[] } {
  const rows: UsageEventRow[] = [];
  const seen = new Set<string>();
  const results = events.map((event): IngestItemResult => {
    const { clientEventId } = event;
    const reject = (reason: string): IngestItemResult => ({ clientEventId, status: 'REJECTED', reason });
    const idProblem = textProblem('clientEventId', clientEventId);
    if (idProblem) return reject(idProblem);
    if (seen.has(clientEventId)) return { clientEventId, status: 'DUPLICATE', reason: DUPLICATE_IN_BATCH };
    seen.add(clientEventId);
    if (context.storedClientEventIds.has(clientEventId)) {
      return { clientEventId, status: 'DUPLICATE', reason: DUPLICATE_STORED };
    }
    const problem = eventProblem(event, context);
    if (problem) return reject(problem);
    const started = Date.parse(event.startedAt);
    const ended = Date.parse(event.endedAt);
    rows.push({
      platform_cooperative_id: context.platformCooperativeId,
      client_event_id: clientEventId,
      asset_id: event.assetId,
      member_ref: event.memberRef,
      started_at: new Date(started).toISOString(),
      ended_at: new Date(ended).toISOString(),
      day: utcDay(started),
      hours: (ended - started) / HOUR_MS,
      km: event.km ?? 0,
      nights: event.nights ?? 0,
    });
    return { clientEventId, status: 'ACCEPTED', reason: null };
  });
  return { rows, results };
}

/** Counts the results of a batch into its answer. */
export function summarize(results: IngestItemResult[]): IngestOutcome {
  const count = (status: IngestStatus) => results.filter((result) => result.status === status).length;
  return { accepted: count('ACCEPTED'), duplicates: count('DUPLICATE'), rejected: count('REJECTED'), results };
}
