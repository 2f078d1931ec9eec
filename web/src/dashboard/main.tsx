import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CityList } from './CityList';
import { CityPage } from './CityPage';
import { Layout } from './Layout';
import './styles.css';

/** The gateway serves this page at / and at /cities/<slug>; the path says which view. */
const CITY_PATH = /^\/cities\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;

function Dashboard() {
  const city = CITY_PATH.exec(window.location.pathname)?.[1];
  return <Layout>{city ? <CityPage id={city} /> : <CityList />}</Layout>;
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <Dashboard />
    </StrictMode>,
  );
