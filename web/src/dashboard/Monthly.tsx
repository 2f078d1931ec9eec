import { useEffect, useRef } from 'react';
import type { SharingFigures } from '../queries';
import { MONTH_KEYS } from '../queries';
import { Figure } from './Figure';

export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface MonthlyProps {
  year: number;
  /** The twelve months in order; null where the graph gave no answer. */
  months: (SharingFigures | null)[];
}

/**
 * Uses per month as bars and avoided emissions as a line. Chart.js is loaded only here, on a
 * city page, so the city list stays small.
 */
export function MonthlyChart({ year, months }: MonthlyProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    void import('./chart').then(({ drawMonthly }) => {
      if (cancelled || !canvas.current) return;
      destroy = drawMonthly(canvas.current, MONTH_NAMES, months);
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [months]);
  const suppressed = months.filter((month) => month?.suppressed).length;
  const label =
    `Uses and avoided emissions per month in ${year}` +
    (suppressed > 0 ? `; ${suppressed} month${suppressed > 1 ? 's' : ''} suppressed` : '') +
    '. The same figures are in the table below.';
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

/** The chart's figures as a table: the accessible, exact version of the chart. */
export function MonthlyTable({ year, months }: MonthlyProps) {
  return (
    <details className="months">
      <summary>Month by month as a table</summary>
      <div className="table-wrap">
        <table>
          <caption>Sharing per month in {year}</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="num">
                Uses
              </th>
              <th scope="col" className="num">
                Active members
              </th>
              <th scope="col" className="num">
                Utilisation
              </th>
              <th scope="col" className="num">
                Km shared
              </th>
              <th scope="col" className="num">
                Nights
              </th>
              <th scope="col" className="num">
                Avoided
              </th>
            </tr>
          </thead>
          <tbody>
            {MONTH_KEYS.map((key, index) => {
              const month = months[index];
              const hidden = month?.suppressed ?? false;
              const name = (field: string) => `month.${key}.${field}`;
              return (
                <tr key={key}>
                  <th scope="row">{MONTH_NAMES[index]}</th>
                  <td className="num">
                    <Figure name={name('uses')} value={month?.uses} suppressed={hidden} format="count" />
                  </td>
                  <td className="num">
                    <Figure
                      name={name('activeMembers')}
                      value={month?.activeMembers}
                      suppressed={hidden}
                      format="count"
                    />
                  </td>
                  <td className="num">
                    <Figure
                      name={name('utilizationRate')}
                      value={month?.utilizationRate}
                      suppressed={hidden}
                      format="rate"
                    />
                  </td>
                  <td className="num">
                    <Figure name={name('kmShared')} value={month?.kmShared} suppressed={hidden} format="km" />
                  </td>
                  <td className="num">
                    <Figure
                      name={name('nightsShared')}
                      value={month?.nightsShared}
                      suppressed={hidden}
                      format="nights"
                    />
                  </td>
                  <td className="num">
                    <Figure name={name('avoidedKgCO2e')} value={month?.avoidedKgCO2e} suppressed={hidden} format="kg" />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
