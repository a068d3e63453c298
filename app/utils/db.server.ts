import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '~/generated/prisma/client';
import { getEnv } from './env.server';

export type Db = PrismaClient;
/** A client or the client handed to an interactive transaction callback. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export function createDb(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

// One client per process; kept on globalThis so dev rebuilds do not open a new pool each time.
const globalForDb = globalThis as unknown as { __conciliamoDb?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.__conciliamoDb ??= createDb(getEnv().DATABASE_URL);
  return globalForDb.__conciliamoDb;
}

export async function disconnectDb(): Promise<void> {
  const db = globalForDb.__conciliamoDb;
  globalForDb.__conciliamoDb = undefined;
  await db?.$disconnect();
}
