/**
 * Shapes of the hand-curated seed data. Real places and initiatives carry their public
 * facts; every figure that is not a public fact sits on a record marked `illustrative`.
 */

import type { AssetKind } from '../../subgraphs/coop/domain.js';
import type { EmissionFactorCategory } from '../../subgraphs/production/domain.js';

export type { AssetKind, EmissionFactorCategory };

export type ProvisioningDomain = 'MOBILITY' | 'HOUSING' | 'FOOD' | 'ENERGY' | 'TOOLS' | 'CARE';
export type AdaptationStatus = 'LOCAL' | 'PROPOSED_UPSTREAM' | 'MERGED_UPSTREAM';

export interface CitySeed {
  id: string; // stable slug: 'gent', 'amsterdam'
  name: string;
  countryCode: string; // ISO 3166-1 alpha-2
  population: number; // municipal population, as published
  populationYear: number;
  populationSource: string; // e.g. 'Statbel 2024'
  latitude: number;
  longitude: number;
}

export interface LeagueSeed {
  id: string;
  name: string;
  description: string;
  foundedYear: number | null;
  website: string | null;
  memberCityIds: string[];
  illustrative: boolean;
}

export interface ProtocolCooperativeSeed {
  id: string;
  name: string;
  description: string;
  website: string | null;
  foundedYear: number | null;
  cityId: string | null; // where it is based, if among the seeded cities
  fundingLeagueIds: string[];
  illustrative: boolean;
}

export interface PledgeSeed {
  id: string;
  cityId: string;
  protocolCooperativeId: string;
  applicationId: string | null;
  amountEur: number;
  year: number;
  purpose: string;
}

export interface ReleaseSeed {
  version: string;
  releasedOn: string; // YYYY-MM-DD
  notes: string;
}

export interface ApplicationSeed {
  id: string;
  name: string;
  summary: string;
  domain: ProvisioningDomain;
  license: string; // SPDX id
  repositoryUrl: string | null;
  website: string | null;
  stewardId: string | null; // ProtocolCooperativeSeed.id
  foundedYear: number | null;
  illustrative: boolean;
  releases: ReleaseSeed[];
}

export interface AdaptationSeed {
  id: string;
  applicationId: string;
  cityId: string; // the city that made it
  title: string;
  description: string;
  status: AdaptationStatus;
  createdOn: string;
  adoptedByCityIds: string[];
}

export interface PlatformCooperativeSeed {
  id: string;
  name: string;
  cityId: string;
  applicationId: string;
  description: string;
  website: string | null;
  foundedYear: number;
  illustrative: boolean;
  /** regular: busy all year; small: fewer than 5 members on most days; seasonal: active only in some months */
  profile: 'regular' | 'small' | 'seasonal';
  /** seasonal co-ops only: the months (1-12) in which they operate */
  activeMonths?: number[];
  /** number of shared assets of each kind this co-op runs */
  assetMix: Partial<Record<AssetKind, number>>;
  /** size of the membership the synthetic usage is drawn from */
  members: number;
}

export interface OpenCooperativeSeed {
  id: string;
  name: string;
  cityId: string;
  description: string;
  website: string | null;
  foundedYear: number | null;
  illustrative: boolean;
}

export interface BillOfMaterialsLineSeed {
  emissionFactorId: string; // a MATERIAL EmissionFactorSeed.id
  massKg: number;
}

export interface OpenDesignSeed {
  id: string;
  name: string;
  description: string;
  assetKind: AssetKind;
  license: string; // SPDX / CERN-OHL / CC id, e.g. 'CERN-OHL-S-2.0', 'CC-BY-SA-4.0', 'CC-BY-NC-SA-4.0'
  /** false when the licence restricts use (e.g. non-commercial): not open hardware */
  openHardware: boolean;
  licenseNote: string;
  repositoryUrl: string | null;
  version: string;
  steward: string; // who publishes the design
  manufacturingEnergyKwh: number; // per unit, illustrative
  transportKm: number; // typical distance from workshop to city, illustrative
  billOfMaterials: BillOfMaterialsLineSeed[]; // per unit, illustrative masses
  /** open co-ops (OpenCooperativeSeed.id) that build it */
  builtByCooperativeIds: string[];
}

export interface EmissionFactorSeed {
  id: string;
  category: EmissionFactorCategory;
  name: string;
  unit: string; // 'kg', 'kWh', 'vehicle-km', 'passenger-km', 'tonne-km'
  kgCO2ePerUnit: number;
  source: string; // publication name and edition
  sourceUrl: string;
  license: string; // 'OGL-UK-3.0', 'Licence Ouverte 2.0', ...
  year: number;
  region: string;
  /** per-vehicle-km factors: the occupancy used to derive the per-passenger-km factor */
  occupancy: number | null;
  notes: string;
  /**
   * True when kgCO2ePerUnit could not be traced to the cited publication: the authors' own
   * reading, kept until someone checks it. False only when sourceReference, publishedValue and
   * tracedIn say where the number was seen.
   */
  estimate: boolean;
  /** Where in the publication the value is: sheet/table, row and column, or the dataset id. Null for an estimate. */
  sourceReference: string | null;
  /** The value exactly as published, with its unit, before any conversion to kgCO2ePerUnit. Null for an estimate. */
  publishedValue: string | null;
  /** Where the authors read the published value: the file (repository, commit, path) or page. Null for an estimate. */
  tracedIn: string | null;
}
