/** Parents the production resolvers receive that are not one of its rows (codegen.ts maps them). */
import type { AnnualSharingFigure, Footprint } from '../footprint.js';

/**
 * A City as the gateway sends it: its key, plus the fields `footprint` @requires from the
 * league (population) and coop (annualSharing) subgraphs when that field is asked for.
 */
export interface CityRepresentation {
  id: string;
  population?: number | null;
  annualSharing?: AnnualSharingFigure[] | null;
}

/** A footprint as `City.footprint` returns it: the figures, plus the city `estimatedFactors` looks up. */
export interface CityFootprint extends Footprint {
  cityId: string;
}
