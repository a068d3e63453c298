import { z } from 'zod';

// Checked once at boot: a missing or malformed variable stops the process with a clear message
// instead of failing later on the first request that needs it.
const booleanish = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_URL: z.url().optional(),
    DATABASE_URL: z
      .string({ error: 'DATABASE_URL is required (postgresql://user:password@host:5432/database)' })
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgresql://'),
    // Outside production a local Redis is assumed (the CLI's database verbs never touch it).
    REDIS_URL: z
      .string({ error: 'REDIS_URL is required (redis://host:6379)' })
      .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
      .optional(),
    REDIS_KEY_PREFIX: z.string().default('conciliamo'),
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
    SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://').optional(),
    MAIL_FROM: z.string().default('Conciliamo <no-reply@conciliamo.localhost>'),
    STRIPE_SECRET_KEY: z.string().startsWith('sk_').optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
    STRIPE_API_BASE: z.url().optional(),
    STORAGE_DIR: z.string().default('.data/storage'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: booleanish,
    RATE_LIMIT_LOGIN_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().min(1).default(30),
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (!env.REDIS_URL) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'REDIS_URL is required in production (redis://host:6379)' });
      if (!env.SESSION_SECRET) ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'SESSION_SECRET is required in production' });
      if (!env.APP_URL) ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: 'APP_URL is required in production (the public https:// address, used in e-mails)' });
      if (!env.SMTP_URL) ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'SMTP_URL is required in production (e-mails cannot go to the local outbox)' });
    }
  });

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRET: string; APP_URL: string; REDIS_URL: string };

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee README.md, "Configuration".`);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const env = result.data;
  return {
    ...env,
    // Outside production a fixed development secret keeps sessions valid across restarts.
    SESSION_SECRET: env.SESSION_SECRET ?? 'development-only-session-secret-not-for-production',
    APP_URL: env.APP_URL ?? `http://localhost:${env.PORT}`,
    REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetEnvForTests(): void {
  cached = undefined;
}
