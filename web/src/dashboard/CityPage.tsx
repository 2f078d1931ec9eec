import { useEffect, useMemo, useRef, useState } from 'react';
import { FORMATS } from '../format';
import type { CityPageQuery, CityYearQuery, TypedDocumentString } from '../generated/operations';
import { request, type GraphQLError } from '../graphql';
import { CITY_PAGE, CITY_YEAR, MONTH_KEYS, cityYearVariables, type Named, type SharingFigures } from '../queries';
import { CityList } from './CityList';
import { Figure, Tile } from './Figure';
import { kindsOf, kindsText, unionOfKinds, type AssetKind } from './kinds';
import { COOP_TILES, CITY_TILES, SharingTiles } from './SharingTiles';
import { utilisationByKind, type CoopUtilisation } from './utilisation';
import { Problems, Unavailable } from './Layout';
import { MonthlyChart, MonthlyTable } from './Monthly';
import { Sources } from './Sources';
import { defaultYear, yearFromSearch, yearOptions } from './years';

type City = NonNullable<CityPageQuery['city']>;
type Year = NonNullable<CityYearQuery['city']>;

interface Loaded<T> {
  data: T | null;
  errors: GraphQLError[];
}

/** Runs one operation and keeps its data and errors; a network failure becomes an error. */
async function load<T, Variables>(
  document: TypedDocumentString<T, Variables>,
  variables: Variables,
  signal: AbortSignal,
): Promise<Loaded<T>> {
  try {
    return await request(document, variables, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return { data: null, errors: [{ message: (error as Error).message }] };
  }
}

/** A city's report as a page: who it works with, and one chosen year of sharing and footprint. */
export function CityPage({ id }: { id: string }) {
  const [page, setPage] = useState<Loaded<CityPageQuery> | null>(null);
  // A year in the URL is kept. Otherwise the page guesses the last complete year, so both
  // requests go out at once, and moves to the newest year with usage if that is another one.
  const chosen = useRef(yearFromSearch(window.location.search) !== null);
  const [year, setYear] = useState<number>(() => yearFromSearch(window.location.search) ?? defaultYear([]));
  const [figures, setFigures] = useState<(Loaded<CityYearQuery> & { year: number }) | null>(null);

  useEffect(() => {
    // Fetch the chart code while the figures are on their way.
    void import('./chart');
    const controller = new AbortController();
    load(CITY_PAGE, { id }, controller.signal).then((loaded) => {
      setPage(loaded);
      const usage = loaded.data?.city?.annualSharing?.map((annual) => annual.year) ?? [];
      if (!chosen.current && usage.length > 0) setYear(defaultYear(usage));
    }, ignoreAbort);
    return () => controller.abort();
  }, [id]);

  useEffect(() => {
    const controller = new AbortController();
    load(CITY_YEAR, cityYearVariables(id, year), controller.signal).then(
      (loaded) => setFigures({ ...loaded, year }),
      ignoreAbort,
    );
    return () => controller.abort();
  }, [id, year]);

  const city = page?.data?.city;
  useEffect(() => {
    document.title = `${city?.name ?? id} — Commons Graph`;
  }, [city, id]);

  function chooseYear(option: number) {
    chosen.current = true;
    const url = new URL(window.location.href);
    url.searchParams.set('year', String(option));
    window.history.replaceState(null, '', url);
    setYear(option);
  }

  if (!page) return <p className="muted">Loading…</p>;
  if (!city) {
    return (
      <>
        <h1>No such city</h1>
        <Problems errors={page.errors} />
        <p>
          The graph has no city with the id <code>{id}</code>. Cities whose name or id contain it are listed below;
          change the search, or see <a href="/">all cities</a>.
        </p>
        {page.errors.length === 0 && <CityList initialFilter={id.replace(/-/g, ' ')} embedded />}
      </>
    );
  }
  const usageYears = city.annualSharing?.map((annual) => annual.year) ?? [];
  const shown = figures && figures.year === year ? figures : null;
  return (
    <article className="city" data-city={city.id}>
      <header className="city-header">
        <div>
          <h1>{city.name}</h1>
          <p className="muted">
            {city.countryCode} · <Figure name="city.population" value={city.population} format="count" /> inhabitants (
            {city.populationYear}, {city.populationSource})
          </p>
        </div>
        <label className="year">
          Year{' '}
          <select id="year" value={year} onChange={(event) => chooseYear(Number(event.target.value))}>
            {yearOptions(usageYears, year).map((option) => (
              <option key={option} value={option}>
                {option}
                {usageYears.includes(option) ? '' : ' (no usage)'}
              </option>
            ))}
          </select>
        </label>
      </header>
      <Problems errors={[...page.errors, ...(shown?.errors ?? [])]} />
      {shown ? (
        <YearSections city={city} year={shown.year} figures={shown.data?.city ?? null} />
      ) : (
        <p className="muted" aria-live="polite">
          Loading {year}…
        </p>
      )}
      <Organisations city={city} />
      <Sources factors={page.data?.emissionFactors ?? null} />
    </article>
  );
}

function ignoreAbort(error: unknown) {
  if ((error as Error).name !== 'AbortError') throw error;
}

/** Everything that depends on the chosen year: the city's sharing, month by month, per co-op; the footprint. */
function YearSections({ city, year, figures }: { city: City; year: number; figures: Year | null }) {
  const sharing = figures?.sharing ?? null;
  const kinds = city.platformCooperatives ? unionOfKinds(city.platformCooperatives.map(kindsOf)) : null;
  // One array per answer, so the chart is drawn once per answer, not on every render.
  const months = useMemo(() => MONTH_KEYS.map((key) => figures?.[key] ?? null), [figures]);
  const footprint = figures?.footprint ?? null;
  const coopSharing = new Map(figures?.platformCooperatives?.map((coop) => [coop.id, coop.sharing]) ?? []);
  const coopUtilisation = (city.platformCooperatives ?? []).map((coop) => ({
    kinds: kindsOf(coop),
    sharing: coopSharing.get(coop.id) ?? null,
  }));
  const hidden = sharing?.suppressed ?? false;
  return (
    <div data-year-loaded={year}>
      <section aria-labelledby="sharing">
        <h2 id="sharing">Sharing in {year}</h2>
        {sharing ? (
          <>
            {hidden && (
              <p className="no-data" data-testid="year-no-data">
                No visible activity in {year}: no day had at least {sharing.suppressionThreshold} distinct members in
                any co-op here. That means no use at all or too little to publish — by design the two look the same — so
                the figures below read “no data”, not 0.
              </p>
            )}
            <SharingTiles prefix="city" sharing={sharing} tiles={CITY_TILES} kinds={kinds} />
            <UtilisationNote sharing={sharing} coops={coopUtilisation} kinds={kinds} />
            <p className="muted small">
              Method <code>{sharing.methodology}</code>. Days of a co-op with fewer than {sharing.suppressionThreshold}{' '}
              distinct members are left out of every figure; a figure with nothing left to show reads “no data”, whether
              the period had hidden activity or none. Active members are counted per calendar month and year only; a
              month reads “—” where its count would differ from the year's by fewer than {sharing.suppressionThreshold}.
              Kilometres and avoided emissions are shown only where vehicles are shared, nights only where homes or
              rooms are.
            </p>
          </>
        ) : (
          <Unavailable />
        )}
        <h3>Month by month</h3>
        {figures ? (
          <>
            <MonthlyChart year={year} months={months} />
            <MonthlyTable year={year} months={months} kinds={kinds} />
          </>
        ) : (
          <Unavailable />
        )}
      </section>
      <section aria-labelledby="coops">
        <h2 id="coops">Platform co-ops</h2>
        {city.platformCooperatives === null ? (
          <Unavailable />
        ) : city.platformCooperatives.length === 0 ? (
          <p className="muted">No platform co-op operates here yet.</p>
        ) : (
          <div className="coops">
            {city.platformCooperatives.map((coop) => (
              <CoopCard key={coop.id} coop={coop} sharing={coopSharing.get(coop.id)} kinds={kindsOf(coop)} />
            ))}
          </div>
        )}
      </section>
      <section aria-labelledby="footprint">
        <h2 id="footprint">Footprint in {year}</h2>
        {footprint ? (
          <>
            <dl className="tiles">
              <Tile label="Embodied" name="footprint.embodiedKgCO2e" value={footprint.embodiedKgCO2e} format="kg" />
              <Tile
                label="Avoided by sharing"
                name="footprint.avoidedKgCO2e"
                value={footprint.avoidedKgCO2e}
                suppressed={hidden}
                format="kg"
              />
              <Tile
                label="Net"
                name="footprint.netKgCO2e"
                value={footprint.netKgCO2e}
                suppressed={footprint.netKgCO2e === null && hidden}
                format="kg"
              />
              <Tile
                label="Net per inhabitant"
                name="footprint.perCapitaKgCO2e"
                value={footprint.perCapitaKgCO2e}
                suppressed={footprint.perCapitaKgCO2e === null && hidden}
                format="kg"
              />
            </dl>
            <p className="muted small">
              kg CO2e. Method <code data-figure="footprint.methodology">{footprint.methodology}</code>: embodied
              emissions of goods open co-ops delivered here in {year} (bill of materials, manufacturing energy,
              transport), minus the emissions shared trips avoided; per inhabitant over {FORMATS.count(city.population)}{' '}
              inhabitants.
              {hidden && <> No visible sharing in {year}: nothing is subtracted from the embodied emissions.</>}
            </p>
          </>
        ) : (
          <Unavailable />
        )}
      </section>
    </div>
  );
}

type Coop = NonNullable<City['platformCooperatives']>[number];

function CoopCard({
  coop,
  sharing,
  kinds,
}: {
  coop: Coop;
  sharing: SharingFigures | null | undefined;
  kinds: readonly AssetKind[] | null;
}) {
  const app = coop.application;
  return (
    <div className="card" data-coop={coop.id}>
      <h3>
        {coop.name} {coop.illustrative && <span className="badge">illustrative</span>}
      </h3>
      {app && (
        <p className="muted small">
          Runs {app.name} ({app.license}){app.steward && <>, stewarded by {app.steward.name}</>}
          {kinds && kinds.length > 0 && <>; shares {kindsText(kinds)}</>}
        </p>
      )}
      {sharing ? (
        <SharingTiles prefix={`coop.${coop.id}`} sharing={sharing} tiles={COOP_TILES} kinds={kinds} compact />
      ) : (
        <Unavailable />
      )}
    </div>
  );
}

/**
 * What the city's utilisation is made of. One rate over every asset blends a busy tool library
 * with a quiet bike fleet, so where the city shares more than one kind of thing, the page says so
 * and, where the co-ops' figures add up to the city's, gives the rate of each.
 */
function UtilisationNote({
  sharing,
  coops,
  kinds,
}: {
  sharing: SharingFigures;
  coops: CoopUtilisation[];
  kinds: readonly AssetKind[] | null;
}) {
  const distinct = new Set(coops.map((coop) => coop.kinds?.join('+')));
  if (kinds !== null && distinct.size < 2) return null;
  const split = utilisationByKind(coops, sharing.assetHours);
  return (
    <p className="small" data-testid="utilisation-note">
      Utilisation is hours in use over hours available across every asset here together, so it blends what the co-ops
      share
      {split ? (
        <>
          :{' '}
          {split.map((group, index) => (
            <span key={group.key}>
              {index > 0 && (index === split.length - 1 ? ' and ' : ', ')}
              {group.label}{' '}
              <Figure
                name={`city.utilizationRate.${group.key}`}
                value={group.rate}
                suppressed={group.rate === null}
                format="rate"
              />
            </span>
          ))}
          . Each co-op's own rate is on its card below.
        </>
      ) : (
        <>; each co-op's own rate is on its card below.</>
      )}
    </p>
  );
}

/** Year-independent: leagues and the protocol co-ops they fund, pledges, applications and adaptations. */
function Organisations({ city }: { city: City }) {
  const applications = new Map<string, NonNullable<Coop['application']>>();
  for (const coop of city.platformCooperatives ?? [])
    if (coop.application) applications.set(coop.application.id, coop.application);
  return (
    <>
      <section aria-labelledby="leagues">
        <h2 id="leagues">Leagues and protocol co-ops</h2>
        {city.leagues.length === 0 ? (
          <p className="muted">Not a member of any league in the graph.</p>
        ) : (
          <ul className="plain">
            {city.leagues.map((league) => (
              <li key={league.id} data-league={league.id}>
                <strong>{league.name}</strong>
                {league.protocolCooperatives.length > 0 ? (
                  <> funds {list(league.protocolCooperatives)}</>
                ) : (
                  <span className="muted"> funds no protocol co-op in the graph</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {city.pledges.length > 0 && (
          <div className="table-wrap">
            {/* On a phone each pledge is stacked, label beside value, so the amount is never off screen. */}
            <table className="stack" data-table="pledges">
              <caption>Pledges by {city.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Year</th>
                  <th scope="col">To</th>
                  <th scope="col">For</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                {city.pledges.map((pledge) => (
                  <tr key={pledge.id}>
                    <td data-label="Year">{pledge.year}</td>
                    <td data-label="To">{pledge.protocolCooperative?.name ?? '—'}</td>
                    <td data-label="For">{pledge.application?.name ?? pledge.purpose}</td>
                    <td data-label="Amount" className="num">
                      <Figure name={`pledge.${pledge.id}`} value={pledge.amountEur} format="eur" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="applications">
        <h2 id="applications">Applications and local adaptations</h2>
        <h3>Commons applications in use</h3>
        {applications.size === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="plain">
            {[...applications.values()].map((app) => (
              <li key={app.id} data-application={app.id}>
                <strong>{app.name}</strong> {app.illustrative && <span className="badge">illustrative</span>}{' '}
                <span className="muted">
                  {app.domain.toLowerCase()} · {app.license}
                  {app.steward && <> · stewarded by {app.steward.name}</>}
                </span>
              </li>
            ))}
          </ul>
        )}
        <h3>Adaptations made here</h3>
        {city.adaptations === null ? (
          <Unavailable />
        ) : city.adaptations.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="plain">
            {city.adaptations.map((adaptation) => (
              <li key={adaptation.id} data-adaptation={adaptation.id}>
                {adaptation.title} <Status status={adaptation.status} />{' '}
                <span className="muted">
                  of {adaptation.application.name}
                  {/* Null when league, which completes the adopting cities, did not answer. */}
                  {adaptation.adoptedBy === null ? (
                    <>, adopters not available right now</>
                  ) : (
                    adaptation.adoptedBy.length > 0 && <>, adopted by {list(adaptation.adoptedBy)}</>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
        <h3>Adopted from other cities</h3>
        {city.adoptedAdaptations === null ? (
          <Unavailable />
        ) : city.adoptedAdaptations.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="plain">
            {city.adoptedAdaptations.map((adaptation) => (
              <li key={adaptation.id} data-adaptation={adaptation.id}>
                {adaptation.title} <Status status={adaptation.status} />{' '}
                <span className="muted">
                  of {adaptation.application.name}
                  {adaptation.city && <>, made in {adaptation.city.name}</>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

const STATUS_TEXT: Record<string, string> = {
  LOCAL: 'local',
  PROPOSED_UPSTREAM: 'proposed upstream',
  MERGED_UPSTREAM: 'merged upstream',
};

function Status({ status }: { status: string }) {
  return <span className={`status ${status.toLowerCase()}`}>{STATUS_TEXT[status] ?? status}</span>;
}

function list(items: readonly Named[]): string {
  const names = items.map((item) => item.name);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
