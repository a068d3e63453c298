import pg from 'pg';
import { getEnv } from '~/utils/env.server';
import { logger } from '~/utils/logger.server';

// An in-process cache of public catalogue answers (search pages and the search form's choices),
// kept exact by PostgreSQL itself: catalogue_refresh_offering (the triggers' function) sends
// NOTIFY catalogue_changed, which PostgreSQL delivers when the changing transaction commits. Each
// web process LISTENs on one connection of its own and empties its cache on every notification.
//
//   - Only while LISTEN is up: a process that lost its listening connection does not cache (and
//     reconnects with backoff), so a missed notification can never leave a stale answer behind.
//   - A result computed while a notification arrived is returned but not kept (the epoch check):
//     it may come from a snapshot taken before the change.
//   - Concurrent requests for the same answer share one query.
//   - A time limit bounds what an entry can hold anyway (facets: the categories, alliances and
//     comuni change without a notification, so they are kept for a minute only).
//
// Nothing here is state a web process needs: dropping the cache only costs a query. Disabled with
// CATALOGUE_CACHE=off, and under NODE_ENV=test unless a test turns it on.

const CHANNEL = 'catalogue_changed';
const MAX_ENTRIES = 1_000;
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

interface Entry {
  value: unknown;
  expiresAt: number;
}

interface CacheState {
  enabled: boolean | null;
  listening: boolean;
  starting: Promise<void> | null;
  client: pg.Client | null;
  epoch: number;
  entries: Map<string, Entry>;
  inFlight: Map<string, { epoch: number; promise: Promise<unknown> }>;
  reconnectDelay: number;
  reconnectTimer: NodeJS.Timeout | null;
  stopped: boolean;
  hits: number;
  misses: number;
}

// On globalThis, like the Prisma client, so development rebuilds keep one listener.
const globalForCache = globalThis as unknown as { __conciliamoCatalogueCache?: CacheState };
const state: CacheState = (globalForCache.__conciliamoCatalogueCache ??= {
  enabled: null,
  listening: false,
  starting: null,
  client: null,
  epoch: 0,
  entries: new Map(),
  inFlight: new Map(),
  reconnectDelay: RECONNECT_MIN_MS,
  reconnectTimer: null,
  stopped: false,
  hits: 0,
  misses: 0,
});

function enabled(): boolean {
  if (state.enabled !== null) return state.enabled;
  return process.env.CATALOGUE_CACHE !== 'off' && process.env.NODE_ENV !== 'test';
}

function invalidate(): void {
  state.epoch++;
  state.entries.clear();
  state.inFlight.clear();
}

function scheduleReconnect(): void {
  if (state.stopped || state.reconnectTimer) return;
  const delay = state.reconnectDelay;
  state.reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS);
  state.reconnectTimer = setTimeout(() => {
    state.reconnectTimer = null;
    void startListening();
  }, delay);
  state.reconnectTimer.unref();
}

function startListening(): Promise<void> {
  if (state.listening || state.starting || state.stopped) return state.starting ?? Promise.resolve();
  state.starting = (async () => {
    const client = new pg.Client({ connectionString: getEnv().DATABASE_URL, connectionTimeoutMillis: 5_000 });
    const lost = (error?: Error) => {
      if (state.client !== client) return;
      state.client = null;
      state.listening = false;
      invalidate();
      if (error) logger.warn({ err: error.message }, 'catalogue cache: listening connection lost; caching paused');
      client.end().catch(() => undefined);
      scheduleReconnect();
    };
    try {
      client.on('notification', (message) => {
        if (message.channel === CHANNEL) invalidate();
      });
      client.on('error', lost);
      client.on('end', () => lost());
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Anything cached before this moment may have missed a notification.
      invalidate();
      state.client = client;
      state.listening = true;
      state.reconnectDelay = RECONNECT_MIN_MS;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'catalogue cache: cannot LISTEN; caching paused');
      client.end().catch(() => undefined);
      scheduleReconnect();
    } finally {
      state.starting = null;
    }
  })();
  return state.starting;
}

/**
 * The cached answer for `key`, or `compute()`'s (kept for `ttlSeconds` when nothing changed in
 * the meantime). Without a listening connection it simply computes.
 */
export async function cachedCatalogueAnswer<T>(key: string, ttlSeconds: number, compute: () => Promise<T>): Promise<T> {
  if (!enabled()) return compute();
  if (!state.listening) {
    void startListening();
    return compute();
  }
  const now = Date.now();
  const entry = state.entries.get(key);
  if (entry && entry.expiresAt > now) {
    state.hits++;
    return entry.value as T;
  }
  const pending = state.inFlight.get(key);
  if (pending && pending.epoch === state.epoch) {
    state.hits++;
    return pending.promise as Promise<T>;
  }
  state.misses++;
  const epoch = state.epoch;
  const promise = compute();
  state.inFlight.set(key, { epoch, promise });
  try {
    const value = await promise;
    if (state.listening && state.epoch === epoch) {
      if (state.entries.size >= MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value as string);
      state.entries.set(key, { value, expiresAt: now + ttlSeconds * 1000 });
    }
    return value;
  } finally {
    if (state.inFlight.get(key)?.promise === promise) state.inFlight.delete(key);
  }
}

/** Counters for the benchmark and tests. */
export function catalogueCacheStats() {
  return { enabled: enabled(), listening: state.listening, entries: state.entries.size, epoch: state.epoch, hits: state.hits, misses: state.misses };
}

/** Tests: turn the cache on (it is off under NODE_ENV=test) and wait until it listens. */
export async function enableCatalogueCacheForTests(): Promise<void> {
  state.enabled = true;
  state.stopped = false;
  await startListening();
}

/** Closes the listening connection and empties the cache (tests, shutdown). */
export async function stopCatalogueCache(): Promise<void> {
  state.stopped = true;
  if (state.reconnectTimer) clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  const client = state.client;
  state.client = null;
  state.listening = false;
  state.enabled = null;
  invalidate();
  await client?.end().catch(() => undefined);
}
