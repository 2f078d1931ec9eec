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

/** Per-kind factors (kg CO2e per passenger-km) for avoided emissions; ids point at production's EmissionFactor rows. */
export interface ModeFactorRow {
  asset_kind: string;
  private_factor_id: string;
  private_kg_per_pkm: number;
  shared_factor_id: string;
  shared_kg_per_pkm: number;
}

/** The atomic aggregation bin: one co-op, one day. Every public figure is a sum of these. */
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
