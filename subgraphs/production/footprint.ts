/**
 * The footprint method `commons-footprint/1.1` as pure functions: no database, no GraphQL,
 * so every figure the production subgraph publishes can be recomputed and unit-tested
 * from plain numbers.
 *
 * Embodied emissions of one unit of an open design, kg CO2e:
 *   Σ over the bill of materials (massKg × material factor, kg CO2e per kg)
 *   + manufacturingEnergyKwh × electricity factor (kg CO2e per kWh)
 *   + (total massKg / 1000) × transportKm × freight factor (kg CO2e per tonne-km).
 * A production run emits units × that per-unit figure, priced with the run's own electricity
 * and freight factors. A city's footprint for a year sets the embodied emissions of the runs
 * delivered to it that year against the emissions its sharing avoided.
 */

/**
 * Name and version of the method, published on every footprint. 1.1 has 1.0's definitions
 * with the emission factors traced to their publications (several values corrected) and the
 * untraced ones named on each footprint; see docs/methodology.md.
 */
export const METHODOLOGY = 'commons-footprint/1.1';

/**
 * The factors a design's own `embodiedKgCO2e` is priced with, since a design is not made
 * anywhere in particular: the EU-average grid for manufacturing energy and an average
 * heavy goods vehicle for transport. Production runs use the factors of where they were made.
 */
export const REFERENCE_ELECTRICITY_FACTOR_ID = 'eu-grid-average';
export const REFERENCE_FREIGHT_FACTOR_ID = 'desnz-2024-hgv-freight';

/** The calendar years a footprint may be asked for, both included. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** One material of a bill of materials, with the factor that prices it. */
export interface MaterialLine {
  massKg: number;
  /** kg CO2e per kg of the material. */
  kgCO2ePerKg: number;
}

/** What the per-unit figure needs to know about a design. */
export interface DesignInputs {
  manufacturingEnergyKwh: number;
  transportKm: number;
  billOfMaterials: readonly MaterialLine[];
}

/** Emissions of one bill-of-materials line, kg CO2e. */
export const lineKgCO2e = (line: MaterialLine): number => line.massKg * line.kgCO2ePerKg;

/** Total mass of one unit, kg: the sum of its bill of materials. */
export const designMassKg = (lines: readonly { massKg: number }[]): number =>
  lines.reduce((sum, line) => sum + line.massKg, 0);

/**
 * Embodied emissions of one unit of a design, kg CO2e: materials, plus manufacturing energy
 * at `electricityKgCO2ePerKwh`, plus transport of its mass at `freightKgCO2ePerTonneKm`.
 */
export function unitEmbodiedKgCO2e(
  design: DesignInputs,
  electricityKgCO2ePerKwh: number,
  freightKgCO2ePerTonneKm: number,
): number {
  const materials = design.billOfMaterials.reduce((sum, line) => sum + lineKgCO2e(line), 0);
  const energy = design.manufacturingEnergyKwh * electricityKgCO2ePerKwh;
  const transport = (designMassKg(design.billOfMaterials) / 1000) * design.transportKm * freightKgCO2ePerTonneKm;
  return materials + energy + transport;
}

/** What the per-passenger-km figure needs to know about an emission factor. */
export interface TransportFactor {
  category: string;
  unit: string;
  kgCO2ePerUnit: number;
  occupancy: number | null;
}

/**
 * kg CO2e per passenger-km of a passenger-transport factor: a per-vehicle-km factor divided
 * by its stated occupancy, a per-passenger-km factor as is. Null for every other factor, and
 * for a per-vehicle-km factor without a usable occupancy, rather than a made-up figure.
 */
export function kgCO2ePerPassengerKm(factor: TransportFactor): number | null {
  if (factor.category !== 'PASSENGER_TRANSPORT') return null;
  if (factor.unit === 'passenger-km') return factor.kgCO2ePerUnit;
  if (factor.unit === 'vehicle-km' && factor.occupancy != null && factor.occupancy > 0) {
    return factor.kgCO2ePerUnit / factor.occupancy;
  }
  return null;
}

/** A year of sharing figures, as the coop subgraph publishes them. */
export interface AnnualSharingFigure {
  year: number;
  avoidedKgCO2e: number | null;
}

/**
 * Emissions avoided by sharing in `year`. Null when the sharing figures are unknown (the coop
 * subgraph gave none) or suppressed; 0 when they are known but record no sharing that year.
 */
export function avoidedInYear(
  annualSharing: readonly AnnualSharingFigure[] | null | undefined,
  year: number,
): number | null {
  if (annualSharing == null) return null;
  const entry = annualSharing.find((figure) => figure.year === year);
  return entry ? entry.avoidedKgCO2e : 0;
}

/** Embodied, avoided and net emissions of a city in one year. */
export interface Footprint {
  year: number;
  embodiedKgCO2e: number;
  avoidedKgCO2e: number | null;
  netKgCO2e: number | null;
  perCapitaKgCO2e: number | null;
  methodology: string;
}

export interface FootprintInputs {
  year: number;
  /** Σ embodied emissions of the runs delivered to the city in the year. */
  embodiedKgCO2e: number;
  population: number | null | undefined;
  annualSharing: readonly AnnualSharingFigure[] | null | undefined;
}

/** A city's footprint for one year; every figure that depends on an unknown one is null. */
export function footprint({ year, embodiedKgCO2e, population, annualSharing }: FootprintInputs): Footprint {
  const avoidedKgCO2e = avoidedInYear(annualSharing, year);
  const netKgCO2e = avoidedKgCO2e === null ? null : embodiedKgCO2e - avoidedKgCO2e;
  const perCapitaKgCO2e = netKgCO2e === null || !population ? null : netKgCO2e / population;
  return { year, embodiedKgCO2e, avoidedKgCO2e, netKgCO2e, perCapitaKgCO2e, methodology: METHODOLOGY };
}

/** True for a year a footprint may be asked for: an integer from MIN_YEAR to MAX_YEAR. */
export const isFootprintYear = (year: number): boolean =>
  Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
