import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { adminClient, dropDatabase } from '../setup/template-db';
import { databaseUrlFor } from '../setup/test-env';
import { getDb, useTestDatabase } from '../setup/database';

const ctx = useTestDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/conciliamo.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// A database this file creates empty, to migrate from scratch.
const emptyName = `conciliamo_t_cli_${randomBytes(4).toString('hex')}`;
const emptyUrl = databaseUrlFor(emptyName);

beforeAll(async () => {
  const admin = await adminClient();
  try {
    await admin.query(`CREATE DATABASE "${emptyName}"`);
  } finally {
    await admin.end();
  }
});
afterAll(async () => {
  await dropDatabase(emptyName);
});

describe('conciliamo --help', () => {
  it('exits 0 and lists the verbs', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const verb of ['db', 'users', 'api-keys']) expect(result.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    expect(result.stdout).toContain('Examples:');
  });

  it('documents every subcommand with an example', async () => {
    const db = await runCli(['db', '--help']);
    expect(db.code).toBe(0);
    for (const verb of ['migrate', 'status', 'check', 'seed']) expect(db.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    for (const args of [['db', 'seed', '--help'], ['users', 'invite', '--help'], ['api-keys', 'create', '--help'], ['api-keys', 'revoke', '--help']]) {
      const help = await runCli(args);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/Example/);
      expect(help.stdout).toContain('--');
    }
  });

  it('exits 2 on usage errors: no command, unknown command, unknown option', async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: conciliamo');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOption = await runCli(['db', 'migrate', '--fast']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--fast'");
  });
});

describe('conciliamo db migrate / status', () => {
  it('applies the migrations to an empty database, then does nothing the second time', async () => {
    const first = await runCli(['db', 'migrate'], { DATABASE_URL: emptyUrl });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d{14}_foundation$/m);

    const second = await runCli(['db', 'migrate', '--json'], { DATABASE_URL: emptyUrl });
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout) as { applied: string[]; alreadyApplied: string[] };
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toContain(first.stdout.match(/Applied (\S+)/)?.[1]);

    const client = new pg.Client({ connectionString: emptyUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
      expect(Number(rows[0]?.n)).toBe(result.alreadyApplied.length);
    } finally {
      await client.end();
    }
  });

  it('reports status as JSON, and exits 1 when an applied migration was edited', async () => {
    const status = await runCli(['db', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: [], problem: null });

    const client = new pg.Client({ connectionString: emptyUrl });
    await client.connect();
    try {
      await client.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    } finally {
      await client.end();
    }
    const broken = await runCli(['db', 'status'], { DATABASE_URL: emptyUrl });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: .*(checksum|edited|changed)/im);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('conciliamo db seed', () => {
  it('refuses demo data when NODE_ENV=production, with exit 2 and a clear message', async () => {
    const result = await runCli(['db', 'seed', '--demo'], { NODE_ENV: 'production' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Refusing to load demo data with NODE_ENV=production');
    expect(await getDb().alliance.count()).toBe(0);
  });

  it('needs --demo', async () => {
    const result = await runCli(['db', 'seed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --demo');
  });

  it('loads the demo data once; --if-empty skips a database that has data, without it the CLI says why not', async () => {
    const first = await runCli(['db', 'seed', '--demo', '--if-empty', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const seeded = JSON.parse(first.stdout) as { seeded: boolean; alliances: number; organizations: number; users: number };
    expect(seeded.seeded).toBe(true);
    expect(seeded.alliances).toBe(await getDb().alliance.count());
    expect(seeded.organizations).toBeGreaterThan(0);
    expect(seeded.users).toBeGreaterThan(0);

    const skipped = await runCli(['db', 'seed', '--demo', '--if-empty']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('demo data not loaded (--if-empty)');

    const refused = await runCli(['db', 'seed', '--demo']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Demo data is already loaded/);
    expect(await getDb().alliance.count()).toBe(seeded.alliances);
  });
});

describe('conciliamo db check', () => {
  it('exits 0 when the database matches schema.prisma and 1 with the differences when it drifted', async () => {
    const ok = await runCli(['db', 'check']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('The database matches prisma/schema.prisma.');

    const client = new pg.Client({ connectionString: emptyUrl });
    await client.connect();
    try {
      await client.query('DROP INDEX "ApiKey_organizationId_idx"');
    } finally {
      await client.end();
    }
    const drifted = await runCli(['db', 'check', '--json'], { DATABASE_URL: emptyUrl });
    expect(drifted.code).toBe(1);
    const result = JSON.parse(drifted.stdout) as { ok: boolean; differences: string[] };
    expect(result.ok).toBe(false);
    expect(result.differences.join('\n')).toContain('ApiKey');
    expect(drifted.stderr).toMatch(/^error: Schema check failed/);
  });
});

describe('configuration and connection errors', () => {
  it('says DATABASE_URL is required, in one line, exit 1', async () => {
    const result = await runCli(['db', 'status'], { DATABASE_URL: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: DATABASE_URL is required (postgresql://user:password@host:5432/database)\n');
  });

  it('explains an unreachable database without a stack trace, and shows it with --verbose', async () => {
    const unreachable = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' };
    const result = await runCli(['db', 'status'], unreachable);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const verbose = await runCli(['db', 'status', '--verbose'], unreachable);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
