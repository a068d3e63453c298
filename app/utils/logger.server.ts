import pino from 'pino';

// JSON lines on stdout. Redaction is a safety net: code must not log personal data or secrets
// in the first place (ids, not names or e-mails).
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.CONCILIAMO_PROCESS ?? 'web' },
  redact: {
    paths: [
      'password',
      '*.password',
      'token',
      '*.token',
      'authorization',
      'cookie',
      'req.headers.authorization',
      'req.headers.cookie',
      'email',
      '*.email',
      'secret',
      '*.secret',
    ],
    censor: '[redacted]',
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = typeof logger;
