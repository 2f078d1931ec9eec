import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';

/** One Redis connection per gateway, shared by rate limits and the response cache. */
export interface SharedRedis {
  client: Redis;
  /** Resolves once Redis answers, or after a short wait: callers fall back while it is away. */
  ready: Promise<void>;
  close(): void;
}

/** Connects without blocking start-up for long: a slow or absent Redis degrades, it does not stop the gateway. */
export function connectRedis(url: string, logger: Logger): SharedRedis {
  // Commands wait for the connection, but never long.
  const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500 });
  client.on('error', (error: Error) => logger.warn({ err: error }, 'redis unavailable'));
  const ready = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { client, ready, close: () => client.disconnect() };
}
