/**
 * One zod schema per input of the production subgraph's mutations, built on the text rules
 * of lib/validate.ts (slug ids; every id refuses control characters, lone surrogates and
 * overlong values, since a slug admits none of them). A refusal is a BAD_USER_INPUT naming
 * the field (`input.units`, `assetIds`), and is raised before anything is read or written.
 */
import { z } from 'zod';
import { latestToday } from '../../../lib/dates.js';
import { int, isoDate, slug } from '../../../lib/validate.js';

/** Most units one run may record. */
export const MAX_RUN_UNITS = 10_000;

/**
 * Most assets one call may claim or answer for. A real run delivers a batch a workshop builds
 * and a co-op puts into service at once: the seed world's runs deliver 1 to 8, a large fleet
 * order a few hundred. 500 leaves room for that while keeping the owner lookup (one coop
 * `_entities` request) and the transaction small. A run of more units lists no assets.
 */
export const MAX_ASSETS_PER_CALL = 500;

/** Earliest completion day a run may have: the graph keeps no older production history. */
export const EARLIEST_RUN_DAY = '2000-01-01';

/**
 * Cities, platform co-ops and shared assets are other subgraphs' ids; asset ids run longer
 * than the default.
 */
const MAX_FOREIGN_ID_LENGTH = 100;

/** A list of distinct asset ids, 0 (or 1) to MAX_ASSETS_PER_CALL of them, bounded before each is checked. */
const assetIdList = (min: number) =>
  z
    .array(z.unknown())
    .min(min, `must list at least ${min} asset.`)
    .max(MAX_ASSETS_PER_CALL, `lists at most ${MAX_ASSETS_PER_CALL} assets per call.`)
    .pipe(z.array(slug(MAX_FOREIGN_ID_LENGTH)))
    .superRefine((ids, ctx) => {
      const index = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (index >= 0)
        ctx.addIssue({
          code: 'custom',
          message: `lists asset "${ids[index]}" more than once (again at index ${index}).`,
        });
    });

/** The `RecordProductionRunInput` schema; `now` fixes "today" so "not in the future" is testable. */
export function recordRunInputSchema(now: Date) {
  const today = latestToday(now);
  return z
    .object({
      cooperativeId: slug(),
      designId: slug(),
      units: int(1, MAX_RUN_UNITS),
      completedOn: isoDate(EARLIEST_RUN_DAY, () => today),
      cityId: slug(MAX_FOREIGN_ID_LENGTH),
      platformCooperativeId: slug(MAX_FOREIGN_ID_LENGTH),
      electricityFactorId: slug(),
      freightFactorId: slug(),
      assetIds: assetIdList(0),
    })
    .superRefine((input, ctx) => {
      if (input.assetIds.length > 0 && input.assetIds.length !== input.units) {
        ctx.addIssue({
          code: 'custom',
          path: ['units'],
          message: `must equal the number of assetIds (${input.assetIds.length}) when assets are listed, got ${input.units}.`,
        });
      }
    });
}

/** The arguments of `confirmDelivery` and `declineDelivery`. */
export const deliveryDecisionSchema = z.object({ runId: slug() });

/** The arguments of `confirmAssetOrigin` and `declineAssetOrigin`. */
export const assetDecisionSchema = z.object({ runId: slug(), assetIds: assetIdList(1) });
