/**
 * Usage ingest as pure functions: the batch envelope and each event checked by the zod rules
 * of lib/validate.ts, then by the rules that need the batch's assets, the client ids the
 * co-op has already stored and the stored uses the events would overlap. No database and no
 * GraphQL here, so every rule is unit-testable; `db/ingest.ts` does the reads and writes.
 *
 * A malformed envelope (co-op id, batch size) refuses the whole request; everything about one
 * event is that event's REJECTED verdict, with a reason naming the field
 * (`input.events[3].memberRef: ...`), so one bad event never costs the others.
 */
import { z } from 'zod';
import { toDay } from '../../lib/dates.js';
import { DisjointSpans } from '../../lib/intervals.js';
import { firstProblem, int, isoInstant, key, number, parseInput, slug } from '../../lib/validate.js';
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

const HOUR_MS = 3_600_000;
const MAX_DURATION_MS = INGEST_LIMITS.maxDurationHours * HOUR_MS;

/** The envelope of `IngestUsageInput`: a malformed one refuses the whole request. */
const ingestEnvelope = z.object({
  platformCooperativeId: slug(),
  events: z.array(z.unknown()).superRefine((events, ctx) => {
    if (events.length < 1 || events.length > INGEST_LIMITS.maxEvents) {
      ctx.addIssue({
        code: 'custom',
        message: `a batch holds from 1 to ${INGEST_LIMITS.maxEvents.toLocaleString('en')} events, got ${events.length}; nothing was stored.`,
      });
    }
  }),
});

/** An event's client id: checked first and on its own, since duplicates are found by it. */
const clientEventId = key(INGEST_LIMITS.maxTextLength);

/** `UsageEventInput`: every field by the shared rules, then the use's own span. */
const usageEventInput = z
  .object({
    clientEventId,
    assetId: slug(),
    memberRef: key(INGEST_LIMITS.maxTextLength),
    startedAt: isoInstant(),
    endedAt: isoInstant(),
    km: number(0, INGEST_LIMITS.maxKm).nullish(),
    nights: int(0, INGEST_LIMITS.maxNights).nullish(),
  })
  .superRefine((event, ctx) => {
    const span = Date.parse(event.endedAt) - Date.parse(event.startedAt);
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must be after startedAt.' });
    else if (span > MAX_DURATION_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['endedAt'],
        message: `must be at most ${INGEST_LIMITS.maxDurationHours / 24} days after startedAt.`,
      });
    }
  });

/** One event as the `UsageEventInput` GraphQL type delivers it (instants already canonical UTC). */
export type UsageEventInput = z.input<typeof usageEventInput>;
/** One event once every field rule holds: instants in canonical UTC form. */
type CheckedEvent = z.output<typeof usageEventInput>;

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

/** The code a reason starts with when the asset is already in another use at that time. */
export const OVERLAPS_EXISTING_USE = 'OVERLAPS_EXISTING_USE';

/** The path of one event's field, as reasons name it. */
const fieldOf = (index: number, field: string) => `input.events[${index}].${field}`;

/**
 * Checks the envelope of a batch (the co-op's id, 1 to 10,000 events) before anything is
 * read or written; a BadInputError naming `input.platformCooperativeId` or `input.events` otherwise.
 */
export function checkEnvelope(input: { platformCooperativeId: string; events: readonly unknown[] }): void {
  parseInput(ingestEnvelope, input);
}

/** The event's client id when it is a well-formed key, else null (such an event is REJECTED, never looked up). */
function wellFormedId(event: UsageEventInput): string | null {
  return clientEventId.safeParse(event.clientEventId).success ? event.clientEventId : null;
}

/**
 * The keys a batch needs looked up: its distinct well-formed client ids and asset ids. Only
 * well-formed ones, so no NUL or lone surrogate ever reaches a query (PostgreSQL refuses them).
 */
export function lookupKeys(events: readonly UsageEventInput[]): { clientEventIds: string[]; assetIds: string[] } {
  const clientEventIds = new Set<string>();
  const assetIds = new Set<string>();
  const assetId = slug();
  for (const event of events) {
    const id = wellFormedId(event);
    if (id !== null) clientEventIds.add(id);
    if (assetId.safeParse(event.assetId).success) assetIds.add(event.assetId);
  }
  return { clientEventIds: [...clientEventIds], assetIds: [...assetIds] };
}

/** One event's use of an asset, as the stored-overlap query takes it: index in the batch, asset, [start, end). */
export interface UseSpan {
  index: number;
  assetId: string;
  startedAt: string;
  endedAt: string;
}

/**
 * The spans of every event whose fields are all well formed, for the one query that finds
 * which of them overlap a stored use. Events that fail a field rule are left out: they are
 * REJECTED anyway, and their text never reaches a query.
 */
export function useSpans(events: readonly UsageEventInput[]): UseSpan[] {
  return events.flatMap((event, index) => {
    const parsed = usageEventInput.safeParse(event);
    if (!parsed.success) return [];
    const { assetId, startedAt, endedAt } = parsed.data;
    return [{ index, assetId, startedAt, endedAt }];
  });
}

