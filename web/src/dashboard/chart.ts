import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type Plugin,
} from 'chart.js';
import { FORMATS, NO_DATA } from '../format';
import type { SharingFigures } from '../queries';

// Only the parts this chart uses, so the bundle carries no other chart types.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

const USES = '#0f766e';
const AVOIDED = '#c2410c';
const MUTED = '#6b7280';

/** Writes "no data" up the column of every month without visible activity, so a gap is never read as zero. */
function suppressedLabels(months: readonly (SharingFigures | null)[]): Plugin<'bar'> {
  return {
    id: 'suppressedLabels',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      if (!x) return;
      ctx.save();
      ctx.fillStyle = MUTED;
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      months.forEach((month, index) => {
        if (!month?.suppressed) return;
        ctx.save();
        ctx.translate(x.getPixelForValue(index), chartArea.bottom - 6);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText(NO_DATA, 0, 0);
        ctx.restore();
      });
      ctx.restore();
    },
  };
}

/** Draws the monthly chart into a canvas; returns a function that removes it. */
export function drawMonthly(canvas: HTMLCanvasElement, labels: string[], months: readonly (SharingFigures | null)[]) {
  const chart = new Chart<'bar' | 'line', (number | null)[], string>(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: 'Uses',
          data: months.map((month) => (month && !month.suppressed ? month.uses : null)),
          backgroundColor: USES,
          yAxisID: 'uses',
          order: 2,
        },
        {
          type: 'line',
          label: 'Avoided kg CO2e',
          data: months.map((month) => (month && !month.suppressed ? month.avoidedKgCO2e : null)),
          borderColor: AVOIDED,
          backgroundColor: AVOIDED,
          yAxisID: 'avoided',
          spanGaps: false,
          order: 1,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        uses: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'uses' } },
        avoided: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'kg CO2e avoided' },
        },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => {
              const month = months[item.dataIndex];
              if (month?.suppressed) return `${item.dataset.label}: ${NO_DATA}`;
              const value = item.parsed.y;
              if (value === null || value === undefined) return `${item.dataset.label}: —`;
              return `${item.dataset.label}: ${item.datasetIndex === 0 ? FORMATS.count(value) : FORMATS.kg(value)}`;
            },
          },
        },
      },
    },
    plugins: [suppressedLabels(months) as Plugin<'bar' | 'line'>],
  });
  canvas.dataset.ready = 'true';
  return () => {
    delete canvas.dataset.ready;
    chart.destroy();
  };
}
