import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env.server';

const base = { DATABASE_URL: 'postgresql://localhost:5432/conciliamo' };

describe('parseEnv', () => {
  it('fills development defaults', () => {
    const env = parseEnv(base);
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.APP_URL).toBe('http://localhost:3000');
  });

  it('names every missing or malformed variable', () => {
    expect(() => parseEnv({})).toThrow(/DATABASE_URL: DATABASE_URL is required/);
    expect(() => parseEnv({ ...base, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL must start with redis:\/\//);
    expect(() => parseEnv({ ...base, PORT: 'abc' })).toThrow(EnvError);
  });

  it('demands the production settings in production', () => {
    const error = (() => {
      try {
        parseEnv({ ...base, NODE_ENV: 'production' });
      } catch (e) {
        return e as EnvError;
      }
      throw new Error('expected a failure');
    })();
    expect(error.problems.join('\n')).toMatch(/SESSION_SECRET/);
    expect(error.problems.join('\n')).toMatch(/APP_URL/);
    expect(error.problems.join('\n')).toMatch(/SMTP_URL/);
    expect(error.problems.join('\n')).toMatch(/REDIS_URL/);
  });
});
