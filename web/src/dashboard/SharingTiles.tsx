import type { FormatName } from '../format';
import type { SharingFigures } from '../queries';
import { Tile } from './Figure';
import { applies, type AssetKind, type KindFigure } from './kinds';

interface TileSpec {
  field: keyof SharingFigures & string;
  label: string;
  format: FormatName;
  /** Derived from members' use, so without visible activity it has no data (the fleet always has). */
  memberDerived: boolean;
}

const KIND_BOUND: ReadonlySet<string> = new Set<KindFigure>(['kmShared', 'nightsShared', 'avoidedKgCO2e']);

/** A city's tiles, in the order the page shows them. */
export const CITY_TILES: TileSpec[] = [
  { field: 'uses', label: 'Uses', format: 'count', memberDerived: true },
  { field: 'activeMembers', label: 'Active members', format: 'count', memberDerived: true },
  { field: 'assets', label: 'Assets', format: 'count', memberDerived: false },
  { field: 'utilizationRate', label: 'Utilisation', format: 'rate', memberDerived: true },
  { field: 'kmShared', label: 'Km shared', format: 'km', memberDerived: true },
  { field: 'nightsShared', label: 'Nights shared', format: 'nights', memberDerived: true },
  { field: 'avoidedKgCO2e', label: 'Avoided emissions', format: 'kg', memberDerived: true },
];

/** A co-op's tiles. */
export const COOP_TILES: TileSpec[] = [
  { field: 'assets', label: 'Assets', format: 'count', memberDerived: false },
  { field: 'uses', label: 'Uses', format: 'count', memberDerived: true },
  { field: 'activeMembers', label: 'Active members', format: 'count', memberDerived: true },
  { field: 'utilizationRate', label: 'Utilisation', format: 'rate', memberDerived: true },
  { field: 'usersPerAsset', label: 'Users per asset', format: 'ratio', memberDerived: true },
  { field: 'kmShared', label: 'Km shared', format: 'km', memberDerived: true },
  { field: 'nightsShared', label: 'Nights shared', format: 'nights', memberDerived: true },
  { field: 'avoidedKgCO2e', label: 'Avoided', format: 'kg', memberDerived: true },
];

interface SharingTilesProps {
  /** Prefix of each figure's name: `city`, `coop.<id>`. */
  prefix: string;
  sharing: SharingFigures;
  tiles: readonly TileSpec[];
  /** What is shared: kilometres only for vehicles, nights only for homes and rooms; null shows all. */
  kinds: readonly AssetKind[] | null;
  compact?: boolean;
}

/** The figures of one SharingStats as tiles, leaving out those that do not apply to what is shared. */
export function SharingTiles({ prefix, sharing, tiles, kinds, compact = false }: SharingTilesProps) {
  const shown = tiles.filter((tile) => !KIND_BOUND.has(tile.field) || applies(tile.field as KindFigure, kinds));
  return (
    <dl className={compact ? 'tiles compact' : 'tiles'}>
      {shown.map((tile) => (
        <Tile
          key={tile.field}
          label={tile.label}
          name={`${prefix}.${tile.field}`}
          value={sharing[tile.field] as number | null}
          suppressed={tile.memberDerived && sharing.suppressed}
          format={tile.format}
        />
      ))}
    </dl>
  );
}
