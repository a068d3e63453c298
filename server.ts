// The web process: Express serving the Remix build, static assets (including the Designers
// Italia kit from node_modules: no CDN), one pino log line per request, security headers.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { checkRedisEvictionPolicy } from '~/jobs/redis-policy.server';
import { disconnectDb, getDb } from '~/utils/db.server';
import { EnvError, getEnv } from '~/utils/env.server';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from '~/utils/http.server';
import { logger } from '~/utils/logger.server';
import { migrationStatus } from '~/utils/migrations.server';
import { disconnectRedis, getRedis } from '~/utils/redis.server';
import { contentSecurityPolicy, isCrossSiteWrite, loggablePath } from '~/utils/server-headers.server';

const root = process.cwd();
const buildPath = path.join(root, 'build/index.js');

function fail(message: string): never {
  logger.fatal(message);
  console.error(`\n${message}\n`);
  process.exit(1);
}

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  if (!existsSync(buildPath)) fail('The Remix build is missing (build/index.js). Run `npm run build` or `npm start`.');

  const dbUrl = new URL(env.DATABASE_URL);
  try {
    await getDb().$queryRawUnsafe('SELECT 1');
  } catch (error) {
    fail(`PostgreSQL is not reachable at ${dbUrl.hostname}:${dbUrl.port || 5432} (${(error as Error).message}). Start it or fix DATABASE_URL.`);
  }
  const status = await migrationStatus(env.DATABASE_URL);
  if (status.problem) fail(`Database migrations problem: ${status.problem}`);
  if (status.pending.length) fail(`The database has ${status.pending.length} pending migration(s). Run \`npx conciliamo db migrate\`.`);

  // Pages keep working without Redis; only rate limits fall back and jobs wait in the outbox.
  const redis = getRedis();
  // The web connection has no offline queue: wait until it is ready before the first command.
  new Promise<void>((resolve, reject) => {
    if (redis.status === 'ready') return resolve();
    const timer = setTimeout(() => reject(new Error(`not ready after 3 s (status ${redis.status})`)), 3_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  })
    .then(() => redis.ping())
    .then(() => checkRedisEvictionPolicy(redis, logger))
    .catch((error: Error) => logger.warn({ err: error.message }, 'Redis is not reachable at boot; continuing (jobs wait in the outbox)'));

  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  const app = express();
  app.disable('x-powered-by');
  if (env.TRUST_PROXY) app.set('trust proxy', true);
  app.use(compression());

  app.use((req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const requestId = incoming && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    req.headers[REQUEST_ID_HEADER] = requestId;
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce, env.NODE_ENV));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Permissions-Policy', 'camera=(self), geolocation=(), microphone=()');
    if (env.NODE_ENV === 'production') res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const started = process.hrtime.bigint();
    if (
      isCrossSiteWrite({
        method: req.method,
        origin: req.get('origin'),
        secFetchSite: req.get('sec-fetch-site'),
        host: req.get('host'),
        appUrl: env.APP_URL,
      })
    ) {
      logger.warn({ requestId, method: req.method, path: loggablePath(req.path) }, 'cross-site write refused');
      res.status(403).type('text/plain').send('Cross-site request refused');
      return;
    }
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (req.path.startsWith('/build/') || req.path.startsWith('/vendor/')) return;
      logger.info(
        { requestId, method: req.method, path: loggablePath(req.path), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  });

  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  const kitVersion = (await import('bootstrap-italia/package.json', { with: { type: 'json' } })).default.version as string;
  app.use(
    `/vendor/bootstrap-italia/${kitVersion}`,
    express.static(path.join(root, 'node_modules/bootstrap-italia/dist'), { immutable: true, maxAge: '1y', index: false }),
  );
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h', index: false }));

  app.all(
    '*',
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string, kitVersion }),
    }),
  );

  const server = app.listen(env.PORT, () => {
    logger.info({ port: env.PORT, url: env.APP_URL }, 'web server listening');
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`Port ${env.PORT} is already in use. Set PORT to another port.`);
    fail(`Web server error: ${error.message}`);
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down web server');
    server.close(async () => {
      await Promise.allSettled([disconnectDb(), disconnectRedis()]);
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'web server failed to start');
  console.error(error);
  process.exit(1);
});
