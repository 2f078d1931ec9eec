import { useEffect, useState } from 'react';
import { request, type GraphQLError } from '../graphql';
import type { CityListQuery } from '../generated/operations';
import { CITY_LIST } from '../queries';
import { FORMATS } from '../format';
import { countText, filterCities } from './cityFilter';
import { Problems } from './Layout';

const PAGE_SIZE = 100;

type Cities = CityListQuery['cities'];

interface CityListProps {
  /** What the search box starts with: an unknown city's id, on its 404 page. */
  initialFilter?: string;
  /** Inside another page (the 404 page): no heading, introduction or page title of its own. */
  embedded?: boolean;
}

/** The cities of the graph, a page of 100 at a time, each linking to its page. */
export function CityList({ initialFilter = '', embedded = false }: CityListProps = {}) {
  const [cities, setCities] = useState<Cities | null>(null);
  const [errors, setErrors] = useState<GraphQLError[]>([]);
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState(initialFilter);

  async function load(after: string | null) {
    setLoading(true);
    try {
      const answer = await request(CITY_LIST, { first: PAGE_SIZE, after });
      setErrors(answer.errors);
      const page = answer.data?.cities;
      if (page) setCities((before) => ({ ...page, nodes: [...(after && before ? before.nodes : []), ...page.nodes] }));
    } catch (error) {
      setErrors([{ message: (error as Error).message }]);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    if (!embedded) document.title = 'Cities — Commons Graph';
    void load(null);
  }, []);

  const shown = filterCities(cities?.nodes ?? [], filter);
  const filtered = filter.trim() !== '';
  return (
    <>
      {!embedded && (
        <>
          <h1>Cities</h1>
          <p className="lead">
            Cities taking part in the commons transition: the leagues they belong to, the platform co-ops sharing cars,
            bikes, homes and tools there, and what that sharing saves.
          </p>
        </>
      )}
      <Problems errors={errors} />
      {cities && (
        <>
          <label className="filter">
            Find a city{' '}
            <input
              type="search"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              placeholder="Name or id"
            />
          </label>
          <p className="muted" data-testid="city-count" aria-live="polite">
            {countText(shown.length, cities.nodes.length, cities.totalCount, filtered)}
          </p>
          {filtered && shown.length === 0 && (
            <p data-testid="no-match">
              No city matches “{filter.trim()}”{cities.pageInfo.hasNextPage ? ' among the cities loaded so far' : ''}.
              Try part of the name or of the city's id (as in <code>/cities/gent</code>); accents and capitals do not
              matter.
            </p>
          )}
          <ul className="cities" data-loaded="cities">
            {shown.map((city) => (
              <li key={city.id}>
                <a href={`/cities/${city.id}`}>{city.name}</a>
                <span className="muted">
                  {city.countryCode} · {FORMATS.count(city.population)} inhabitants · {city.leagues.length}{' '}
                  {city.leagues.length === 1 ? 'league' : 'leagues'}
                </span>
              </li>
            ))}
          </ul>
          {cities.pageInfo.hasNextPage && (
            <button type="button" disabled={loading} onClick={() => void load(cities.pageInfo.endCursor)}>
              More cities
            </button>
          )}
        </>
      )}
      {!cities && loading && <p className="muted">Loading…</p>}
    </>
  );
}
