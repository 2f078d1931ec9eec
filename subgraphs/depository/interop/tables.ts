/** Row types of the depository tables and columns migration 0002 added for publiccode.yml. */
import type { AdaptationRow } from '../db/tables.js';

/** A publiccode.yml document's keys that have no column of their own. Lists are JSON text. */
export interface ApplicationPubliccodeRow {
  application_id: string;
  development_status: string;
  software_type: string;
  platforms: string;
  categories: string;
  maintenance_type: string;
  localisation_ready: boolean | number;
  available_languages: string;
  description_language: string;
}

/** An adaptation with the repository URL that identifies it on import (null when it has none). */
export interface AdaptationWithUrlRow extends AdaptationRow {
  repository_url: string | null;
}
