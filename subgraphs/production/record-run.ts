/**
 * Recording a production run: the checks its input must pass and the one transaction that
 * writes the run with the assets it delivered. The caller has already been authorized (the
 * resolver's `requireScope`); a failed check throws before anything is written, so bad
 * input changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EmissionFactorCategory } from '../../seeds/data/types.js';
import { BadInputError, NotFoundError } from '../../lib/errors.js';
import { latestToday } from '../../lib/dates.js';
import { slugId } from '../../lib/validate.js';
import * as q from './db/queries.js';
import type { ProductionRunRow } from './db/tables.js';

/** The `RecordProductionRunInput` of the schema, as the resolver receives it. */
export interface RecordProductionRunInput {
  cooperativeId: string;
  designId: string;
  units: number;
  completedOn: string;
  cityId: string;
  platformCooperativeId: string;
  electricityFactorId: string;
  freightFactorId: string;
  assetIds: string[];
}

/** Most units one run may record. */
export const MAX_RUN_UNITS = 10_000;

/** Earliest completion day a run may have: the graph keeps no older production history. */
export const EARLIEST_RUN_DAY = '2000-01-01';

/**
 * Cities, platform co-ops and shared assets live in other databases, so their slug shape is
 * all that can be checked about them here; asset ids run longer than the default.
 */
const MAX_FOREIGN_ID_LENGTH = 100;

/** The argument path errors name, e.g. `input.units`. */
const path = (field: keyof RecordProductionRunInput): string => `input.${field}`;

/**
 * The checks that need no database, in a fixed order; throws the first failure. `now` is a
 * parameter so "not in the future" can be tested at a fixed time.
 */
export function checkRunInput(input: RecordProductionRunInput, now: Date): void {
  if (!Number.isInteger(input.units) || input.units < 1 || input.units > MAX_RUN_UNITS) {
    throw new BadInputError(path('units'), `must be an integer from 1 to ${MAX_RUN_UNITS}, got ${input.units}.`);
  }
  const today = latestToday(now);
  if (input.completedOn < EARLIEST_RUN_DAY || input.completedOn > today) {
    throw new BadInputError(
      path('completedOn'),
      `must be a day from ${EARLIEST_RUN_DAY} to today (${today}), got ${input.completedOn}.`,
    );
  }
  slugId(path('cityId'), input.cityId, MAX_FOREIGN_ID_LENGTH);
  slugId(path('platformCooperativeId'), input.platformCooperativeId, MAX_FOREIGN_ID_LENGTH);
  // Bounded before the per-id checks, so an oversized list costs nothing more.
  if (input.assetIds.length > MAX_RUN_UNITS) {
    throw new BadInputError(path('assetIds'), `lists at most ${MAX_RUN_UNITS} assets, got ${input.assetIds.length}.`);
  }
  const seen = new Set<string>();
  for (const [index, assetId] of input.assetIds.entries()) {
    slugId(path('assetIds'), assetId, MAX_FOREIGN_ID_LENGTH);
    if (seen.has(assetId)) {
      throw new BadInputError(path('assetIds'), `lists asset "${assetId}" more than once (again at index ${index}).`);
    }
    seen.add(assetId);
  }
  if (input.assetIds.length > 0 && input.assetIds.length !== input.units) {
    throw new BadInputError(
      path('units'),
      `must equal the number of assetIds (${input.assetIds.length}) when assets are listed, got ${input.units}.`,
    );
  }
}

/** Refuses assets another run already delivered: an asset has one origin. */
async function refuseDeliveredAssets(db: Knex, assetIds: readonly string[]): Promise<void> {
  const delivered = await q.deliveredAssets(db, assetIds);
  if (delivered.length > 0) {
    const list = delivered.map((row) => `"${row.asset_id}" (by run "${row.run_id}")`).join(', ');
    throw new BadInputError(path('assetIds'), `lists assets another run already delivered: ${list}.`);
  }
}

/**
 * The checks against this subgraph's own data: the co-op and design exist and the co-op
 * builds the design, each factor exists and is of its category, no asset has an origin yet.
 */
async function checkRunReferences(db: Knex, input: RecordProductionRunInput): Promise<void> {
  const [cooperatives, designs, builds, factors] = await Promise.all([
    q.openCooperativesByIds(db, [input.cooperativeId]),
    q.openDesignsByIds(db, [input.designId]),
    q.buildsDesign(db, input.cooperativeId, input.designId),
    q.emissionFactorsByIds(db, [input.electricityFactorId, input.freightFactorId]),
  ]);
  if (cooperatives.length === 0) {
    throw new NotFoundError(path('cooperativeId'), `no open co-op "${input.cooperativeId}".`);
  }
  if (designs.length === 0) throw new NotFoundError(path('designId'), `no open design "${input.designId}".`);
  if (!builds) {
    throw new BadInputError(
      path('designId'),
      `open co-op "${input.cooperativeId}" does not build design "${input.designId}" (see OpenCooperative.designs).`,
    );
  }
  const checkFactor = (field: 'electricityFactorId' | 'freightFactorId', category: EmissionFactorCategory) => {
    const factor = factors.find((row) => row.id === input[field]);
    if (!factor) throw new NotFoundError(path(field), `no emission factor "${input[field]}".`);
    if (factor.category !== category) {
      throw new BadInputError(
        path(field),
        `"${factor.id}" is a factor of category ${factor.category}; it must be one of category ${category}.`,
      );
    }
  };
  checkFactor('electricityFactorId', 'ELECTRICITY');
  checkFactor('freightFactorId', 'FREIGHT');
  await refuseDeliveredAssets(db, input.assetIds);
}

/**
 * Validates a run and writes it with its assets in one transaction; returns the new run's
 * id. Any failed check throws a `BadInputError` or `NotFoundError` naming the input field,
 * with nothing written.
 */
export async function recordProductionRun(
  db: Knex,
  input: RecordProductionRunInput,
  now: Date = new Date(),
): Promise<string> {
  checkRunInput(input, now);
  const run: ProductionRunRow = {
    // A uuid, not a per-co-op counter: two concurrent runs can never pick the same id.
    id: `run-${randomUUID()}`,
    cooperative_id: input.cooperativeId,
    design_id: input.designId,
    units: input.units,
    completed_on: input.completedOn,
    city_id: input.cityId,
    platform_cooperative_id: input.platformCooperativeId,
    electricity_factor_id: input.electricityFactorId,
    freight_factor_id: input.freightFactorId,
  };
  try {
    await db.transaction(async (trx) => {
      await checkRunReferences(trx, input);
      await q.insertProductionRun(trx, run, input.assetIds);
    });
  } catch (error) {
    // A concurrent run may deliver one of these assets between the check and the insert;
    // the unique index on run_assets.asset_id then refuses it, reported like the check would.
    if (!(error instanceof BadInputError || error instanceof NotFoundError)) {
      await refuseDeliveredAssets(db, input.assetIds);
    }
    throw error;
  }
  return run.id;
}
