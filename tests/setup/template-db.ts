import { createHash } from 'node:crypto';
import pg from 'pg';
import { migrate, readMigrations } from '~/utils/migrations.server';
import { databaseUrlFor, TEST_ADMIN_DATABASE_URL } from './test-env';

// Each test file gets a database cloned from a migrated template. The template's name carries a
// hash of the migrations, so concurrent runs (and edited migrations) never drop one in use.
export async function templateDatabaseName(): Promise<string> {
  const files = await readMigrations();
  const hash = createHash('sha256')
    .update(files.map((f) => `${f.name}:${f.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `conciliamo_tpl_${hash}`;
}

export async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await client.connect();
  return client;
}

export async function ensureTemplateDatabase(): Promise<string> {
  const name = await templateDatabaseName();
  const admin = await adminClient();
  try {
    await admin.query('SELECT pg_advisory_lock(7270001)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const building = `${name}_build`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await migrate(databaseUrlFor(building));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7270001)').catch(() => undefined);
    await admin.end();
  }
}

export async function createDatabaseFromTemplate(name: string, template: string): Promise<string> {
  const admin = await adminClient();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  return databaseUrlFor(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = await adminClient();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

void TEST_ADMIN_DATABASE_URL;
