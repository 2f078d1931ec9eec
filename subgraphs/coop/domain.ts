/**
 * The coop subgraph's domain values, mirrored from its schema.graphql enums so the data layer,
 * the importers and the seed generator share one list (test/unit/domain.test.ts keeps them equal).
 */

/** What a co-op shares, as the `AssetKind` enum of schema.graphql lists it. */
export const ASSET_KINDS = ['CAR', 'E_BIKE', 'BIKE', 'CARGO_BIKE', 'HOME', 'ROOM', 'TOOL'] as const;

/** One kind of shared asset. */
export type AssetKind = (typeof ASSET_KINDS)[number];
