/**
 * A city's utilisation split by what its co-ops share. The city figure is hours in use over
 * asset-hours of every asset together, so a busy tool library and a quiet bike fleet blend into
 * one rate that describes neither. The split is computed from the co-ops' own published figures
 * (a sum of visible bins splits exactly by co-op: methodology.md, rule 1), so it shows nothing
 * the graph does not already publish.
 */
import { kindsText, type AssetKind } from './kinds.js';

export interface CoopUtilisation {
  kinds: readonly AssetKind[] | null;
  sharing: { assetHours: number; hoursInUse: number | null } | null;
}

export interface KindUtilisation {
  /** The kinds of the group's co-ops, joined (`BIKE+CARGO_BIKE`): a stable name for the figure. */
  key: string;
  /** The kinds in words: "bikes and cargo bikes". */
  label: string;
  /** Hours in use over asset-hours of the group; null when none of its co-ops had visible use. */
  rate: number | null;
}

/**
 * Utilisation per group of co-ops sharing the same kinds, or null when a split would not add up
 * to the city's figure: a co-op's kinds or figures missing, co-ops beyond the listed ones (their
 * asset-hours would be missing from the sum), or a single group (the city figure is then its own).
 */
export function utilisationByKind(coops: readonly CoopUtilisation[], cityAssetHours: number): KindUtilisation[] | null {
  const groups = new Map<string, { kinds: readonly AssetKind[]; assetHours: number; hours: number | null }>();
  let assetHours = 0;
  for (const coop of coops) {
    if (coop.kinds === null || coop.sharing === null) return null;
    assetHours += coop.sharing.assetHours;
    if (coop.kinds.length === 0 || coop.sharing.assetHours === 0) continue;
    const key = coop.kinds.join('+');
    const group = groups.get(key) ?? { kinds: coop.kinds, assetHours: 0, hours: null };
    group.assetHours += coop.sharing.assetHours;
    // A co-op without visible use adds nothing (a null contributes 0 to every published sum).
    if (coop.sharing.hoursInUse !== null) group.hours = (group.hours ?? 0) + coop.sharing.hoursInUse;
    groups.set(key, group);
  }
  if (groups.size < 2 || Math.abs(assetHours - cityAssetHours) > 1e-6 * Math.max(1, cityAssetHours)) return null;
  return [...groups].map(([key, group]) => ({
    key,
    label: kindsText(group.kinds),
    rate: group.hours === null ? null : group.hours / group.assetHours,
  }));
}
