import type { ApolloServerPlugin } from '@apollo/server';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import { ErrorsAreMissesCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';
import type { GatewayContext } from './datasource.js';

const PREFIX = 'commons-rc:';

/** Apollo's cache interface over the gateway's Redis connection; entries expire with their max-age. */
class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(private readonly redis: Redis) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(PREFIX + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (options?.ttl) await this.redis.set(PREFIX + key, value, 'EX', Math.ceil(options.ttl));
    else await this.redis.set(PREFIX + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(PREFIX + key)) > 0;
  }
}

/**
 * Whole-response cache shared by every gateway instance through Redis. Only public reads
 * are cached (never a request carrying a token, never a mutation), each for the max-age its
 * subgraphs stated, so a figure changed by an ingest is never served past that age. A Redis
 * failure is a cache miss, not an error.
 */
export function responseCache(redis: Redis): ApolloServerPlugin<GatewayContext> {
  const isPublic = async ({ contextValue }: { contextValue: GatewayContext }) => !contextValue.authorization;
  return ApolloServerPluginResponseCache({
    cache: new ErrorsAreMissesCache(new RedisKeyValueCache(redis)),
    shouldReadFromCache: isPublic,
    shouldWriteToCache: isPublic,
  }) as unknown as ApolloServerPlugin<GatewayContext>;
}
