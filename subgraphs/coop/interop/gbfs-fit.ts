/**
 * Whether a GBFS feed may go into a co-op at all: GBFS describes shared vehicles, so a co-op
 * whose shared assets are homes, rooms or tools (a Ghent tool library) takes no vehicle feed;
 * otherwise it would publish another system's stations as its own. Checked before the import's
 * transaction, so a refused feed changes nothing.
 */
import type { Knex } from 'knex';
import { RefusedFileError } from '../../../lib/interop.js';
import { VEHICLE_KINDS } from '../ingest.js';

/**
 * Throws `RefusedFileError` when the co-op has shared assets and none of them is a vehicle
 * (CAR, E_BIKE, BIKE, CARGO_BIKE). A co-op with no assets yet may start with a GBFS system.
 */
export async function checkCoopSharesVehicles(db: Knex, coopId: string): Promise<void> {
  const kinds = (
    await db('shared_assets').where('platform_cooperative_id', coopId).distinct('kind').orderBy('kind')
  ).map((row: { kind: string }) => row.kind);
  if (kinds.length === 0 || kinds.some((kind) => VEHICLE_KINDS.includes(kind))) return;
  throw new RefusedFileError(
    `--coop ${coopId}: this co-op shares ${kinds.join(', ')}, not vehicles; a GBFS feed describes shared vehicles ` +
      `(${VEHICLE_KINDS.join(', ')}), so it goes only into a co-op that shares them`,
  );
}
