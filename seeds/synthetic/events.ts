/**
 * A planned co-op's usage events, pure and streamed: each co-op draws from a PRNG of its own
 * (seeded by the run's seed and the co-op's number), so its events do not depend on any other
 * co-op's or on how the writer batches them.
 */
import { addDays, eachDay, parseDay } from '../../lib/dates.js';
import { DisjointSpans } from '../../lib/intervals.js';
import type { SharedAssetRow, UsageEventRow } from '../../subgraphs/coop/db/tables.js';
import type { Random } from '../prng.js';
import { USAGE_FROM, USAGE_TO, USE_SHAPE, type AssetKind } from '../world.js';
import { cumulativeOf, round, searchCumulative, streamFor } from './draws.js';
import type { CoopPlan } from './plan.js';

/** One day of the usage window, computed once: date arithmetic per event would dominate the run. */
interface WindowDay {
  day: string;
  month: number;
  midnight: number;
  /** Relative busyness: more in summer; homes busier at weekends, everything else quieter. */
  weight: { housing: number; other: number };
}

let windowDays: WindowDay[] | undefined;

function usageWindow(): WindowDay[] {
  windowDays ??= eachDay(USAGE_FROM, USAGE_TO).map((day) => {
    const date = parseDay(day);
    const dayOfYear = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000;
    const season = 1 + 0.25 * Math.cos((2 * Math.PI * (dayOfYear - 196)) / 365);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    return {
      day,
      month: date.getUTCMonth() + 1,
      midnight: date.getTime(),
      weight: { housing: season * (weekend ? 1.4 : 1), other: season * (weekend ? 0.8 : 1) },
    };
  });
  return windowDays;
}

/** The co-op's assets in service on each day, recomputed only on days where the fleet changes. */
function fleetByDay(assets: readonly SharedAssetRow[], days: readonly WindowDay[]): SharedAssetRow[][] {
  const changes = new Set(
    assets.flatMap((a) => [a.commissioned_on, a.decommissioned_on && addDays(a.decommissioned_on, 1)]),
  );
  let current: SharedAssetRow[] = [];
  return days.map(({ day }, index) => {
    if (index === 0 || changes.has(day)) {
      current = assets.filter(
        (a) => a.commissioned_on <= day && (a.decommissioned_on === null || day <= a.decommissioned_on),
      );
    }
    return current;
  });
}

const HOUR_MS = 3_600_000;

/**
 * A co-op's usage events, exactly `coop.events` of them, mostly in day order: each on an asset
 * in service that day and free for the whole use (an asset is in one use at a time, as ingest
 * requires), by a member drawn with a skew towards frequent users (as in the seed world), with
 * duration, km and nights shaped by the asset's kind. A use whose day has no free slot moves to
 * the next day; the few still unplaced at the window's end get a second sweep from its start.
 */
export function* coopEvents(coop: CoopPlan, seed: number): Generator<UsageEventRow> {
  if (coop.events === 0) return;
  const random = streamFor(seed, 2, coop.number);
  const housing = coop.assets.some((asset) => asset.kind === 'HOME' || asset.kind === 'ROOM');
  const days = usageWindow().filter((d) => !coop.activeMonths || coop.activeMonths.includes(d.month));
  const cumulative = cumulativeOf(days.map((d) => (housing ? d.weight.housing : d.weight.other)));
  const perDay = new Array<number>(days.length).fill(0);
  for (let i = 0; i < coop.events; i++) perDay[searchCumulative(cumulative, random.next() * cumulative.at(-1)!)]! += 1;
  const fleet = fleetByDay(coop.assets, days);
  const id = coop.row.id;
  const taken = new DisjointSpans();
  let sequence = 0;
  let carried = 0;
  for (const sweep of [0, 1]) {
    for (let d = 0; d < days.length && (sweep === 0 || carried > 0); d++) {
      const { day, midnight } = days[d]!;
      const due = (sweep === 0 ? perDay[d]! : 0) + carried;
      carried = 0;
      for (let n = 0; n < due; n++) {
        const use = freeUse(random, fleet[d]!, midnight, taken);
        if (!use) {
          carried += 1;
          continue;
        }
        const { asset, shape, nights, hours, start } = use;
        sequence += 1;
        yield {
          platform_cooperative_id: id,
          client_event_id: `${id}:${sequence}`,
          asset_id: asset.id,
          member_ref: `${id}/m${Math.floor(coop.members * random.next() ** 2)}`,
          started_at: new Date(start).toISOString(),
          ended_at: new Date(start + hours * HOUR_MS).toISOString(),
          day,
          hours,
          km: round(random.between(shape.km[0], shape.km[1]), 1),
          nights,
        };
      }
    }
  }
  if (carried > 0) {
    throw new Error(`Co-op ${id}: its fleet has no free slot left for ${carried} of its ${coop.events} events.`);
  }
}

/** How many draws of an asset and a start time a planned use gets before it moves to the next day. */
const DRAWS_PER_USE = 8;

/**
 * A use on the day starting at `midnight`, on an asset free for all of it (an asset is in one
 * use at a time, as ingest requires), taken in `taken`; null when DRAWS_PER_USE draws all hit
 * a busy asset.
 */
function freeUse(random: Random, available: readonly SharedAssetRow[], midnight: number, taken: DisjointSpans) {
  for (let draw = 0; draw < DRAWS_PER_USE; draw++) {
    const asset = random.pick(available);
    const shape = USE_SHAPE[asset.kind as AssetKind];
    const nights = shape.nights ? random.int(shape.nights[0], shape.nights[1]) : 0;
    const hours = nights > 0 ? nights * 24 : Math.round(random.between(shape.hours[0], shape.hours[1]) * 4) / 4;
    const start = midnight + (nights > 0 ? 15 * HOUR_MS : random.int(6 * 4, 20 * 4) * (HOUR_MS / 4));
    if (taken.overlaps(asset.id, start, start + hours * HOUR_MS)) continue;
    taken.take(asset.id, start, start + hours * HOUR_MS);
    return { asset, shape, nights, hours, start };
  }
  return null;
}
