import { EnvError } from '~/utils/env.server';
import { NotFound } from '~/utils/errors.server';
import { CliError, databaseUrlFromEnv, describeDatabaseUrl, formatTable, UsageError } from './context';
import { describeCliError, main } from './main';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('CLI helpers', () => {
  it('validates DATABASE_URL with a message saying what to set', () => {
    expect(() => databaseUrlFromEnv({})).toThrow('DATABASE_URL is required');
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'mysql://x' })).toThrow('must start with postgresql://');
    expect(databaseUrlFromEnv({ DATABASE_URL: ' postgresql://u@h/db ' })).toBe('postgresql://u@h/db');
  });

  it('names a database without its password', () => {
    expect(describeDatabaseUrl('postgresql://user:s3cret@db.example:6543/conciliamo')).toBe('db.example:6543/conciliamo');
    expect(describeDatabaseUrl('postgresql://user@localhost/app')).toBe('localhost:5432/app');
  });

  it('aligns table columns', () => {
    expect(formatTable(['A', 'LONGER'], [['xyz', '1'], ['', '22']])).toBe('A    LONGER\n---  ------\nxyz  1\n     22');
  });

  it('turns errors into one actionable line', () => {
    expect(describeCliError(new CliError('plain'), undefined)).toBe('plain');
    expect(describeCliError(new NotFound('API key not found'), undefined)).toBe('API key not found');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' });
    expect(describeCliError(refused, 'postgresql://u:pw@127.0.0.1:5999/x')).toBe(
      'Cannot connect to PostgreSQL at 127.0.0.1:5999/x: connection refused. Is it running, and is DATABASE_URL right?',
    );
    const wrapped = new Error('driver failed', { cause: { code: '3D000' } });
    expect(describeCliError(wrapped, 'postgresql://u@h:1/nodb')).toMatch(/^Database h:1\/nodb does not exist/);
    expect(describeCliError(new Error('first line\n  at stack'), undefined)).toBe('first line');
    expect(describeCliError(new EnvError(['REDIS_URL: REDIS_URL is required', 'APP_URL: bad']), undefined)).toBe(
      'Invalid configuration: REDIS_URL: REDIS_URL is required; APP_URL: bad',
    );
    expect(new UsageError('x').exitCode).toBe(2);
  });
});

describe('main', () => {
  it('prints help with exit 0 for --help and to stderr with exit 2 without arguments', async () => {
    const help = captureIo();
    expect(await main(['node', 'conciliamo', '--help'], help.io, {})).toBe(0);
    expect(help.out.join('')).toMatch(/db[\s\S]*users[\s\S]*api-keys/);

    const bare = captureIo();
    expect(await main(['node', 'conciliamo'], bare.io, {})).toBe(2);
    expect(bare.err.join('')).toContain('Usage: conciliamo');
  });

  it('exits 2 on usage errors and 1 on failures, with one line on stderr', async () => {
    const unknown = captureIo();
    expect(await main(['node', 'conciliamo', 'frobnicate'], unknown.io, {})).toBe(2);
    expect(unknown.err.join('')).toContain("unknown command 'frobnicate'");

    const missingOption = captureIo();
    expect(await main(['node', 'conciliamo', 'api-keys', 'create', '--name', 'x'], missingOption.io, {})).toBe(2);
    expect(missingOption.err.join('')).toContain("required option '--organization <id>' not specified");

    const noDatabase = captureIo();
    expect(await main(['node', 'conciliamo', 'db', 'status'], noDatabase.io, {})).toBe(1);
    expect(noDatabase.err.join('')).toBe('error: DATABASE_URL is required (postgresql://user:password@host:5432/database)\n');

    const badPrefix = captureIo();
    expect(await main(['node', 'conciliamo', 'api-keys', 'revoke', 'nope'], badPrefix.io, {})).toBe(2);
    expect(badPrefix.err.join('')).toContain('is not an API key prefix');
  });

  it('refuses demo data in production before touching the database', async () => {
    const refused = captureIo();
    expect(await main(['node', 'conciliamo', 'db', 'seed', '--demo'], refused.io, { NODE_ENV: 'production' })).toBe(2);
    expect(refused.err.join('')).toMatch(/^error: Refusing to load demo data with NODE_ENV=production/);
  });
});
