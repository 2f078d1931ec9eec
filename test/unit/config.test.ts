/**
 * Configuration: defaults that match the public contract, database selection by URL, and a
 * bad setting stopping start-up with a message that names the variable.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, isPostgres, loadConfig, type SubgraphName } from '../../lib/config.js';

/** The ports of the public contract (design brief): gateway 4000, subgraphs 4001-4004. */
const CONTRACT_PORTS: Record<SubgraphName, number> = { league: 4001, depository: 4002, coop: 4003, production: 4004 };
const CONTRACT_GATEWAY_PORT = 4000;

const PG_URL = 'postgres://commons:secret@db.example:5432/commons';

/** The error message `loadConfig` throws for this environment (fails when it does not throw). */
function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** Matches a variable name as a whole word, so `DATABASE_URL` is not found inside `COOP_DATABASE_URL`. */
const naming = (variable: string): RegExp => new RegExp(`(^|[^A-Z_])${variable}([^A-Z_]|$)`);

describe('defaults', () => {
  const config = loadConfig({});

  it('listens on the contract ports, on the loopback host', () => {
    expect(config.gateway.port).toBe(CONTRACT_GATEWAY_PORT);
    for (const name of SUBGRAPH_NAMES) {
      const subgraph = config.subgraphs[name];
      expect(subgraph.name).toBe(name);
      expect(subgraph.port).toBe(CONTRACT_PORTS[name]);
      expect(subgraph.url).toBe(`http://${config.host}:${CONTRACT_PORTS[name]}/graphql`);
    }
    expect(config.host).toBe('127.0.0.1');
  });

  it('keeps one SQLite file per subgraph under the data directory', () => {
    const filenames = SUBGRAPH_NAMES.map((name) => {
      const database = config.subgraphs[name].database;
      expect(database.client).toBe('sqlite');
      return database.client === 'sqlite' ? database.filename : '';
    });
    for (const filename of filenames) expect(path.dirname(filename)).toBe(config.dataDir);
    expect(new Set(filenames).size).toBe(SUBGRAPH_NAMES.length);
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it('suppresses aggregates over fewer than 5 members by default', () => {
    expect(config.suppressionK).toBe(5);
  });

  it('puts the SQLite files under DATA_DIR when it is set', () => {
    const dataDir = path.resolve('/var/lib/commons-graph');
    const custom = loadConfig({ DATA_DIR: dataDir });
    expect(custom.dataDir).toBe(dataDir);
    for (const name of SUBGRAPH_NAMES) {
      expect(custom.subgraphs[name].database).toEqual({
        client: 'sqlite',
        filename: path.join(dataDir, `${name}.sqlite`),
      });
    }
  });
});

describe('environment overrides', () => {
  it('DATABASE_URL=postgres://... puts every subgraph on PostgreSQL, each in its own schema', () => {
    const config = loadConfig({ DATABASE_URL: PG_URL });
    for (const name of SUBGRAPH_NAMES) {
      const database = config.subgraphs[name].database;
      expect(isPostgres(database)).toBe(true);
      expect(database).toEqual({ client: 'pg', connectionString: PG_URL, schema: name, poolMax: 10 });
    }
    const schemas = SUBGRAPH_NAMES.map((name) => config.subgraphs[name].database).map((db) =>
      isPostgres(db) ? db.schema : null,
    );
    expect(new Set(schemas).size).toBe(SUBGRAPH_NAMES.length);
  });

  it('accepts the postgresql:// spelling too', () => {
    const url = PG_URL.replace('postgres://', 'postgresql://');
    expect(loadConfig({ DATABASE_URL: url }).subgraphs.league.database).toMatchObject({
      client: 'pg',
      connectionString: url,
    });
  });

  it('COOP_DATABASE_URL overrides the database of the coop subgraph only', () => {
    const coopUrl = 'postgres://coop:secret@coop-db.example:5432/coop';
    const config = loadConfig({ DATABASE_URL: PG_URL, COOP_DATABASE_URL: coopUrl });
    expect(config.subgraphs.coop.database).toEqual({
      client: 'pg',
      connectionString: coopUrl,
      schema: 'coop',
      poolMax: 10,
    });
    for (const name of SUBGRAPH_NAMES.filter((n) => n !== 'coop')) {
      expect(config.subgraphs[name].database).toEqual({
        client: 'pg',
        connectionString: PG_URL,
        schema: name,
        poolMax: 10,
      });
    }
  });

  it('COOP_DATABASE_URL alone moves only coop to PostgreSQL; the others stay on SQLite', () => {
    const config = loadConfig({ COOP_DATABASE_URL: PG_URL });
    expect(config.subgraphs.coop.database).toEqual({
      client: 'pg',
      connectionString: PG_URL,
      schema: 'coop',
      poolMax: 10,
    });
    for (const name of SUBGRAPH_NAMES.filter((n) => n !== 'coop')) {
      expect(config.subgraphs[name].database.client).toBe('sqlite');
    }
  });

  it('a sqlite: URL names the file', () => {
    const filename = path.resolve('/tmp/coop-test.sqlite');
    const config = loadConfig({ COOP_DATABASE_URL: `sqlite:${filename}` });
    expect(config.subgraphs.coop.database).toEqual({ client: 'sqlite', filename });
  });

  it('ports and URLs are configurable per service', () => {
    const config = loadConfig({
      GATEWAY_PORT: '8080',
      COOP_PORT: '9003',
      PRODUCTION_URL: 'http://production:4004/graphql',
    });
    expect(config.gateway.port).toBe(8080);
    expect(config.subgraphs.coop.port).toBe(9003);
    expect(config.subgraphs.coop.url).toBe(`http://${config.host}:9003/graphql`);
    expect(config.subgraphs.production.url).toBe('http://production:4004/graphql');
  });

  it('SUPPRESSION_K sets k', () => {
    expect(loadConfig({ SUPPRESSION_K: '10' }).suppressionK).toBe(10);
  });
});

describe('bad settings', () => {
  it.each([
    ['COOP_PORT', 'abc'],
    ['LEAGUE_PORT', '70000'],
    ['GATEWAY_PORT', '40.5'],
    ['SUPPRESSION_K', '0'],
    ['SUPPRESSION_K', '-3'],
    ['MAX_PAGE_SIZE', 'many'],
    ['LOG_LEVEL', 'loud'],
    ['COOP_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://x'],
    ['COOP_DATABASE_URL', 'mysql://x'],
  ])('%s=%s throws an error naming the variable', (variable, value) => {
    expect(configError({ [variable]: value })).toMatch(naming(variable));
  });

  it('does not blame a variable that was not set', () => {
    const message = configError({ COOP_DATABASE_URL: 'mysql://x' });
    for (const name of SUBGRAPH_NAMES.filter((n) => n !== 'coop')) {
      expect(message).not.toMatch(naming(`${name.toUpperCase()}_DATABASE_URL`));
    }
  });
});

describe('blank settings', () => {
  it('treats a blank variable as unset, so the default applies', () => {
    const config = loadConfig({ COOP_PORT: '', SUPPRESSION_K: ' ' });
    expect(config.subgraphs.coop.port).toBe(4003);
    expect(config.suppressionK).toBe(5);
  });

  it('names DATABASE_URL, not a per-subgraph variable, when only DATABASE_URL is bad', () => {
    const message = configError({ DATABASE_URL: 'mysql://x' });
    expect(message).toMatch(/Invalid configuration/);
    expect(message).not.toMatch(/_DATABASE_URL/);
  });
});

describe('connection pools', () => {
  it('sizes every PostgreSQL pool from DB_POOL_MAX', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/db', DB_POOL_MAX: '25' });
    for (const name of SUBGRAPH_NAMES) expect(config.subgraphs[name].database).toMatchObject({ poolMax: 25 });
  });
});
