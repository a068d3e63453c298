import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EnvError } from '~/utils/env.server';
import { isDomainError } from '~/utils/errors.server';
import { registerApiKeyCommands } from './commands/api-keys';
import { registerDbCommands } from './commands/db';
import { registerLedgerCommands } from './commands/ledger';
import { registerUserCommands } from './commands/users';
import { CliContext, CliError, describeDatabaseUrl, processIo, REPO_ROOT, type CliEnv, type CliIo } from './context';

// The `conciliamo` admin CLI (bin/conciliamo.js launches it through tsx). One file per verb group
// in ./commands; later issues add theirs (ledger verify, import, …) with one register call below.
// Exit codes: 0 success, 1 failure, 2 usage (bad or missing arguments).

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('conciliamo');
  program
    .description('Conciliamo administration: database, users, API keys, ledger')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces and debug logs')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      [
        '',
        'Environment:',
        '  DATABASE_URL   PostgreSQL connection string (required by every command that reads the database)',
        '',
        'Examples:',
        '  $ conciliamo db migrate',
        '  $ conciliamo db seed --demo --if-empty',
        '  $ conciliamo users invite --email anna.rossi@example.org --organization 01234567890 --role COMPANY_ADMIN --given-name Anna --family-name Rossi',
        '  $ conciliamo api-keys create --organization 01234567890 --name "Payroll export"',
        '  $ conciliamo ledger verify',
        '',
        'Run `conciliamo <command> --help` for the options of each command.',
      ].join('\n'),
    );
  registerDbCommands(program, ctx);
  registerUserCommands(program, ctx);
  registerApiKeyCommands(program, ctx);
  registerLedgerCommands(program, ctx);
  return program;
}

interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function findCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const { code, cause } = error as ErrorWithCode;
  if (typeof code === 'string' && /^(E[A-Z_]+|[0-9A-Z]{5})$/.test(code)) return code;
  return findCode(cause, depth + 1);
}

/** One English line for the person at the terminal. */
export function describeCliError(error: unknown, databaseUrl: string | undefined): string {
  if (error instanceof CliError || isDomainError(error)) return error.message;
  if (error instanceof EnvError) return `Invalid configuration: ${error.problems.join('; ')}`;
  const where = databaseUrl ? describeDatabaseUrl(databaseUrl) : 'the database';
  const code = findCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|Can't reach database/i.test(message)) {
    return `Cannot connect to PostgreSQL at ${where}: connection refused. Is it running, and is DATABASE_URL right?`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Cannot resolve the database host of ${where}. Check DATABASE_URL.`;
  if (code === '3D000' || /database .* does not exist/i.test(message)) return `Database ${where} does not exist: create it first (npm start does).`;
  if (code === '28P01' || code === '28000') return `PostgreSQL refused the credentials for ${where}. Check DATABASE_URL.`;
  if (code === '42P01' || /relation .* does not exist|table .* does not exist/i.test(message)) {
    return `The database ${where} is missing tables: run \`conciliamo db migrate\` first.`;
  }
  const firstLine = message.split('\n').find((line) => line.trim()) ?? 'Unexpected error';
  return firstLine.trim();
}

export async function main(argv: string[], io: CliIo = processIo, env: CliEnv = process.env): Promise<number> {
  const ctx = new CliContext(io, env);
  const program = buildProgram(ctx);
  const args = argv.slice(2);
  const verbose = args.includes('--verbose');
  try {
    if (args.length === 0) {
      io.stderr(program.helpInformation());
      return 2;
    }
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed help or its own message.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return 2;
    }
    let databaseUrl: string | undefined;
    try {
      databaseUrl = ctx.databaseUrl();
    } catch {
      databaseUrl = undefined;
    }
    io.stderr(`error: ${describeCliError(error, databaseUrl)}\n`);
    if (verbose && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
