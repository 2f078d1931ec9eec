import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import { ErrorsAreMissesCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';
import type { GatewayContext } from './datasource.js';

const PREFIX = 'commons-rc:';

/**
 * Variables nested deeper than this are not cached. Apollo's cache key is JSON.stringify of the
 * variables, which recurses and overflows the stack long before a body limit stops a deep value;
 * no variable of this schema nests anywhere near this deep.
 */
export const MAX_CACHED_VARIABLE_DEPTH = 32;

/** Apollo's cache interface over the gateway's Redis connection; entries expire with their max-age. */
class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly maxValueBytes: number,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(PREFIX + key)) ?? undefined;
  }

  /** Stores an entry, unless it is larger than an answer may be: such an answer is never served, so never kept. */
  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (Buffer.byteLength(value) > this.maxValueBytes) return;
    if (options?.ttl) await this.redis.set(PREFIX + key, value, 'EX', Math.ceil(options.ttl));
    else await this.redis.set(PREFIX + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(PREFIX + key)) > 0;
  }
}

/** True when `value` nests no deeper than `maxDepth` objects or arrays; walked without recursion, so any depth is safe to ask about. */
export function nestsAtMost(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= maxDepth) return false;
    for (const item of Object.values(next.value)) pending.push({ value: item, depth: next.depth + 1 });
  }
  return true;
}

/**
 * Whole-response cache shared by every gateway instance through Redis. Only public reads
 * are cached (never a request carrying a token, never a mutation), each for the max-age its
 * subgraphs stated, so a figure changed by an ingest is never served past that age. Requests
 * whose variables nest too deep for a cache key are answered uncached, and no entry larger than
 * `maxAnswerBytes` is stored. A Redis failure is a cache miss, not an error.
 */
export function responseCache(redis: Redis, maxAnswerBytes: number): ApolloServerPlugin<GatewayContext> {
  const cacheable = async ({ contextValue, request }: GraphQLRequestContext<GatewayContext>) =>
    !contextValue.authorization && nestsAtMost(request.variables ?? {}, MAX_CACHED_VARIABLE_DEPTH);
  return ApolloServerPluginResponseCache<GatewayContext>({
    // The entry holds the answer and a small envelope (cache policy, time).
    cache: new ErrorsAreMissesCache(new RedisKeyValueCache(redis, maxAnswerBytes + 200)),
    shouldReadFromCache: cacheable,
    shouldWriteToCache: cacheable,
  }) as unknown as ApolloServerPlugin<GatewayContext>;
}
