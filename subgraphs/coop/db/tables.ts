/** Row types of the coop database, one per table, exactly as stored. */

export interface PlatformCooperativeRow {
  id: string;
  name: string;
  description: string;
  website: string | null;
  founded_year: number;
  illustrative: boolean | number;
  city_id: string;
  application_id: string | null;
}

export interface SharedAssetRow {
  id: string;
  platform_cooperative_id: string;
  kind: string;
  label: string;
  commissioned_on: string;
  decommissioned_on: string | null;
  /** The sharing hub (GBFS station) the asset is kept at between uses; null when it has none. */
  hub_id?: string | null;
}

/** One member's use of one asset. Personal data: stored for the rollups, never exposed. */
export interface UsageEventRow {
  platform_cooperative_id: string;
  client_event_id: string;
  asset_id: string;
  member_ref: string;
  started_at: string;
  ended_at: string;
  /** The day the use started, YYYY-MM-DD: the bin the use belongs to. */
  day: string;
  hours: number;
  km: number;
  nights: number;
}

/** A client id a co-op has stored (migration 0008): the ingest's idempotency record. */
export interface UsageEventKeyRow {
  platform_cooperative_id: string;
  client_event_id: string;
}

/** Per-kind factors (kg CO2e per passenger-km) for avoided emissions; ids point at production's EmissionFactor rows. */
export interface ModeFactorRow {
  asset_kind: string;
  private_factor_id: string;
  private_kg_per_pkm: number;
  shared_factor_id: string;
  shared_kg_per_pkm: number;
}

/**
 * The atomic aggregation bin: one co-op, one day, holding the uses started that day. Every
 * public sum is over visible bins; hours in use are spread over covered days (`UsageHoursRow`).
 */
export interface UsageBinRow {
  platform_cooperative_id: string;
  day: string;
  uses: number;
  members: number;
  hours_in_use: number;
  km: number;
  nights: number;
  avoided_kg: number;
}

/**
 * Hours in use by coverage (migration 0007): the hours within `covered_day` of a co-op's uses
 * started on `start_day`. Published only where the start day's bin is visible.
 */
export interface UsageHoursRow {
  platform_cooperative_id: string;
  start_day: string;
  covered_day: string;
  hours: number;
}

/** A co-op's vehicle-sharing system as GBFS describes it: at most one per co-op (migration 0004). */
export interface GbfsSystemRow {
  platform_cooperative_id: string;
  system_id: string;
  name: string;
  operator: string | null;
  url: string | null;
  timezone: string;
  /** JSON array of IETF BCP 47 language tags, e.g. `["en","nl"]`. */
  languages: string;
  opening_hours: string | null;
  feed_contact_email: string | null;
  license_id: string | null;
  license_url: string | null;
  attribution_organization_name: string | null;
  attribution_url: string | null;
  /** GBFS version last imported from; null when seeded. */
  source_version: string | null;
  /** ISO 8601 instant the system, its vehicle types or hubs last changed. */
  updated_at: string;
  /** ISO 8601 `last_updated` of the last imported status feed; null when none. */
  status_updated_at: string | null;
  /** The operator's own live GBFS discovery URL, when an import gave it (migration 0005); null otherwise. */
  operational_feed_url?: string | null;
}

/** A GBFS vehicle type of a co-op and the asset kind it maps to. */
export interface GbfsVehicleTypeRow {
  platform_cooperative_id: string;
  vehicle_type_id: string;
  kind: string;
  form_factor: string;
  propulsion_type: string;
  name: string | null;
  max_range_meters: number | null;
}

/** A sharing hub: a GBFS station where vehicles are picked up and returned. */
export interface SharingHubRow {
  /** `<co-op id>/<station id>`. */
  id: string;
  platform_cooperative_id: string;
  station_id: string;
  name: string;
  lat: number;
  lon: number;
  address: string | null;
  post_code: string | null;
  capacity: number | null;
  is_virtual_station: boolean | number;
}

/** A hub's last reported availability, from an imported GBFS station_status. */
export interface SharingHubStatusRow {
  hub_id: string;
  vehicles_available: number;
  docks_available: number | null;
  is_installed: boolean | number;
  is_renting: boolean | number;
  is_returning: boolean | number;
  /** ISO 8601 instant. */
  last_reported: string;
}

/** Vehicles of one type available at a hub, from an imported GBFS station_status. */
export interface SharingHubVehicleCountRow {
  hub_id: string;
  vehicle_type_id: string;
  count: number;
}

/** Free-floating vehicles of one type available in a co-op's system, from an imported vehicle status. */
export interface GbfsFreeFloatingRow {
  platform_cooperative_id: string;
  vehicle_type_id: string;
  vehicles_available: number;
}
