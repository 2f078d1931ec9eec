/**
 * Disjoint half-open spans [start, end) per key (an asset's uses), kept sorted by start: as
 * none overlaps another, their ends are sorted too, so one binary search tells whether a new
 * span would overlap one already taken. Used by ingest (within a batch) and by the seed
 * generators, so both hold the same rule: an asset is in one use at a time.
 */
export class DisjointSpans {
  private readonly byKey = new Map<string, { start: number; end: number }[]>();

  /** Whether [start, end) overlaps a span already taken for `key`. */
  overlaps(key: string, start: number, end: number): boolean {
    const spans = this.byKey.get(key) ?? [];
    const at = firstEndingAfter(spans, start);
    return at < spans.length && spans[at]!.start < end;
  }

  /** Takes [start, end) for `key`; the caller has checked that it overlaps nothing. */
  take(key: string, start: number, end: number): void {
    const spans = this.byKey.get(key) ?? [];
    spans.splice(firstEndingAfter(spans, start), 0, { start, end });
    this.byKey.set(key, spans);
  }
}

/** Index of the first span ending after `instant`, in spans sorted by (disjoint, so also by) end. */
function firstEndingAfter(spans: readonly { end: number }[], instant: number): number {
  let [low, high] = [0, spans.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (spans[middle]!.end > instant) high = middle;
    else low = middle + 1;
  }
  return low;
}
