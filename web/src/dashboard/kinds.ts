/**
 * Which figures apply to what a co-op shares, decided from the asset kinds the graph lists for
 * it: kilometres (and the emissions they avoid) only where vehicles are shared, nights only
 * where homes or rooms are. A tool library's "0 km" would read as a fact about its members.
 */

/** The graph's AssetKind values, in the order the page names them. */
export const ASSET_KINDS = ['CAR', 'E_BIKE', 'BIKE', 'CARGO_BIKE', 'HOME', 'ROOM', 'TOOL'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

const VEHICLES: ReadonlySet<AssetKind> = new Set(['CAR', 'E_BIKE', 'BIKE', 'CARGO_BIKE']);
const STAYS: ReadonlySet<AssetKind> = new Set(['HOME', 'ROOM']);

/** How the page names a kind in the plural. */
export const KIND_NAMES: Record<AssetKind, string> = {
  CAR: 'cars',
  E_BIKE: 'e-bikes',
  BIKE: 'bikes',
  CARGO_BIKE: 'cargo bikes',
  HOME: 'homes',
  ROOM: 'rooms',
  TOOL: 'tools',
};

/** The alias CITY_PAGE gives each kind's count of a co-op's assets (`cargoBike: assets(kind: CARGO_BIKE, first: 0)`). */
export const KIND_ALIASES = {
  CAR: 'car',
  E_BIKE: 'eBike',
  BIKE: 'bike',
  CARGO_BIKE: 'cargoBike',
  HOME: 'home',
  ROOM: 'room',
  TOOL: 'tool',
} as const satisfies Record<AssetKind, string>;

/** A co-op's per-kind asset counts as CITY_PAGE answers them; null where that part of the graph failed. */
export type KindCounts = { [kind in AssetKind as (typeof KIND_ALIASES)[kind]]?: { totalCount: number } | null };

/** The figures of SharingStats that depend on the kind of asset. */
export type KindFigure = 'kmShared' | 'nightsShared' | 'avoidedKgCO2e';

/**
 * True when a kind-bound figure applies to assets of these kinds. Unknown kinds (the part of the
 * graph that lists them failed) show every figure: better a figure too many than one hidden.
 */
export function applies(figure: KindFigure, kinds: readonly AssetKind[] | null): boolean {
  if (kinds === null) return true;
  const within = figure === 'nightsShared' ? STAYS : VEHICLES;
  return kinds.some((kind) => within.has(kind));
}

/** The kinds a co-op has assets of, from CITY_PAGE's per-kind counts; null when they did not arrive. */
export function kindsOf(counts: KindCounts): AssetKind[] | null {
  const present: AssetKind[] = [];
  for (const kind of ASSET_KINDS) {
    const count = counts[KIND_ALIASES[kind]];
    if (count === undefined || count === null) return null;
    if (count.totalCount > 0) present.push(kind);
  }
  return present;
}

/** Every kind of several co-ops together; null when any co-op's kinds are unknown. */
export function unionOfKinds(lists: readonly (readonly AssetKind[] | null)[]): AssetKind[] | null {
  if (lists.some((list) => list === null)) return null;
  return ASSET_KINDS.filter((kind) => lists.some((list) => list!.includes(kind)));
}

/** "bikes and cargo bikes": the kinds as words. */
export function kindsText(kinds: readonly AssetKind[]): string {
  const names = kinds.map((kind) => KIND_NAMES[kind]);
  return names.length <= 1 ? (names[0] ?? 'no assets') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
