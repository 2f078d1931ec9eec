import type { Knex } from 'knex';
import { toDay } from '../lib/dates.js';
import { hubIdOf } from '../subgraphs/coop/db/gbfs.js';
import { ensureMonthPartitions } from '../subgraphs/coop/db/partitions.js';
import { rebuildBins } from '../subgraphs/coop/db/queries.js';
import type { GbfsSystemRow, GbfsVehicleTypeRow, ModeFactorRow, SharingHubRow } from '../subgraphs/coop/db/tables.js';
import {
  insertAssets,
  insertGbfsSystems,
  insertHubs,
  insertModeFactors,
  insertPlatformCooperatives,
  insertUsageEvents,
  insertVehicleTypes,
} from '../subgraphs/coop/db/writes.js';
import { gbfsSystems, SEEDED_GBFS_AT, SEEDED_VEHICLE_TYPES, SPARE_DOCKS } from './data/sharing-hubs.js';
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

/** The GBFS rows of the seeded vehicle-sharing co-ops: systems, vehicle types, hubs, and each vehicle's home hub. */
export function seedGbfs(world: World): {
  systems: GbfsSystemRow[];
  vehicleTypes: GbfsVehicleTypeRow[];
  hubs: SharingHubRow[];
  hubOfAsset: Map<string, string>;
} {
  const coops = new Map(world.platformCooperatives.map((coop) => [coop.id, coop]));
  const systems: GbfsSystemRow[] = [];
  const vehicleTypes: GbfsVehicleTypeRow[] = [];
  const hubs: SharingHubRow[] = [];
  const hubOfAsset = new Map<string, string>();
  for (const system of gbfsSystems) {
    const coop = coops.get(system.platformCooperativeId);
    if (!coop) throw new Error(`GBFS seed names unknown co-op ${system.platformCooperativeId}`);
    systems.push({
      platform_cooperative_id: coop.id,
      system_id: coop.id,
      name: coop.name,
      operator: coop.name,
      url: coop.website,
      timezone: system.timezone,
      languages: JSON.stringify(system.languages),
      opening_hours: '24/7',
      feed_contact_email: `gbfs@${coop.id}.example.org`,
      license_id: 'CC0-1.0',
      license_url: null,
      attribution_organization_name: null,
      attribution_url: null,
      source_version: null,
      updated_at: SEEDED_GBFS_AT,
      status_updated_at: null,
    });
    const vehicles = world.assets.filter((a) => a.platformCooperativeId === coop.id && a.kind in SEEDED_VEHICLE_TYPES);
    for (const kind of [...new Set(vehicles.map((a) => a.kind))].sort()) {
      const type = SEEDED_VEHICLE_TYPES[kind]!;
      vehicleTypes.push({
        platform_cooperative_id: coop.id,
        vehicle_type_id: type.vehicleTypeId,
        kind,
        form_factor: type.formFactor,
        propulsion_type: type.propulsionType,
        name: type.name,
        max_range_meters: type.maxRangeMeters,
      });
    }
    // Vehicles are spread over the hubs in id order: deterministic, and no PRNG draw is spent.
    const homed = system.hubs.map(() => 0);
    vehicles.forEach((asset, index) => {
      const slot = index % system.hubs.length;
      homed[slot]!++;
      hubOfAsset.set(asset.id, hubIdOf(coop.id, system.hubs[slot]!.stationId));
    });
    system.hubs.forEach((hub, slot) =>
      hubs.push({
        id: hubIdOf(coop.id, hub.stationId),
        platform_cooperative_id: coop.id,
        station_id: hub.stationId,
        name: hub.name,
        lat: hub.lat,
        lon: hub.lon,
        address: hub.address,
        post_code: null,
        capacity: homed[slot]! + SPARE_DOCKS,
        is_virtual_station: false,
      }),
    );
  }
  return { systems, vehicleTypes, hubs, hubOfAsset };
}

/** Writes the coop layer: co-ops, GBFS systems and hubs, assets, mode factors, synthetic usage events and their daily bins. */
export async function seedCoop(db: Knex, world: World, options: SeedOptions): Promise<void> {
  const events = generateUsageEvents(world, options.seed, options.eventCount);
  await db.transaction(async (trx) => {
    await insertPlatformCooperatives(
      trx,
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
    const gbfs = seedGbfs(world);
    await insertGbfsSystems(trx, gbfs.systems);
    await insertVehicleTypes(trx, gbfs.vehicleTypes);
    await insertHubs(trx, gbfs.hubs);
    await insertAssets(
      trx,
      world.assets.map((a) => ({
        id: a.id,
        platform_cooperative_id: a.platformCooperativeId,
        kind: a.kind,
        label: a.label,
        commissioned_on: a.commissionedOn,
        decommissioned_on: a.decommissionedOn,
        hub_id: gbfs.hubOfAsset.get(a.id) ?? null,
      })),
    );
    await insertModeFactors(trx, modeFactors(world));
    // On PostgreSQL each month of events gets its own partition before the rows arrive.
    await ensureMonthPartitions(
      trx,
      events.map((e) => toDay(e.startedAt)),
    );
    await insertUsageEvents(
      trx,
      events.map((e) => ({
        platform_cooperative_id: e.platformCooperativeId,
        client_event_id: e.clientEventId,
        asset_id: e.assetId,
        member_ref: e.memberRef,
        started_at: e.startedAt,
        ended_at: e.endedAt,
        day: toDay(e.startedAt),
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
