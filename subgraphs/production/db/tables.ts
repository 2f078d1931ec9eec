/** Row types of the production database, one per table, exactly as stored. */

import type { AssetKind, EmissionFactorCategory } from '../domain.js';

export interface EmissionFactorRow {
  id: string;
  category: EmissionFactorCategory;
  name: string;
  unit: string;
  kg_co2e_per_unit: number;
  source: string;
  source_url: string;
  license: string;
  year: number;
  region: string;
  occupancy: number | null;
  notes: string;
  /** True when the value is not traced to the cited publication (see seeds/data/emission-factors.ts). */
  estimate: boolean;
  source_reference: string | null;
  published_value: string | null;
  traced_in: string | null;
}

export interface OpenCooperativeRow {
  id: string;
  name: string;
  city_id: string;
  description: string;
  website: string | null;
  founded_year: number | null;
  illustrative: boolean | number;
}

export interface OpenDesignRow {
  id: string;
  name: string;
  description: string;
  asset_kind: AssetKind;
  license: string;
  open_hardware: boolean | number;
  license_note: string;
  repository_url: string | null;
  version: string;
  steward: string;
  manufacturing_energy_kwh: number;
  transport_km: number;
  /** OTRL id an Open Know-How manifest states (migration 0002); null for designs not from a manifest. */
  technology_readiness_level: string | null;
  /** ODRL id an Open Know-How manifest states (migration 0002). */
  documentation_readiness_level: string | null;
  /** URL of the project the design is a fork of, as its manifest says (migration 0002). */
  fork_of: string | null;
  /** Figures not the publisher's own (migration 0003); designs imported from a manifest are false. */
  illustrative: boolean | number;
}

export interface DesignBuilderRow {
  design_id: string;
  cooperative_id: string;
}

export interface BillOfMaterialsLineRow {
  design_id: string;
  position: number;
  emission_factor_id: string;
  mass_kg: number;
}

/** A party's answer to a run's effect on what it owns (migration 0004); only CONFIRMED counts. */
export type ConsentStatus = 'PENDING' | 'CONFIRMED' | 'DECLINED';

export interface ProductionRunRow {
  id: string;
  cooperative_id: string;
  design_id: string;
  units: number;
  completed_on: string;
  city_id: string;
  platform_cooperative_id: string;
  electricity_factor_id: string;
  freight_factor_id: string;
  /** The city's answer to the delivery: the run counts in its footprint only when CONFIRMED. */
  delivery_status: ConsentStatus;
}

/** A run's claim to be the origin of one shared asset. */
export interface RunAssetRow {
  run_id: string;
  asset_id: string;
  /** The asset's co-op's answer: the run is the asset's origin only when CONFIRMED. */
  status: ConsentStatus;
}
