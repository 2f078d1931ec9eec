/**
 * Consent for a run's effects on what others own. A run's delivery counts in a city's
 * footprint only once a `city-admin` of that city confirms it; a run is a shared asset's
 * origin only once a `coop-operator` of the platform co-op that owns the asset confirms the
 * claim. Either party may decline, and may revise its answer later (a confirmation is refused
 * only where it would give an asset a second origin). Pending and declined effects count
 * nowhere.
 */
import type { Knex } from 'knex';
import { requireScope, type Viewer } from '../../lib/auth.js';
import { BadInputError, NotFoundError } from '../../lib/errors.js';
import * as q from './db/queries.js';
import * as w from './db/writes.js';
import type { ConsentStatus, ProductionRunRow } from './db/tables.js';
import { coopFacts, type OwnerAccess } from './owners.js';

/** The answers a party can give. */
export type Decision = Exclude<ConsentStatus, 'PENDING'>;

async function runOrRefuse(db: Knex, runId: string): Promise<ProductionRunRow> {
  const [run] = await q.productionRunsByIds(db, [runId]);
  if (!run) throw new NotFoundError('runId', `no production run "${runId}".`);
  return run;
}

/**
 * The city's answer to a run's delivery. Only a `city-admin` of the run's city may give it;
 * returns the caller (for the log).
 */
export async function decideDelivery(
  db: Knex,
  viewer: Viewer | null,
  runId: string,
  decision: Decision,
): Promise<Viewer> {
  // The run (and so its city) is public, so reading it before the check reveals nothing.
  const run = await runOrRefuse(db, runId);
  const admin = requireScope(viewer, 'city-admin', run.city_id);
  await w.setDeliveryStatus(db, run.id, decision);
  return admin;
}

/**
 * Refuses anyone who is not a coop-operator at all before the owner is asked, so an anonymous
 * or unrelated caller costs no request to the coop subgraph.
 */
function requireCoopOperator(viewer: Viewer | null): Viewer {
  return requireScope(
    viewer,
    'coop-operator',
    viewer?.role === 'coop-operator' ? viewer.scope : 'the platform co-op that owns the assets',
  );
}

/** Refuses assets the run does not claim. */
async function requireClaims(db: Knex, runId: string, assetIds: readonly string[]): Promise<void> {
  const claimed = new Set((await q.claimsOfRuns(db, [runId])).map((claim) => claim.asset_id));
  const missing = assetIds.filter((id) => !claimed.has(id));
  if (missing.length > 0) {
    throw new NotFoundError(
      'assetIds',
      `run "${runId}" claims no assets ${missing.map((id) => `"${id}"`).join(', ')}.`,
    );
  }
}

/** Refuses to confirm where another run is already the confirmed origin of an asset. */
async function refuseSecondOrigin(db: Knex, runId: string, assetIds: readonly string[]): Promise<void> {
  const taken = await q.confirmedOrigins(db, assetIds, runId);
  if (taken.length > 0) {
    const list = taken.map((row) => `"${row.asset_id}" (from run "${row.run_id}")`).join(', ');
    throw new BadInputError('assetIds', `lists assets whose origin is already confirmed: ${list}.`);
  }
}

/**
 * A co-op's answer to a run's claims on some of its assets. The caller must be a
 * `coop-operator` of the platform co-op that owns every one of them, as the coop subgraph
 * says now (asked through `owners.ts`; nothing is written when it cannot answer). Returns the
 * caller (for the log).
 */
export async function decideAssetOrigin(
  db: Knex,
  access: OwnerAccess,
  viewer: Viewer | null,
  runId: string,
  assetIds: readonly string[],
  decision: Decision,
): Promise<Viewer> {
  const operator = requireCoopOperator(viewer);
  await runOrRefuse(db, runId);
  await requireClaims(db, runId, assetIds);
  const { assetOwners } = await coopFacts(access, null, assetIds);
  for (const assetId of assetIds) {
    const owner = assetOwners.get(assetId);
    if (!owner) throw new NotFoundError('assetIds', `no shared asset "${assetId}".`);
    requireScope(operator, 'coop-operator', owner);
  }
  await db.transaction(async (trx) => {
    // Answers on the same assets queue here, so the check below sees any confirmation before it.
    await q.lockClaimsOfAssets(trx, assetIds);
    if (decision === 'CONFIRMED') await refuseSecondOrigin(trx, runId, assetIds);
    await w.setClaimStatus(trx, runId, assetIds, decision);
  });
  return operator;
}
