import { useEffect, useRef } from 'react';
import type { FormatName } from '../format';
import type { SharingFigures } from '../queries';
import { MONTH_KEYS } from '../queries';
import { Figure } from './Figure';
import { applies, type AssetKind, type KindFigure } from './kinds';

export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface MonthlyProps {
  year: number;
  /** The twelve months in order; null where the graph gave no answer. */
  months: (SharingFigures | null)[];
}

/** True when at least one month has visible activity: otherwise there is nothing to draw. */
export function anyVisibleMonth(months: readonly (SharingFigures | null)[]): boolean {
  return months.some((month) => month !== null && !month.suppressed);
}

/**
 * Uses per month as bars and avoided emissions as a line. Chart.js is loaded only here, on a
 * city page, so the city list stays small.
 */
export function MonthlyChart({ year, months }: MonthlyProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawn = anyVisibleMonth(months);
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    if (!drawn) return;
    void import('./chart').then(({ drawMonthly }) => {
      if (cancelled || !canvas.current) return;
      destroy = drawMonthly(canvas.current, MONTH_NAMES, months);
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [months, drawn]);
  // An empty chart on a 0–1 axis would read as "nobody used anything", which the graph cannot say.
  if (!drawn)
    return (
      <p className="no-data" data-testid="chart-no-data">
        No month of {year} has visible activity, so there is nothing to chart.
      </p>
    );
  const suppressed = months.filter((month) => month?.suppressed).length;
  const label =
    `Uses and avoided emissions per month in ${year}` +
    (suppressed > 0 ? `; no data for ${suppressed} month${suppressed > 1 ? 's' : ''}` : '') +
    '. The same figures are in the table below.';
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

interface Column {
  field: keyof SharingFigures & string;
  label: string;
  format: FormatName;
}

const COLUMNS: Column[] = [
  { field: 'uses', label: 'Uses', format: 'count' },
  { field: 'activeMembers', label: 'Active members', format: 'count' },
  { field: 'utilizationRate', label: 'Utilisation', format: 'rate' },
  { field: 'kmShared', label: 'Km shared', format: 'km' },
  { field: 'nightsShared', label: 'Nights', format: 'nights' },
  { field: 'avoidedKgCO2e', label: 'Avoided', format: 'kg' },
];

/** The columns that apply to the city's asset kinds (no "Km shared" in a city of tool libraries). */
function columnsFor(kinds: readonly AssetKind[] | null): Column[] {
  const kindBound = (field: string): field is KindFigure =>
    field === 'kmShared' || field === 'nightsShared' || field === 'avoidedKgCO2e';
  return COLUMNS.filter((column) => !kindBound(column.field) || applies(column.field, kinds));
}

/** The chart's figures as a table: the accessible, exact version of the chart. */
export function MonthlyTable({ year, months, kinds }: MonthlyProps & { kinds: readonly AssetKind[] | null }) {
  const columns = columnsFor(kinds);
  return (
    <details className="months">
      <summary>Month by month as a table</summary>
      <div className="table-wrap">
        <table>
          <caption>Sharing per month in {year}</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              {columns.map((column) => (
                <th key={column.field} scope="col" className="num">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {MONTH_KEYS.map((key, index) => {
              const month = months[index];
              const hidden = month?.suppressed ?? false;
              return (
                <tr key={key}>
                  <th scope="row">{MONTH_NAMES[index]}</th>
                  {columns.map((column) => (
                    <td key={column.field} className="num">
                      <Figure
                        name={`month.${key}.${column.field}`}
                        value={month?.[column.field] as number | null | undefined}
                        suppressed={hidden}
                        format={column.format}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
