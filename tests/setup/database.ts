import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { disconnectDb, getDb } from '~/utils/db.server';
import { resetEnvForTests } from '~/utils/env.server';
import { createDatabaseFromTemplate, dropDatabase, ensureTemplateDatabase } from './template-db';
import { TEST_REDIS_URL } from './test-env';

export interface TestContext {
  databaseName: string;
  databaseUrl: string;
  redisPrefix: string;
}

/**
 * Gives the calling test file its own migrated database (cloned from the template) and its own
 * Redis key prefix, and points the app's env at them. Call once at the top of a test file.
 */
export function useTestDatabase(): TestContext {
  const id = randomBytes(5).toString('hex');
  const ctx: TestContext = {
    databaseName: `conciliamo_t_${id}`,
    databaseUrl: '',
    redisPrefix: `test:${id}`,
  };
  beforeAll(async () => {
    const template = await ensureTemplateDatabase();
    ctx.databaseUrl = await createDatabaseFromTemplate(ctx.databaseName, template);
    process.env.DATABASE_URL = ctx.databaseUrl;
    process.env.REDIS_URL = TEST_REDIS_URL;
    process.env.REDIS_KEY_PREFIX = ctx.redisPrefix;
    process.env.NODE_ENV = 'test';
    process.env.LOG_LEVEL ??= 'silent';
    resetEnvForTests();
  });
  afterAll(async () => {
    await disconnectDb();
    await dropDatabase(ctx.databaseName);
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${ctx.redisPrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch {
      // Redis may be deliberately stopped by a test; nothing to clean then.
    } finally {
      redis.disconnect();
    }
  });
  return ctx;
}

export { getDb };
