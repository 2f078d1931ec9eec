import { figureState, figureText, type FormatName } from '../format';

interface FigureProps {
  /** A stable key for the figure (`city.uses`, `coop.muniride-gent.kmShared`, `month.jan.uses`). */
  name: string;
  value: number | null | undefined;
  /** True when the figure is member-derived and its aggregate is suppressed. */
  suppressed?: boolean;
  format: FormatName;
}

/**
 * One figure as text, carrying the graph's raw value in `data-value` (so a reader, or a test,
 * can see exactly what the graph said) and its state: a value, suppressed, or none.
 */
export function Figure({ name, value, suppressed = false, format }: FigureProps) {
  const state = figureState(value, suppressed);
  return (
    <span
      className={`figure ${state}`}
      data-figure={name}
      data-state={state}
      data-value={state === 'value' ? String(value) : undefined}
      title={
        state === 'suppressed'
          ? 'No visible activity: no day of this period had at least k distinct members (no use at all, or too few members to publish)'
          : undefined
      }
    >
      {figureText(value, suppressed, format)}
    </span>
  );
}

/** A labelled figure tile. */
export function Tile({ label, ...figure }: FigureProps & { label: string }) {
  return (
    <div className="tile">
      <dt>{label}</dt>
      <dd>
        <Figure {...figure} />
      </dd>
    </div>
  );
}
