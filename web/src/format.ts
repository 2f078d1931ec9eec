/**
 * How the dashboard writes figures. One fixed locale, so a figure reads the same on every
 * machine and the browser tests can recompute the text from the graph's answer.
 */

const LOCALE = 'en-GB';

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const threeSignificant = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 3 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });
const euros = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });

/** The kinds of figure the pages show, each with its own way of writing a number. */
export const FORMATS = {
  count: (value: number) => integer.format(value),
  rate: (value: number) => percent.format(value),
  ratio: (value: number) => twoDecimals.format(value),
  km: (value: number) => `${oneDecimal.format(value)} km`,
  nights: (value: number) => integer.format(value),
  /** Kilograms of CO2e; small magnitudes (per-capita figures) keep three significant digits. */
  kg: (value: number) =>
    `${Math.abs(value) >= 10 || value === 0 ? oneDecimal.format(value) : threeSignificant.format(value)} kg`,
  eur: (value: number) => euros.format(value),
} satisfies Record<string, (value: number) => string>;

export type FormatName = keyof typeof FORMATS;

/**
 * What a figure cell says: the formatted number, "no data", or a dash for "not applicable". The
 * state keeps the graph's word, `suppressed` (`suppressed: true`: no visible activity).
 */
export type FigureState = 'value' | 'suppressed' | 'none';

/** How a figure of an aggregate without visible activity is written. */
export const NO_DATA = 'no data';

/**
 * The text of one figure. A suppressed figure (privacy model v2: no visible activity, whether
 * there was none or only days with fewer than k members) is written "no data", never 0 (0 would
 * be a false statement about members); a null that is not suppressed (no assets, an unknown
 * avoided figure) is a dash.
 */
export function figureText(value: number | null | undefined, suppressed: boolean, format: FormatName): string {
  const state = figureState(value, suppressed);
  if (state === 'value') return FORMATS[format](value as number);
  return state === 'suppressed' ? NO_DATA : '—';
}

export function figureState(value: number | null | undefined, suppressed: boolean): FigureState {
  if (suppressed) return 'suppressed';
  return value === null || value === undefined ? 'none' : 'value';
}
