import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

// Applies prisma/migrations/* in order and records them in _prisma_migrations exactly as
// `prisma migrate deploy` does (same table, same sha256 checksums), so Prisma's own tooling
// agrees with us wherever the schema engine is available.

export const MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Any fixed number works; all runners (CLI, web boot, tests) take the same lock.
const MIGRATION_LOCK_ID = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    public readonly migrationName?: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

// Every entry point (npm scripts, CLI, tests) runs from the repository root.
export const DEFAULT_MIGRATIONS_DIR = path.resolve(process.cwd(), 'prisma/migrations');

export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function appliedMigrations(client: pg.ClientBase): Promise<AppliedRow[]> {
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.filter((r) => r.rolled_back_at === null);
}

/** Refuses to go on when an applied migration was edited or a previous run failed half-way. */
function checkHistory(files: MigrationFile[], applied: AppliedRow[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of applied) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but did not finish. Fix the database by hand, then delete its row from _prisma_migrations.`,
        row.migration_name,
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        `Migration ${row.migration_name} is applied in the database but missing from prisma/migrations.`,
        row.migration_name,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.migration_name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Add a new migration instead of editing an applied one.`,
        row.migration_name,
      );
    }
  }
}

export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrationResult> {
  const files = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(MIGRATIONS_TABLE_SQL);
    const applied = await appliedMigrations(client);
    checkHistory(files, applied);
    const appliedNames = new Set(applied.map((a) => a.migration_name));
    const result: MigrationResult = { applied: [], alreadyApplied: [...appliedNames] };
    for (const file of files) {
      if (appliedNames.has(file.name)) continue;
      options.log?.(`Applying migration ${file.name}`);
      const id = randomUUID();
      // The migration and its record commit together: a failure leaves neither behind.
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
          [id, file.checksum, file.name],
        );
        await client.query(file.sql);
        await client.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        const message = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${message}`, file.name);
      }
      result.applied.push(file.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

export interface MigrationStatus {
  pending: string[];
  applied: string[];
  problem?: string;
}

export async function migrationStatus(databaseUrl: string, dir?: string): Promise<MigrationStatus> {
  const files = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
    const applied = rows[0]?.exists ? await appliedMigrations(client) : [];
    let problem: string | undefined;
    try {
      checkHistory(files, applied);
    } catch (error) {
      problem = (error as Error).message;
    }
    const appliedNames = new Set(applied.map((a) => a.migration_name));
    return {
      applied: [...appliedNames],
      pending: files.filter((f) => !appliedNames.has(f.name)).map((f) => f.name),
      problem,
    };
  } finally {
    await client.end();
  }
}
