/** Parents the coop resolvers build themselves rather than read as a row (codegen.ts maps them). */
import type { SharingHubStatusRow } from '../db/tables.js';

/**
 * Vehicles of one kind, as the GBFS queries count them. The kind is an AssetKind name stored
 * as text (the GBFS importer maps every vehicle type onto one); graphql-js checks it against
 * the enum when it serializes the answer.
 */
export interface KindCountParent {
  kind: string;
  count: number;
}

/** What `SharingHub.availability` hands to the `HubAvailability` fields: the status row and its per-kind counts. */
export interface HubAvailabilityParent {
  status: SharingHubStatusRow;
  byKind: KindCountParent[];
}
