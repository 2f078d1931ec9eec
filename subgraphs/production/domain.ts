/**
 * The production subgraph's domain values, mirrored from its schema.graphql enums
 * (test/unit/domain.test.ts keeps them equal). `AssetKind` is a federation value type that coop
 * and production both declare in their SDL; each subgraph holds its own copy because subgraphs
 * never import each other.
 */

/** What an emission factor measures, as the `EmissionFactorCategory` enum lists it. */
export const EMISSION_FACTOR_CATEGORIES = ['MATERIAL', 'ELECTRICITY', 'PASSENGER_TRANSPORT', 'FREIGHT'] as const;

/** One category of emission factor. */
export type EmissionFactorCategory = (typeof EMISSION_FACTOR_CATEGORIES)[number];

/** The asset kinds a shared-mode factor can apply to, as production's `AssetKind` enum lists them. */
export const ASSET_KINDS = ['CAR', 'E_BIKE', 'BIKE', 'CARGO_BIKE', 'HOME', 'ROOM', 'TOOL'] as const;

/** One kind of shared asset. */
export type AssetKind = (typeof ASSET_KINDS)[number];
