/**
 * The terminal of `npm start` (development) keeps what needs a look: readable lines, a request
 * that went well and fast at debug, an error or a slow request at info. Elsewhere every line is
 * one JSON object and every request stays at info, with its id, for log collectors.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, SLOW_REQUEST_MS } from '../../lib/logger.js';

/** A logger whose lines are collected, with the lines. */
function collected(level: string, development: boolean) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('coop', level, { development, destination }), lines };
}

const fast = { route: '/graphql', status: 200, ms: 3 };

describe('createLogger', () => {
  it('in development, writes readable lines and a fast successful request only at debug', () => {
    const { logger, lines } = collected('info', true);
    logger.info(fast, 'request');
    logger.info({ ...fast, status: 500 }, 'request');
    logger.info({ ...fast, ms: SLOW_REQUEST_MS + 1 }, 'request');
    logger.info({ signal: 'SIGINT' }, 'stopping');
    expect(
      lines.filter((line) => /^\S+ INFO/.test(line)).map((line) => line.replace(/^\S+ /, '').replace(/ \{.*$/, '')),
    ).toEqual(['INFO (coop): request', 'INFO (coop): request', 'INFO (coop): stopping']);
    expect(lines.join('\n')).toMatch(/"status":500[\s\S]*"ms":1001[\s\S]*"signal":"SIGINT"/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it('in development at debug, writes every request', () => {
    const { logger, lines } = collected('debug', true);
    logger.info(fast, 'request');
    expect(lines[0]).toMatch(/DEBUG \(coop\): request/);
  });

  it('elsewhere, writes one JSON object a line and every request at info', () => {
    const { logger, lines } = collected('info', false);
    logger.info(fast, 'request');
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { level: 30, service: 'coop', msg: 'request', status: 200 },
    ]);
  });
});
