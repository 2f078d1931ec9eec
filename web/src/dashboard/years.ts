/** Which years a city page offers, and which it opens on. */

/** How many years back from the current one the selector always reaches (footprints predate usage). */
const YEARS_BACK = 4;

/** The year of `?year=` when it is a plausible calendar year, else null. */
export function yearFromSearch(search: string): number | null {
  const value = new URLSearchParams(search).get('year');
  if (!value || !/^\d{4}$/.test(value)) return null;
  const year = Number(value);
  return year >= 2000 && year <= 2100 ? year : null;
}

/** The newest year with usage; without any, the last complete calendar year. */
export function defaultYear(usageYears: readonly number[], now = new Date()): number {
  return usageYears.length > 0 ? Math.max(...usageYears) : now.getUTCFullYear() - 1;
}

/** Newest first: every year from the earliest usage (or YEARS_BACK ago) to this year, and the chosen one. */
export function yearOptions(usageYears: readonly number[], chosen: number, now = new Date()): number[] {
  const current = now.getUTCFullYear();
  const first = Math.min(current - YEARS_BACK, chosen, ...usageYears);
  const last = Math.max(current, chosen);
  return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}
