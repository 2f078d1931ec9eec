/**
 * COPY text escaping against a real PostgreSQL: awkward values sent through the synthetic
 * generator's COPY path (copyRow + copyIn on pg-copy-streams) come back exactly as sent.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRow } from '../../seeds/synthetic/copy-text.js';
import { copyIn } from '../../seeds/synthetic/postgres-writer.js';
import { postgresUnavailable, TEST_DATABASE_URL } from '../engines.js';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`COPY text round trip skipped: ${unavailable}`);

/** Each value once as text; the numbers go into a column of their own. */
const TEXTS: (string | null)[] = [
  'plain',
  '',
  null,
  '\\N',
  '\\.',
  'tab\there',
  'line\nbreak',
  'carriage\rreturn\r\n',
  'back\\slash\\',
  '\\t is not a tab',
  'Zürich ✓ 東京',
];

describe.skipIf(unavailable !== null)('COPY text on PostgreSQL', () => {
  const client = new pg.Client(TEST_DATABASE_URL);

  beforeAll(async () => {
    await client.connect();
    await client.query('create temporary table copied (position integer, text text, amount double precision)');
  });

  afterAll(() => client.end());

  it('stores every value exactly as sent', async () => {
    const payload = TEXTS.map((text, position) => copyRow([position, text, position + 0.25])).join('');
    await copyIn(client, 'copy copied (position, text, amount) from stdin', payload);
    const { rows } = await client.query('select position, text, amount from copied order by position');
    expect(rows).toEqual(TEXTS.map((text, position) => ({ position, text, amount: position + 0.25 })));
  });
});
