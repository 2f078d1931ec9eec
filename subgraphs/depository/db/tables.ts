/** Row types of the depository database, one per table, exactly as stored. */
import type { AdaptationStatus } from '../generated/resolvers.js';

export interface ApplicationRow {
  id: string;
  name: string;
  summary: string;
  /** A ProvisioningDomain enum value, stored as its name. */
  domain: string;
  license: string;
  repository_url: string | null;
  website: string | null;
  founded_year: number | null;
  illustrative: boolean | number;
  /** A league ProtocolCooperative id. */
  steward_id: string | null;
}

export interface ReleaseRow {
  /** `<application_id>@<version>` */
  id: string;
  application_id: string;
  version: string;
  /** ISO date, YYYY-MM-DD: a string so SQLite and PostgreSQL return the same value. */
  released_on: string;
  notes: string;
}

export interface AdaptationRow {
  id: string;
  application_id: string;
  /** A league City id: the city that made the adaptation. */
  city_id: string;
  title: string;
  description: string;
  /** An AdaptationStatus enum value, stored as its name (the writes store no other). */
  status: AdaptationStatus;
  /** ISO date, YYYY-MM-DD. */
  created_on: string;
  /** Not known to exist (migration 0003); proposed and imported adaptations are false. */
  illustrative: boolean | number;
}

export interface AdaptationAdoptionRow {
  adaptation_id: string;
  /** A league City id: a city that adopted the adaptation. */
  city_id: string;
}

/** A city named in an application's publiccode.yml `usedBy` (migration 0002). */
export interface ApplicationUserRow {
  application_id: string;
  city_id: string;
}

/** A protocol cooperative named in an application's publiccode.yml `fundedBy` (migration 0002). */
export interface ApplicationFunderRow {
  application_id: string;
  protocol_cooperative_id: string;
}
