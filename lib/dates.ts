/** Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so no time zone shifts a day. */

const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant (a Date, epoch milliseconds or an ISO timestamp). */
export const toDay = (date: Date | number | string): string => new Date(date).toISOString().slice(0, 10);
export const parseDay = (day: string): Date => new Date(`${day}T00:00:00Z`);
export const addDays = (day: string, days: number): string => toDay(new Date(parseDay(day).getTime() + days * DAY_MS));

/** Whole days from `from` to `to`, both included (0 when `to` is before `from`). */
export function daysInclusive(from: string, to: string): number {
  return Math.max(0, Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS) + 1);
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The latest calendar day that is already "today" somewhere: UTC+14 is the earliest time
 * zone, so a write dated today in any city is never taken for one in the future.
 */
export const latestToday = (now: Date = new Date()): string => toDay(new Date(now.getTime() + 14 * 3_600_000));
