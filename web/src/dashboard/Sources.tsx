import type { CityPageQuery } from '../generated/operations';

type Factors = NonNullable<CityPageQuery['emissionFactors']>;

interface SourceGroup {
  publication: string;
  license: string;
  year: number;
  url: string;
  factors: string[];
}

/** Factors grouped by publication (the source's text before its first comma), licence and edition. */
export function groupSources(factors: Factors['nodes']): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  for (const factor of factors) {
    const publication = factor.source.split(', ')[0] ?? factor.source;
    const key = `${publication}\u0000${factor.license}\u0000${factor.year}`;
    const group = groups.get(key) ?? {
      publication,
      license: factor.license,
      year: factor.year,
      url: factor.sourceUrl,
      factors: [],
    };
    group.factors.push(factor.name);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.publication.localeCompare(b.publication));
}

/** The emission-factor table behind the footprint and the avoided emissions, by publication and licence. */
export function Sources({ factors }: { factors: Factors | null }) {
  return (
    <section aria-labelledby="sources">
      <h2 id="sources">Sources</h2>
      {factors ? (
        <>
          <p className="muted small">
            Footprint and avoided emissions use the graph’s emission-factor table (<code>emissionFactors</code>,{' '}
            {factors.totalCount} factors
            {factors.totalCount > factors.nodes.length && `, the first ${factors.nodes.length} listed`}), from openly
            licensed publications:
          </p>
          <ul className="plain sources">
            {groupSources(factors.nodes).map((group) => (
              <li key={`${group.publication}-${group.license}-${group.year}`}>
                <a href={group.url} rel="noreferrer">
                  {group.publication}
                </a>{' '}
                <span className="muted">
                  ({group.year}, {group.license}) — {group.factors.length}{' '}
                  {group.factors.length === 1 ? 'factor' : 'factors'}: {group.factors.join('; ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">Not available right now.</p>
      )}
    </section>
  );
}
