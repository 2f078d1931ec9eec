/**
 * GraphiQL from the installed package, bundled by Vite with its Monaco workers: nothing is
 * fetched from a CDN, so it works on a closed network. It opens on design.md's CityReport.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { useMonaco } from '@graphiql/react';
import { GraphiQL } from 'graphiql';
import type { ComponentProps } from 'react';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { CITY_REPORT, CITY_REPORT_VARIABLES } from '../queries';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

/** POSTs to the same /graphql this page is served at; headers typed in the headers editor go along. */
const fetcher: Fetcher = async (params, options) => {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...options?.headers,
    },
    body: JSON.stringify(params),
  });
  return response.json();
};

const EXAMPLE_VARIABLES = JSON.stringify(CITY_REPORT_VARIABLES, null, 2);

/** True before GraphiQL has saved any tabs in this browser (its key: `graphiql:tabState`). */
function firstVisit(): boolean {
  try {
    return window.localStorage.getItem('graphiql:tabState') === null;
  } catch {
    return true;
  }
}

// GraphiQL 5 takes a default tab's query but not its variables into the editors, so on a first
// visit they are also given as initial values; later visits keep the user's own saved tabs.
const example = firstVisit() ? { initialQuery: CITY_REPORT, initialVariables: EXAMPLE_VARIABLES } : {};

/**
 * Wraps long lines in every editor. GraphiQL wraps only its response: the CityReport's field
 * lines are wider than the query pane even on a 1440 px screen, and were cut off at its edge.
 */
function WrapLongLines() {
  const monaco = useMonaco((state) => state.monaco);
  useEffect(() => {
    if (!monaco) return;
    const wrap = (editor: { updateOptions(options: { wordWrap: 'on' }): void }) =>
      editor.updateOptions({ wordWrap: 'on' });
    monaco.editor.getEditors().forEach(wrap);
    const created = monaco.editor.onDidCreateEditor(wrap);
    return () => created.dispose();
  }, [monaco]);
  return null;
}

const root = document.getElementById('graphiql');
if (root)
  createRoot(root).render(
    <StrictMode>
      <WrapLongLines />
      <GraphiQL
        fetcher={fetcher}
        defaultTabs={[{ query: CITY_REPORT, variables: EXAMPLE_VARIABLES }]}
        {...example}
        defaultEditorToolsVisibility="variables"
      >
        <GraphiQL.Logo>
          <a href="/">Commons Graph</a>
        </GraphiQL.Logo>
      </GraphiQL>
    </StrictMode>,
  );
