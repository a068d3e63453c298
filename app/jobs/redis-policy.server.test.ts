import { describe, expect, it, vi } from 'vitest';
import { checkRedisEvictionPolicy, parseMaxmemoryPolicy } from './redis-policy.server';

const info = (policy: string) => `# Memory\r\nused_memory:1000\r\nmaxmemory:0\r\nmaxmemory_policy:${policy}\r\nallocator_frag_ratio:1.0\r\n`;

function fakeLogger() {
  return { warn: vi.fn(), info: vi.fn() };
}

describe('parseMaxmemoryPolicy', () => {
  it('reads the policy from INFO memory', () => {
    expect(parseMaxmemoryPolicy(info('noeviction'))).toBe('noeviction');
    expect(parseMaxmemoryPolicy(info('allkeys-lru'))).toBe('allkeys-lru');
    expect(parseMaxmemoryPolicy('# Memory\r\nused_memory:1\r\n')).toBeNull();
  });
});

describe('checkRedisEvictionPolicy', () => {
  it('is quiet about noeviction', async () => {
    const log = fakeLogger();
    const result = await checkRedisEvictionPolicy({ info: async () => info('noeviction') } as never, log as never);
    expect(result).toEqual({ ok: true, policy: 'noeviction' });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('warns about an evicting policy, naming it', async () => {
    const log = fakeLogger();
    const result = await checkRedisEvictionPolicy({ info: async () => info('allkeys-lru') } as never, log as never);
    expect(result).toEqual({ ok: false, policy: 'allkeys-lru', reason: 'evicting-policy' });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(String(log.warn.mock.calls[0]?.[1])).toContain('noeviction');
  });

  it('warns and does not throw when Redis cannot be asked', async () => {
    const log = fakeLogger();
    const result = await checkRedisEvictionPolicy(
      { info: async () => Promise.reject(new Error('NOPERM')) } as never,
      log as never,
    );
    expect(result).toEqual({ ok: false, policy: null, reason: 'unknown' });
    expect(log.warn).toHaveBeenCalledTimes(1);
  });
});
