import crypto from 'node:crypto';
import type http from 'node:http';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Refusal } from '../lib/http.js';
import type { Logger } from '../lib/logger.js';

export interface RateLimiter {
  /** Resolves once the shared store answers (or after a short wait, when the in-memory stand-in serves). */
  ready: Promise<void>;
  /** Counts a request against its client address and its token; a refusal once either is spent. */
  admit(req: http.IncomingMessage): Promise<Refusal | null>;
  close(): Promise<void>;
}

const WINDOW_SECONDS = 60;

/**
 * Per-minute limits per client address and per bearer token. With Redis the counters are
 * shared by every gateway instance; if Redis fails, an in-memory limiter stands in.
 */
export function createRateLimiter(options: { perMinute: number; redisUrl?: string; logger: Logger }): RateLimiter {
  if (options.perMinute === 0) return { ready: Promise.resolve(), admit: async () => null, close: async () => {} };
  const settings = { points: options.perMinute, duration: WINDOW_SECONDS, keyPrefix: 'commons-rl' };
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract;
  let ready = Promise.resolve();
  if (options.redisUrl) {
    // Commands wait for the connection but never long: a slow or absent Redis hands over to memory.
    redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 500 });
    redis.on('error', (error: Error) => options.logger.warn({ err: error }, 'rate-limit store unavailable'));
    limiter = new RateLimiterRedis({
      ...settings,
      storeClient: redis,
      insuranceLimiter: new RateLimiterMemory(settings),
    });
  } else {
    limiter = new RateLimiterMemory(settings);
  }

  return {
    ready,
    async admit(req) {
      const keys = [`addr:${req.socket.remoteAddress ?? 'unknown'}`];
      const authorization = req.headers.authorization;
      if (authorization)
        keys.push(`token:${crypto.createHash('sha256').update(authorization).digest('hex').slice(0, 32)}`);
      try {
        await Promise.all(keys.map((key) => limiter.consume(key)));
        return null;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        return {
          status: 429,
          reason: 'rate_limit',
          message: `Rate limit of ${options.perMinute} requests per minute exceeded; retry in ${retryAfter} s.`,
          headers: { 'retry-after': String(retryAfter) },
        };
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}
