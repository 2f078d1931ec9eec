/**
 * What an OKH manifest says that the graph maps, beyond its own keys: the asset kind a design
 * is for (OKH has no such key, so its words are read) and licences written as full names in
 * hand-made OKH v1 manifests. docs/open-data.md prints both tables.
 */

/**
 * Words of a manifest's `keywords`, `intended-use` and title (v1) or name and keywords (okh.toml)
 * that name one asset kind, matched as whole words, case-insensitive. More specific words first:
 * "cargo bike" is CARGO_BIKE, not BIKE. A farming or workshop machine is lent like a tool.
 */
export const ASSET_KIND_WORDS: readonly (readonly [words: string, kind: string])[] = [
  ['cargo bike|cargo bicycle|cargo-bike|bakfiets', 'CARGO_BIKE'],
  ['e-bike|ebike|electric bike|electric bicycle|pedelec', 'E_BIKE'],
  ['bike|bicycle|cycle', 'BIKE'],
  ['car|automobile|vehicle', 'CAR'],
  ['house|housing|home|dwelling|tiny house', 'HOME'],
  ['room|shelter', 'ROOM'],
  ['tool|tools|machine|farming|agriculture|workshop|drill|saw|3d printer|cnc', 'TOOL'],
];

/** The asset kind the words name, or null when none or several kinds are named. */
export function assetKindOfWords(texts: readonly string[]): string | null {
  const text = ` ${texts.join(' ').toLowerCase()} `;
  const kinds = new Set<string>();
  for (const [words, kind] of ASSET_KIND_WORDS) {
    const pattern = new RegExp(`(^|[^a-z0-9-])(${words})([^a-z0-9-]|$)`);
    if (pattern.test(text)) kinds.add(kind);
  }
  // A cargo bike or an e-bike is also a bike: the specific kind wins.
  if (kinds.has('BIKE') && (kinds.has('CARGO_BIKE') || kinds.has('E_BIKE'))) kinds.delete('BIKE');
  return kinds.size === 1 ? [...kinds][0]! : null;
}

/**
 * Licence names hand-written OKH v1 manifests use instead of SPDX ids, with their id. Only
 * exact names (case-insensitive): anything else must be an SPDX id or expression.
 */
export const LICENCE_NAMES: Readonly<Record<string, string>> = {
  'creative commons attribution 4.0 international': 'CC-BY-4.0',
  'creative commons attribution-sharealike 4.0 international': 'CC-BY-SA-4.0',
  'cern open hardware licence version 2 - strongly reciprocal': 'CERN-OHL-S-2.0',
  'cern open hardware licence version 2 - weakly reciprocal': 'CERN-OHL-W-2.0',
  'cern open hardware licence version 2 - permissive': 'CERN-OHL-P-2.0',
  'cern open hardware licence v1.2': 'CERN-OHL-1.2',
  'gnu general public license v3.0 or later': 'GPL-3.0-or-later',
  'mit license': 'MIT',
  'tapr open hardware license v1.0': 'TAPR-OHL-1.0',
};

/** The SPDX id of a licence written as its full name, or undefined. */
export function spdxIdOfName(value: unknown): string | undefined {
  return typeof value === 'string' ? LICENCE_NAMES[value.trim().toLowerCase()] : undefined;
}
