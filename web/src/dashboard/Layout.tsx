import type { ReactNode } from 'react';
import type { GraphQLError } from '../graphql';

/** The gateway marks the page when GraphiQL is switched off, so the page does not link to it. */
const explorerOn = document.documentElement.dataset.explorer !== 'off';

export function Layout({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="site">
        <a className="brand" href="/">
          Commons Graph
        </a>
        <nav>
          <a href="/">Cities</a>
          {explorerOn && <a href="/graphql">GraphQL explorer</a>}
        </nav>
      </header>
      <main>{children}</main>
      <footer className="site">
        Every figure here comes from the public graph at <code>/graphql</code>. Usage figures in the seed data are
        synthetic, and organisations marked <span className="badge">illustrative</span> are examples, not existing
        services.
      </footer>
    </>
  );
}

/** Errors that came with a partial answer: which part is missing and why. */
export function Problems({ errors }: { errors: readonly GraphQLError[] }) {
  if (errors.length === 0) return null;
  const messages = [...new Set(errors.map((error) => error.message))];
  return (
    <div className="problems" role="alert">
      <strong>Part of this page could not be loaded.</strong>
      <ul>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}

/** Said where a section's data is missing because the part of the graph that holds it failed. */
export function Unavailable() {
  return <p className="muted">Not available right now.</p>;
}
