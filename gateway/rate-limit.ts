import crypto from 'node:crypto';
import type http from 'node:http';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Refusal } from '../lib/http.js';

/** Counts a request against its client address and its token; a refusal once either is spent. */
export type RateLimiter = (req: http.IncomingMessage) => Promise<Refusal | null>;

const WINDOW_SECONDS = 60;

/**
 * Per-minute limits per client address and per bearer token. With Redis the counters are
 * shared by every gateway instance; if Redis fails, an in-memory limiter stands in.
 */
export function createRateLimiter(perMinute: number, redis?: Redis): RateLimiter {
  if (perMinute === 0) return async () => null;
  const settings = { points: perMinute, duration: WINDOW_SECONDS, keyPrefix: 'commons-rl' };
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ ...settings, storeClient: redis, insuranceLimiter: new RateLimiterMemory(settings) })
    : new RateLimiterMemory(settings);

  return async (req) => {
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
        message: `Rate limit of ${perMinute} requests per minute exceeded; retry in ${retryAfter} s.`,
        headers: { 'retry-after': String(retryAfter) },
      };
    }
  };
}
