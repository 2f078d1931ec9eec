import type { Knex } from 'knex';
import { insertInChunks } from '../lib/db.js';
import { ensureMonthPartitions } from '../subgraphs/coop/db/partitions.js';
import { rebuildBins } from '../subgraphs/coop/db/queries.js';
import type {
  ModeFactorRow,
  PlatformCooperativeRow,
  SharedAssetRow,
  UsageEventRow,
} from '../subgraphs/coop/db/tables.js';
import type { SeedOptions } from './index.js';
import { generateUsageEvents, type AssetKind, type EmissionFactorSeed, type World } from './world.js';

/** The private car every shared trip is assumed to replace, and each shared mode's own factor. */
export const PRIVATE_CAR_FACTOR = 'desnz-2024-car-average';
export const SHARED_MODE_FACTOR: Partial<Record<AssetKind, string>> = {
  CAR: 'desnz-2024-car-bev',
  E_BIKE: 'ademe-ebike',
  BIKE: 'bike-human-powered',
  CARGO_BIKE: 'bike-human-powered',
};

/** kg CO2e per passenger-km: per-vehicle-km factors are divided by their stated occupancy. */
export function perPassengerKm(factor: EmissionFactorSeed): number {
  if (factor.unit === 'vehicle-km') {
    if (!factor.occupancy) throw new Error(`Emission factor ${factor.id} is per vehicle-km but states no occupancy`);
    return factor.kgCO2ePerUnit / factor.occupancy;
  }
  if (factor.unit === 'passenger-km') return factor.kgCO2ePerUnit;
  throw new Error(`Emission factor ${factor.id} is per ${factor.unit}, not a passenger transport factor`);
}

function modeFactors(world: World): ModeFactorRow[] {
  const factor = (id: string) => {
    const found = world.emissionFactors.find((f) => f.id === id);
    if (!found) throw new Error(`Seed data lacks emission factor ${id}`);
    return found;
  };
  const privateCar = factor(PRIVATE_CAR_FACTOR);
  return Object.entries(SHARED_MODE_FACTOR).map(([kind, sharedId]) => ({
    asset_kind: kind,
    private_factor_id: privateCar.id,
    private_kg_per_pkm: perPassengerKm(privateCar),
    shared_factor_id: sharedId!,
    shared_kg_per_pkm: perPassengerKm(factor(sharedId!)),
  }));
}

/** Writes the coop layer: co-ops, assets, mode factors, synthetic usage events and their daily bins. */
export async function seedCoop(db: Knex, world: World, options: SeedOptions): Promise<void> {
  const events = generateUsageEvents(world, options.seed, options.eventCount);
  await db.transaction(async (trx) => {
    await insertInChunks<PlatformCooperativeRow>(
      trx,
      'platform_cooperatives',
      world.platformCooperatives.map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        website: c.website,
        founded_year: c.foundedYear,
        illustrative: c.illustrative,
        city_id: c.cityId,
        application_id: c.applicationId,
      })),
    );
    await insertInChunks<SharedAssetRow>(
      trx,
      'shared_assets',
      world.assets.map((a) => ({
        id: a.id,
        platform_cooperative_id: a.platformCooperativeId,
        kind: a.kind,
        label: a.label,
        commissioned_on: a.commissionedOn,
        decommissioned_on: a.decommissionedOn,
      })),
    );
    await insertInChunks<ModeFactorRow>(trx, 'mode_factors', modeFactors(world));
    // On PostgreSQL each month of events gets its own partition before the rows arrive.
    await ensureMonthPartitions(
      trx,
      events.map((e) => e.startedAt.slice(0, 10)),
    );
    await insertInChunks<UsageEventRow>(
      trx,
      'usage_events',
      events.map((e) => ({
        platform_cooperative_id: e.platformCooperativeId,
        client_event_id: e.clientEventId,
        asset_id: e.assetId,
        member_ref: e.memberRef,
        started_at: e.startedAt,
        ended_at: e.endedAt,
        day: e.startedAt.slice(0, 10),
        hours: e.hours,
        km: e.km,
        nights: e.nights,
      })),
      (done) => options.onProgress?.(done, events.length),
    );
    await rebuildBins(
      trx,
      world.platformCooperatives.map((c) => c.id),
    );
  });
}
