import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate, MigrationError, migrationStatus, readMigrations } from '~/utils/migrations.server';
import { adminClient, dropDatabase } from '../setup/template-db';
import { databaseUrlFor } from '../setup/test-env';

// The runner against scratch databases of its own: empty ones, not the migrated template.

const created: string[] = [];
const tempDirs: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `conciliamo_mig_${randomBytes(5).toString('hex')}`;
  const admin = await adminClient();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  created.push(name);
  return databaseUrlFor(name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const rows = await query<{ exists: boolean }>(url, `SELECT to_regclass($1) IS NOT NULL AS exists`, [`"${table}"`]);
  return rows[0]?.exists ?? false;
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

function migrationRows(url: string): Promise<MigrationRow[]> {
  return query<MigrationRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`);
}

const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

// Each migration depends on the one before, so applying them out of order would fail.
const FIRST = `CREATE TABLE "Widget" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);\n`;
const SECOND = `ALTER TABLE "Widget" ADD COLUMN "colour" TEXT;\nINSERT INTO "Widget" ("name", "colour") VALUES ('primo', 'blu');\n`;
const THIRD = `CREATE TYPE "Size" AS ENUM ('S', 'M', 'L');\nALTER TABLE "Widget" ADD COLUMN "size" "Size";\n-- città: non-ASCII text must hash as UTF-8, as Prisma does\n`;

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'conciliamo-migrations-'));
  tempDirs.push(dir);
  await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  await mkdir(path.join(dir, 'notes')); // not a migration folder: ignored
  // Created newest first, so the order the runner uses cannot come from the directory listing.
  for (const [name, sql] of Object.entries(files).reverse()) await addMigration(dir, name, sql);
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

const THREE = {
  '20260101000000_widgets': FIRST,
  '20260102000000_widget_colour': SECOND,
  '20260103000000_widget_size': THIRD,
};

async function failure(promise: Promise<unknown>): Promise<MigrationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationError);
    return error as MigrationError;
  }
  throw new Error('expected the migration run to fail');
}

afterEach(async () => {
  while (tempDirs.length) await rm(tempDirs.pop()!, { recursive: true, force: true });
});

afterAll(async () => {
  for (const name of created) await dropDatabase(name);
});

describe('migration runner', () => {
  it('applies pending migrations in name order on an empty database', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir(THREE);
    const lines: string[] = [];
    const result = await migrate(url, { dir, log: (line) => lines.push(line) });
    expect(result.applied).toEqual(Object.keys(THREE));
    expect(result.alreadyApplied).toEqual([]);
    expect(lines).toEqual(Object.keys(THREE).map((n) => `Applying migration ${n}`));
    const widgets = await query<{ name: string; colour: string; size: string | null }>(url, `SELECT name, colour, size FROM "Widget"`);
    expect(widgets).toEqual([{ name: 'primo', colour: 'blu', size: null }]);
  });

  it('records each migration like Prisma: sha256 of the file, finished_at, one applied step', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir(THREE);
    const before = new Date(Date.now() - 1000);
    await migrate(url, { dir });
    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(Object.keys(THREE));
    for (const row of rows) {
      const sql = await readFile(path.join(dir, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.checksum).toBe(sha256(sql));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.started_at.getTime()).toBeGreaterThan(before.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
    }
    // Same columns and types as the table `prisma migrate deploy` creates.
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    ]);
  });

  it('is idempotent: a second run applies nothing', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir(THREE);
    await migrate(url, { dir });
    const again = await migrate(url, { dir });
    expect(again.applied).toEqual([]);
    expect([...again.alreadyApplied].sort()).toEqual(Object.keys(THREE));
    expect(await migrationRows(url)).toHaveLength(3);
    expect(await query(url, `SELECT * FROM "Widget"`)).toHaveLength(1);
  });

  it('applies only what was added since the last run', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir({ '20260101000000_widgets': FIRST });
    await migrate(url, { dir });
    await addMigration(dir, '20260102000000_widget_colour', SECOND);
    const result = await migrate(url, { dir });
    expect(result.applied).toEqual(['20260102000000_widget_colour']);
    expect(result.alreadyApplied).toEqual(['20260101000000_widgets']);
  });

  it('refuses an applied migration that was edited, and applies nothing else', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir({ '20260101000000_widgets': FIRST, '20260102000000_widget_colour': SECOND });
    await migrate(url, { dir });
    const edited = FIRST.replace('"name" TEXT NOT NULL', '"name" TEXT');
    await writeFile(path.join(dir, '20260101000000_widgets', 'migration.sql'), edited);
    await addMigration(dir, '20260103000000_widget_size', THIRD);

    const error = await failure(migrate(url, { dir }));
    expect(error.migrationName).toBe('20260101000000_widgets');
    expect(error.message).toContain('Migration 20260101000000_widgets was edited after it was applied');
    expect(error.message).toContain(sha256(FIRST).slice(0, 12));
    expect(error.message).toContain(sha256(edited).slice(0, 12));
    expect(error.message).toContain('Add a new migration instead of editing an applied one');
    expect((await migrationRows(url)).map((r) => r.migration_name)).toEqual([
      '20260101000000_widgets',
      '20260102000000_widget_colour',
    ]);
    expect(await tableExists(url, 'Size')).toBe(false);
    const types = await query(url, `SELECT 1 FROM pg_type WHERE typname = 'Size'`);
    expect(types).toHaveLength(0);

    const status = await migrationStatus(url, dir);
    expect(status.problem).toContain('was edited after it was applied');
    expect(status.pending).toEqual(['20260103000000_widget_size']);
  });

  it('refuses a database that has a migration the folder does not', async () => {
    const url = await emptyDatabase();
    const full = await migrationsDir({ '20260101000000_widgets': FIRST, '20260102000000_widget_colour': SECOND });
    await migrate(url, { dir: full });
    const older = await migrationsDir({ '20260101000000_widgets': FIRST });
    const error = await failure(migrate(url, { dir: older }));
    expect(error.message).toBe(
      'Migration 20260102000000_widget_colour is applied in the database but missing from prisma/migrations.',
    );
  });

  it('rolls a failing migration back completely: no table, no row, earlier ones kept', async () => {
    const url = await emptyDatabase();
    const broken = `CREATE TABLE "Gadget" ("id" SERIAL PRIMARY KEY);\nINSERT INTO "Gadget" DEFAULT VALUES;\nINSERT INTO "NoSuchTable" VALUES (1);\n`;
    const dir = await migrationsDir({
      '20260101000000_widgets': FIRST,
      '20260102000000_gadgets': broken,
      '20260103000000_widget_size': THIRD,
    });
    const error = await failure(migrate(url, { dir }));
    expect(error.migrationName).toBe('20260102000000_gadgets');
    expect(error.message).toMatch(/^Migration 20260102000000_gadgets failed and was rolled back: .*NoSuchTable/);
    expect(await tableExists(url, 'Widget')).toBe(true);
    expect(await tableExists(url, 'Gadget')).toBe(false);
    expect((await migrationRows(url)).map((r) => r.migration_name)).toEqual(['20260101000000_widgets']);
    // Nothing after the failure ran either.
    expect(await query(url, `SELECT 1 FROM pg_type WHERE typname = 'Size'`)).toHaveLength(0);

    // Fixed by hand, the same folder then applies cleanly: the failure left nothing to clean up.
    await writeFile(path.join(dir, '20260102000000_gadgets', 'migration.sql'), broken.replace(/INSERT INTO "NoSuchTable".*\n/, ''));
    const result = await migrate(url, { dir });
    expect(result.applied).toEqual(['20260102000000_gadgets', '20260103000000_widget_size']);
  });

  it('reports pending migrations, and all of them on a database never migrated', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir(THREE);
    expect(await migrationStatus(url, dir)).toEqual({ applied: [], pending: Object.keys(THREE), problem: undefined });
    expect(await tableExists(url, '_prisma_migrations')).toBe(false); // status only reads

    const partial = await migrationsDir({ '20260101000000_widgets': FIRST });
    await migrate(url, { dir: partial });
    expect(await migrationStatus(url, dir)).toEqual({
      applied: ['20260101000000_widgets'],
      pending: ['20260102000000_widget_colour', '20260103000000_widget_size'],
      problem: undefined,
    });
    await migrate(url, { dir });
    expect((await migrationStatus(url, dir)).pending).toEqual([]);
  });

  it('lets concurrent runners apply each migration exactly once', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsDir(THREE);
    const results = await Promise.all([migrate(url, { dir }), migrate(url, { dir }), migrate(url, { dir })]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(Object.keys(THREE));
    expect(await migrationRows(url)).toHaveLength(3);
  });

  it('applies the real prisma/migrations cleanly to an empty database', async () => {
    const url = await emptyDatabase();
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const result = await migrate(url);
    expect(result.applied).toEqual(files.map((f) => f.name));
    expect(await migrationStatus(url)).toEqual({ applied: files.map((f) => f.name), pending: [], problem: undefined });
    for (const table of ['Alliance', 'Organization', 'User', 'Membership', 'AuditEvent', 'OutboxEvent']) {
      expect(await tableExists(url, table), table).toBe(true);
    }
    const rows = await migrationRows(url);
    for (const file of files) {
      const sql = await readFile(path.resolve('prisma/migrations', file.name, 'migration.sql'), 'utf8');
      expect(rows.find((r) => r.migration_name === file.name)?.checksum).toBe(sha256(sql));
    }
  });
});
