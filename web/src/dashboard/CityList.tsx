import { useEffect, useState } from 'react';
import { request, type GraphQLError } from '../graphql';
import { CITY_LIST, type CityListData } from '../queries';
import { FORMATS } from '../format';
import { Problems } from './Layout';

const PAGE_SIZE = 100;

type Cities = CityListData['cities'];

/** The cities of the graph, a page of 100 at a time, each linking to its page. */
export function CityList() {
  const [cities, setCities] = useState<Cities | null>(null);
  const [errors, setErrors] = useState<GraphQLError[]>([]);
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState('');

  async function load(after: string | null) {
    setLoading(true);
    try {
      const answer = await request<CityListData>(CITY_LIST, { first: PAGE_SIZE, after });
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
    document.title = 'Cities — Commons Graph';
    void load(null);
  }, []);

  const needle = filter.trim().toLocaleLowerCase();
  const shown = cities?.nodes.filter((city) => city.name.toLocaleLowerCase().includes(needle)) ?? [];
  return (
    <>
      <h1>Cities</h1>
      <p className="lead">
        Cities taking part in the commons transition: the leagues they belong to, the platform co-ops sharing cars,
        bikes, homes and tools there, and what that sharing saves.
      </p>
      <Problems errors={errors} />
      {cities && (
        <>
          <label className="filter">
            Find a city{' '}
            <input
              type="search"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              placeholder="Name"
            />
          </label>
          <p className="muted" data-testid="city-count">
            {cities.nodes.length < cities.totalCount
              ? `${cities.nodes.length} of ${cities.totalCount} cities loaded`
              : `${cities.totalCount} cities`}
          </p>
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
