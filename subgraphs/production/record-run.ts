/**
 * Recording a production run: the checks its input must pass and the one transaction that
 * writes the run with its (pending) claims on a city's footprint and on assets' origins. The
 * caller has already been authorized (the resolver's `requireScope`); a failed check throws
 * before anything is written, so bad input changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EmissionFactorCategory } from './domain.js';
import { BadInputError, NotFoundError } from '../../lib/errors.js';
import * as q from './db/queries.js';
import * as w from './db/writes.js';
import type { ProductionRunRow } from './db/tables.js';
import { cityExists, coopFacts, type OwnerAccess } from './owners.js';
import { parseInput } from '../../lib/validate.js';
import type { RecordProductionRunInput } from './generated/resolvers.js';
import { recordRunInputSchema } from './resolvers/validate.js';

/** The `RecordProductionRunInput` of the schema, as the resolver receives it (generated from the SDL). */
export type { RecordProductionRunInput };

/** The argument path errors name, e.g. `input.units`. */
const path = (field: keyof RecordProductionRunInput): string => `input.${field}`;

/**
 * The checks that need no database (one zod schema, `resolvers/validate.ts`); throws the first
 * failure and returns the input as parsed. `now` is a parameter so "not in the future" can be
 * tested at a fixed time.
 */
export function checkRunInput(input: RecordProductionRunInput, now: Date): RecordProductionRunInput {
  return parseInput(recordRunInputSchema(now), input);
}

/**
 * Refuses assets whose origin is already confirmed: an asset has one origin. Pending claims of
 * other runs are no obstacle, so a claim nobody confirms can never lock a producer out.
 */
async function refuseConfirmedAssets(db: Knex, assetIds: readonly string[]): Promise<void> {
  const confirmed = await q.confirmedOrigins(db, assetIds);
  if (confirmed.length > 0) {
    const list = confirmed.map((row) => `"${row.asset_id}" (by run "${row.run_id}")`).join(', ');
    throw new BadInputError(path('assetIds'), `lists assets whose origin is already confirmed: ${list}.`);
  }
}

/**
 * The checks against the owners' data, asked of the owners (`owners.ts`): the city exists
 * (league), the receiving platform co-op exists and is in that city, and every asset exists
 * and belongs to that co-op (coop). Throws, with nothing written, when an owner cannot answer.
 */
async function checkOwnedReferences(access: OwnerAccess, input: RecordProductionRunInput): Promise<void> {
  const [cityKnown, facts] = await Promise.all([
    cityExists(access, input.cityId),
    coopFacts(access, input.platformCooperativeId, input.assetIds),
  ]);
  if (!cityKnown) throw new NotFoundError(path('cityId'), `no city "${input.cityId}".`);
  if (facts.platformCooperativeCityId === null) {
    throw new NotFoundError(path('platformCooperativeId'), `no platform co-op "${input.platformCooperativeId}".`);
  }
  if (facts.platformCooperativeCityId !== input.cityId) {
    throw new BadInputError(
      path('platformCooperativeId'),
      `platform co-op "${input.platformCooperativeId}" is in city "${facts.platformCooperativeCityId}", not "${input.cityId}".`,
    );
  }
  const unknown = input.assetIds.filter((id) => !facts.assetOwners.has(id));
  if (unknown.length > 0) {
    throw new NotFoundError(path('assetIds'), `no shared assets ${unknown.map((id) => `"${id}"`).join(', ')}.`);
  }
  const foreign = input.assetIds.filter((id) => facts.assetOwners.get(id) !== input.platformCooperativeId);
  if (foreign.length > 0) {
    throw new BadInputError(
      path('assetIds'),
      `lists assets that platform co-op "${input.platformCooperativeId}" does not share: ${foreign
        .map((id) => `"${id}" (of "${facts.assetOwners.get(id)}")`)
        .join(', ')}.`,
    );
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
  await refuseConfirmedAssets(db, input.assetIds);
}

/**
 * Validates a run and writes it with its claims in one transaction; returns the new run's id.
 * The delivery and every asset claim start PENDING: they count nowhere until the city and the
 * assets' co-op confirm them (`consent.ts`). Any failed check throws a `BadInputError` or
 * `NotFoundError` naming the input field, with nothing written.
 */
export async function recordProductionRun(
  db: Knex,
  access: OwnerAccess,
  raw: RecordProductionRunInput,
  now: Date = new Date(),
): Promise<string> {
  const input = checkRunInput(raw, now);
  // Asked before the transaction opens, so no database work waits on another process.
  await checkOwnedReferences(access, input);
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
    delivery_status: 'PENDING',
  };
  await db.transaction(async (trx) => {
    await checkRunReferences(trx, input);
    await w.insertProductionRun(trx, run, input.assetIds);
  });
  return run.id;
}
