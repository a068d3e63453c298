import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createDb, type Db } from '~/utils/db.server';

// What every command gets: where to write, the repository root, and a database client created
// on first use (so `--help` and usage errors never open a connection) and closed at the end.

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Wrong or missing arguments: exit code 2, like commander's own usage errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Environment as the CLI reads it (process.env, or a plain object in tests). */
export type CliEnv = Record<string, string | undefined>;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma/migrations');
export const SCHEMA_PATH = path.join(REPO_ROOT, 'prisma/schema.prisma');

const DATABASE_URL_HELP = 'DATABASE_URL is required (postgresql://user:password@host:5432/database)';

export function databaseUrlFromEnv(env: CliEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) throw new CliError(DATABASE_URL_HELP);
  if (!/^postgres(ql)?:\/\//.test(url)) throw new CliError('DATABASE_URL must start with postgresql://');
  return url;
}

/** host:port/database of a connection string, without the password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}

export class CliContext {
  private client: Db | undefined;

  constructor(
    public readonly io: CliIo = processIo,
    public readonly env: CliEnv = process.env,
  ) {}

  databaseUrl(): string {
    return databaseUrlFromEnv(this.env);
  }

  db(): Db {
    // Two connections are plenty for one command; the web app's pool size would be waste.
    this.client ??= createDb(this.databaseUrl(), { max: 2 });
    return this.client;
  }

  print(line = ''): void {
    this.io.stdout(`${line}\n`);
  }

  printJson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  warn(line: string): void {
    this.io.stderr(`${line}\n`);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.$disconnect();
  }
}

/** Fixed-width columns for human output; --json is the format for scripts. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
