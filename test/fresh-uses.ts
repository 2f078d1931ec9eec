/**
 * Uses an ingest can add to the seeded coop database without touching anything stored: a vehicle
 * or home in service after the seed's usage year, and one-minute uses two minutes apart after its
 * last stored use (a stay may run into the next year), on the minute.
 */
import type { Knex } from 'knex';
import type { SharedAssetRow } from '../subgraphs/coop/db/tables.js';
import type { UsageEventInput } from '../subgraphs/coop/ingest.js';
import { USAGE_TO } from '../seeds/world.js';

export interface FreshUses {
  coopId: string;
  events: UsageEventInput[];
}

/** `count` fresh uses of the first asset in service at the end of the seed's year, ids `<label>-<i>`, over `members` members. */
export async function freshUses(db: Knex, count: number, label: string, members: number): Promise<FreshUses> {
  const day = `${USAGE_TO.slice(0, 4)}-12-31`;
  const asset = await db<SharedAssetRow>('shared_assets')
    .where('commissioned_on', '<=', day)
    .whereNull('decommissioned_on')
    .orderBy('id')
    .first();
  if (!asset) throw new Error('the seed has no asset in service at the end of its usage year');
  const coopId = asset.platform_cooperative_id;
  const last = await db('usage_events').where('asset_id', asset.id).max({ end: 'ended_at' }).first();
  const from = Math.ceil(Date.parse(String(last?.end ?? `${day}T23:59:00Z`)) / 60_000) * 60_000 + 60_000;
  const events = Array.from({ length: count }, (_, i) => ({
    clientEventId: `${label}-${i}`,
    assetId: asset.id,
    memberRef: `${coopId}/${label}-m${i % members}`,
    startedAt: new Date(from + i * 120_000).toISOString(),
    endedAt: new Date(from + i * 120_000 + 60_000).toISOString(),
    km: null,
    nights: null,
  }));
  return { coopId, events };
}