/** What validation needs besides the events: the co-op, its batch's assets, what is stored, the time. */
export interface IngestContext {
  platformCooperativeId: string;
  /** The assets the batch names that exist (of any co-op), by id. */
  assets: ReadonlyMap<string, SharedAssetRow>;
  /** Those of the batch's client ids this co-op has already stored. */
  storedClientEventIds: ReadonlySet<string>;
  /** Indexes of the batch's events whose span overlaps a stored use of the same asset. */
  overlapsStored: ReadonlySet<number>;
  now: Date;
}

/** Why a well-formed event cannot be stored given the co-op's assets and the time, naming the field; null when it can. */
function contextProblem(index: number, event: CheckedEvent, context: IngestContext): string | null {
  const asset = context.assets.get(event.assetId);
  const assetField = fieldOf(index, 'assetId');
  if (!asset) return `${assetField}: no shared asset has this id.`;
  if (asset.platform_cooperative_id !== context.platformCooperativeId) {
    return `${assetField}: the asset belongs to another platform co-op.`;
  }
  const started = Date.parse(event.startedAt);
  if (started > context.now.getTime()) return `${fieldOf(index, 'startedAt')}: must not be in the future.`;
  const day = toDay(started);
  if (day < asset.commissioned_on || (asset.decommissioned_on !== null && day > asset.decommissioned_on)) {
    return `${assetField}: the asset was not in service on the UTC day of startedAt.`;
  }
  if ((event.km ?? 0) > 0 && !VEHICLE_KINDS.includes(asset.kind)) {
    return `${fieldOf(index, 'km')}: applies only to vehicles (${VEHICLE_KINDS.join(', ')}); this asset is a ${asset.kind}.`;
  }
  if ((event.nights ?? 0) > 0 && !STAY_KINDS.includes(asset.kind)) {
    return `${fieldOf(index, 'nights')}: applies only to homes and rooms (${STAY_KINDS.join(', ')}); this asset is a ${asset.kind}.`;
  }
  return null;
}

/** The reason of an event whose asset is already in use then, in the store or earlier in the batch. */
function overlapReason(index: number, where: 'stored' | 'batch'): string {
  const other = where === 'stored' ? 'a stored use' : 'an earlier event of this batch';
  return `${fieldOf(index, 'startedAt')}: ${OVERLAPS_EXISTING_USE}: the asset is in ${other} during [startedAt, endedAt); an asset is in one use at a time.`;
}

/**
 * Decides every event of a batch, in the order sent. An event is REJECTED when its client id
 * is malformed; a DUPLICATE when its client id is already stored or appeared earlier in the
 * batch (checked before the other fields, so a retry is always a duplicate); REJECTED when a
 * field breaks a rule, or when its asset is already in a stored use or an earlier accepted
 * use of the batch at that time (OVERLAPS_EXISTING_USE); else ACCEPTED, with the row to
 * insert. The bin day is the UTC day of `startedAt`, the hours the duration.
 */
export function validateEvents(
  events: readonly UsageEventInput[],
  context: IngestContext,
): { rows: UsageEventRow[]; results: IngestItemResult[] } {
  const rows: UsageEventRow[] = [];
  const seen = new Set<string>();
  const batchUses = new DisjointSpans();
  const results = events.map((event, index): IngestItemResult => {
    const sentId = event.clientEventId;
    const reject = (reason: string): IngestItemResult => ({ clientEventId: sentId, status: 'REJECTED', reason });
    const id = clientEventId.safeParse(sentId);
    if (!id.success) return reject(describe(fieldOf(index, 'clientEventId'), id.error));
    if (seen.has(sentId)) return { clientEventId: sentId, status: 'DUPLICATE', reason: DUPLICATE_IN_BATCH };
    seen.add(sentId);
    if (context.storedClientEventIds.has(sentId)) {
      return { clientEventId: sentId, status: 'DUPLICATE', reason: DUPLICATE_STORED };
    }
    const parsed = usageEventInput.safeParse(event);
    if (!parsed.success) return reject(describe(`input.events[${index}]`, parsed.error));
    const checked = parsed.data;
    const problem = contextProblem(index, checked, context);
    if (problem) return reject(problem);
    const started = Date.parse(checked.startedAt);
    const ended = Date.parse(checked.endedAt);
    if (context.overlapsStored.has(index)) return reject(overlapReason(index, 'stored'));
    if (batchUses.overlaps(checked.assetId, started, ended)) return reject(overlapReason(index, 'batch'));
    batchUses.take(checked.assetId, started, ended);
    rows.push({
      platform_cooperative_id: context.platformCooperativeId,
      client_event_id: sentId,
      asset_id: checked.assetId,
      member_ref: checked.memberRef,
      started_at: checked.startedAt,
      ended_at: checked.endedAt,
      day: toDay(started),
      hours: (ended - started) / HOUR_MS,
      km: checked.km ?? 0,
      nights: checked.nights ?? 0,
    });
    return { clientEventId: sentId, status: 'ACCEPTED', reason: null };
  });
  return { rows, results };
}

/** `input.events[3].memberRef: <rule>` for the first problem of a failed parse. */
function describe(root: string, error: z.ZodError): string {
  const { path, message } = firstProblem(root, error);
  return `${path}: ${message}`;
}

/** Counts the results of a batch into its answer. */
export function summarize(results: IngestItemResult[]): IngestOutcome {
  const count = (status: IngestStatus) => results.filter((result) => result.status === status).length;
  return { accepted: count('ACCEPTED'), duplicates: count('DUPLICATE'), rejected: count('REJECTED'), results };
}
