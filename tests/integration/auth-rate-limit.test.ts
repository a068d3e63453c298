import { InvalidCredentials, login } from '~/domain/auth/auth.server';
import {
  claimOnce,
  consumeRateLimit,
  peekRateLimit,
  RateLimitStoreUnavailable,
  releaseRateLimit,
  resetRateLimit,
} from '~/domain/rate-limit/rate-limit.server';
import { resetEnvForTests } from '~/utils/env.server';
import { RateLimited } from '~/utils/errors.server';
import { disconnectRedis, getRedis, redisKey } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createTenant, createUser, PASSWORD, type Tenant, uniqueEmail } from './auth-fixtures';

// Small limits keep the file fast; the code reads them from the environment like in production.
process.env.RATE_LIMIT_LOGIN_PER_ACCOUNT = '3';
process.env.RATE_LIMIT_LOGIN_PER_IP = '5';
process.env.RATE_LIMIT_WINDOW_SECONDS = '600';

const ctx = useTestDatabase();

let tenant: Tenant;
beforeAll(async () => {
  tenant = await createTenant(getDb());
});
afterAll(async () => {
  await disconnectRedis();
});

async function employee() {
  return createUser(getDb(), { email: uniqueEmail('rl'), memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
}

function attempt(email: string, password: string, ip: string) {
  return login(getDb(), { email, password, ipAddress: ip }).then(
    () => 'ok' as const,
    (error: unknown) => {
      if (error instanceof RateLimited) return 'limited' as const;
      if (error instanceof InvalidCredentials) return 'invalid' as const;
      throw error;
    },
  );
}

describe('consumeRateLimit', () => {
  it('allows `limit` attempts, refuses the next with the seconds left in the window', async () => {
    const rule = { key: `test:${Math.random()}`, limit: 2, windowSeconds: 120 };
    expect((await consumeRateLimit(rule)).remaining).toBe(1);
    expect((await consumeRateLimit(rule)).remaining).toBe(0);
    const error = await consumeRateLimit(rule).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterSeconds).toBeGreaterThan(115);
    expect((error as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(120);
    const ttl = await getRedis().ttl(redisKey('rate-limit', rule.key));
    expect(ttl).toBeGreaterThan(0);
    expect(redisKey('rate-limit', rule.key).startsWith(`${ctx.redisPrefix}:`)).toBe(true);
  });

  it('is atomic under concurrency: exactly `limit` of many parallel attempts pass', async () => {
    const rule = { key: `test:${Math.random()}`, limit: 7, windowSeconds: 60 };
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => consumeRateLimit(rule)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
  });

  it('can be peeked, released and reset', async () => {
    const rule = { key: `test:${Math.random()}`, limit: 1, windowSeconds: 60 };
    expect((await peekRateLimit(rule)).exceeded).toBe(false);
    await consumeRateLimit(rule);
    expect((await peekRateLimit(rule)).exceeded).toBe(true);
    await releaseRateLimit(rule.key);
    await expect(consumeRateLimit(rule)).resolves.toMatchObject({ count: 1 });
    await resetRateLimit(rule.key);
    await expect(consumeRateLimit(rule)).resolves.toMatchObject({ count: 1 });
    // Releasing a key that does not exist must not create a negative counter.
    await releaseRateLimit(`${rule.key}:absent`);
    expect(await getRedis().exists(redisKey('rate-limit', `${rule.key}:absent`))).toBe(0);
  });

  it('claims a one-time marker once', async () => {
    const key = `test-once:${Math.random()}`;
    expect(await claimOnce(key, 30)).toBe(true);
    expect(await claimOnce(key, 30)).toBe(false);
  });
});

describe('login rate limits (Redis)', () => {
  it('per account: after 3 failures even the right password is refused; another account is unaffected', async () => {
    const victim = await employee();
    const bystander = await employee();
    const ips = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];
    for (const ip of ips.slice(0, 3)) expect(await attempt(victim.user.email, 'wrong-password-here', ip)).toBe('invalid');
    // Counted in Redis (not by the PostgreSQL fallback).
    expect(await getRedis().get(redisKey('rate-limit', 'login:ip:192.0.2.1'))).toBe('1');
    const refused = await login(getDb(), { email: victim.user.email, password: PASSWORD, ipAddress: ips[3] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterSeconds).toBeGreaterThan(590);
    expect(await attempt(bystander.user.email, PASSWORD, ips[3]!)).toBe('ok');
  });

  it('per account also for an address that does not exist (no enumeration through the limit)', async () => {
    const ghost = uniqueEmail('fantasma');
    for (let i = 0; i < 3; i += 1) expect(await attempt(ghost, 'whatever-password', `192.0.2.${10 + i}`)).toBe('invalid');
    expect(await attempt(ghost, 'whatever-password', '192.0.2.20')).toBe('limited');
  });

  it('a successful login clears the account’s failures', async () => {
    const { user } = await employee();
    expect(await attempt(user.email, 'wrong-password-here', '192.0.2.30')).toBe('invalid');
    expect(await attempt(user.email, 'wrong-password-here', '192.0.2.30')).toBe('invalid');
    expect(await attempt(user.email, PASSWORD, '192.0.2.30')).toBe('ok');
    expect(await attempt(user.email, 'wrong-password-here', '192.0.2.30')).toBe('invalid');
    expect(await attempt(user.email, 'wrong-password-here', '192.0.2.30')).toBe('invalid');
    expect(await attempt(user.email, PASSWORD, '192.0.2.30')).toBe('ok');
  });

  it('per IP: after 5 failures from one address (on several accounts) the 6th attempt is refused, right password or not', async () => {
    const ip = '192.0.2.40';
    const target = await employee();
    for (let i = 0; i < 5; i += 1) expect(await attempt(uniqueEmail(`spray${i}`), 'some-guess-123', ip)).toBe('invalid');
    expect(await attempt(target.user.email, PASSWORD, ip)).toBe('limited');
    expect(await attempt(target.user.email, PASSWORD, '192.0.2.41')).toBe('ok');
  });

  it('successful logins do not use up the IP’s allowance (an office behind one address)', async () => {
    const ip = '192.0.2.50';
    for (let i = 0; i < 7; i += 1) {
      const { user } = await employee();
      expect(await attempt(user.email, PASSWORD, ip)).toBe('ok');
    }
    expect(await getRedis().exists(redisKey('rate-limit', `login:ip:${ip}`))).toBe(0);
  });
});

describe('login rate limits with Redis down', () => {
  let workingRedisUrl: string | undefined;

  beforeAll(async () => {
    workingRedisUrl = process.env.REDIS_URL;
    // A closed port: every Redis command fails at once (the web connection has no offline queue).
    process.env.REDIS_URL = 'redis://127.0.0.1:9';
    resetEnvForTests();
    await disconnectRedis();
  });
  afterAll(async () => {
    process.env.REDIS_URL = workingRedisUrl;
    resetEnvForTests();
    await disconnectRedis();
  });

  it('the generic limiter reports the store as unavailable instead of allowing silently', async () => {
    await expect(consumeRateLimit({ key: 'x', limit: 1, windowSeconds: 60 })).rejects.toBeInstanceOf(RateLimitStoreUnavailable);
  });

  it('login still works, and failures counted in PostgreSQL still stop guessing', async () => {
    const { user } = await employee();
    expect(await attempt(user.email, PASSWORD, '192.0.2.60')).toBe('ok');
    for (let i = 0; i < 3; i += 1) expect(await attempt(user.email, 'wrong-password-here', `192.0.2.${61 + i}`)).toBe('invalid');
    const refused = await login(getDb(), { email: user.email, password: PASSWORD, ipAddress: '192.0.2.70' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterSeconds).toBeGreaterThan(590);
  });

  it('counts unknown addresses and IPs in PostgreSQL too', async () => {
    const ghost = uniqueEmail('fantasma-pg');
    for (let i = 0; i < 3; i += 1) expect(await attempt(ghost, 'whatever-password', `192.0.2.${80 + i}`)).toBe('invalid');
    expect(await attempt(ghost, 'whatever-password', '192.0.2.90')).toBe('limited');

    const ip = '192.0.2.100';
    const target = await employee();
    for (let i = 0; i < 5; i += 1) expect(await attempt(uniqueEmail(`pg-spray${i}`), 'some-guess-123', ip)).toBe('invalid');
    expect(await attempt(target.user.email, PASSWORD, ip)).toBe('limited');
  });
});
