/**
 * @module redis/recovery-lua
 * A Lua script run by its SHA-1 (`EVALSHA`: the body crosses the network once per Redis process),
 * falling back to `EVAL` when Redis does not know it yet (first use, or after a restart).
 */
import { createHash } from 'node:crypto';
import type { RedisDriver, RedisReply } from './redis-driver';

/** One script, loaded on demand. */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly body: string) {
    this.sha = createHash('sha1').update(body).digest('hex');
  }

  /** Runs it with `keys` and `args`: one round trip, two the first time a Redis process sees it. */
  async run(driver: RedisDriver, keys: readonly string[], args: readonly string[]): Promise<RedisReply> {
    const rest = [String(keys.length), ...keys, ...args];
    try {
      return await driver.command(['EVALSHA', this.sha, ...rest]);
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      return driver.command(['EVAL', this.body, ...rest]);
    }
  }
}
