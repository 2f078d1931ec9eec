/**
 * What the synthetic generator's two bulk writers of usage events share: the interface, the
 * column order, and the loop that streams a plan's events into a writer batch by batch.
 */
import type { UsageEventRow } from '../../subgraphs/coop/db/tables.js';
import { coopEvents } from './events.js';
import type { SyntheticPlan } from './plan.js';

/**
 * Writes batches of events the fastest way the engine offers. Foreign keys are checked once
 * after the load instead of row by row (the PostgreSQL manual's advice for bulk loads; on
 * both engines the per-row checks cost more than the rows themselves): `finish` checks them
 * and fails if any row points nowhere, `abort` gives up.
 */
export interface EventWriter {
  write(rows: readonly UsageEventRow[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** The columns of usage_events the writers fill, in the order they send them. */
export const EVENT_COLUMNS = [
  'platform_cooperative_id',
  'client_event_id',
  'asset_id',
  'member_ref',
  'started_at',
  'ended_at',
  'day',
  'hours',
  'km',
  'nights',
] as const satisfies readonly (keyof UsageEventRow)[];

export interface WriteEventsOptions {
  seed: number;
  /** Events per write. */
  batch: number;
  /** Events written so far out of the plan's total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Streams every planned co-op's events into the writer, keeping one batch in flight while the
 * next is made. On an error the writer is left as it is; the caller aborts it.
 */
export async function writeEvents(
  writer: EventWriter,
  plan: SyntheticPlan,
  options: WriteEventsOptions,
): Promise<void> {
  const total = plan.coops.reduce((sum, coop) => sum + coop.events, 0);
  let done = 0;
  let batch: UsageEventRow[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    // On PostgreSQL the server stores one batch while this process makes the next.
    await inFlight;
    const rows = batch;
    batch = [];
    inFlight = writer.write(rows).then(() => {
      done += rows.length;
      options.onProgress?.(done, total);
    });
    // A failure is rethrown by the next `await inFlight`; until then it must not count as unhandled.
    inFlight.catch(() => undefined);
  };
  options.onProgress?.(0, total);
  for (const coop of plan.coops) {
    for (const row of coopEvents(coop, options.seed)) {
      batch.push(row);
      if (batch.length >= options.batch) await flush();
    }
  }
  if (batch.length > 0) await flush();
  await inFlight;
}
