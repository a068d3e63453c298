import type { Command } from 'commander';
import { CliContext, CliError, describeDatabaseUrl, MIGRATIONS_DIR, SCHEMA_PATH, UsageError } from '../context';

// `conciliamo db …`: migrations with our own runner, the schema-vs-database check, demo data.

export function registerDbCommands(program: Command, ctx: CliContext): void {
  const db = program
    .command('db')
    .description('Database: apply migrations, show their status, check the schema, load demo data')
    .addHelpText('after', '\nExamples:\n  $ conciliamo db migrate\n  $ conciliamo db status --json\n  $ conciliamo db seed --demo --if-empty');

  db.command('migrate')
    .description('Apply pending migrations from prisma/migrations, in order, each in its own transaction')
    .option('--json', 'print { applied, alreadyApplied } as JSON')
    .addHelpText('after', '\nExample:\n  $ DATABASE_URL=postgresql://postgres@localhost:5432/conciliamo conciliamo db migrate')
    .action(async (options: { json?: boolean }) => {
      const { migrate } = await import('~/utils/migrations.server');
      const url = ctx.databaseUrl();
      const result = await migrate(url, { dir: MIGRATIONS_DIR });
      if (options.json) return ctx.printJson(result);
      for (const name of result.applied) ctx.print(`Applied ${name}`);
      const total = result.applied.length + result.alreadyApplied.length;
      ctx.print(
        result.applied.length
          ? `Database ${describeDatabaseUrl(url)} is up to date: applied ${result.applied.length} of ${total} migrations.`
          : `Database ${describeDatabaseUrl(url)} is already up to date (${total} migrations applied).`,
      );
    });

  db.command('status')
    .description('List applied and pending migrations; exit 1 when the history has a problem (edited or failed migration)')
    .option('--json', 'print { applied, pending, problem } as JSON')
    .addHelpText('after', '\nExample:\n  $ conciliamo db status')
    .action(async (options: { json?: boolean }) => {
      const { migrationStatus } = await import('~/utils/migrations.server');
      const status = await migrationStatus(ctx.databaseUrl(), MIGRATIONS_DIR);
      if (options.json) {
        ctx.printJson({ applied: status.applied, pending: status.pending, problem: status.problem ?? null });
      } else {
        ctx.print(`Applied (${status.applied.length}):`);
        for (const name of status.applied) ctx.print(`  ${name}`);
        ctx.print(`Pending (${status.pending.length}):`);
        for (const name of status.pending) ctx.print(`  ${name}`);
        if (status.pending.length && !status.problem) ctx.print('Run `conciliamo db migrate` to apply them.');
      }
      if (status.problem) throw new CliError(status.problem);
    });

  db.command('check')
    .description('Compare the database with prisma/schema.prisma (tables, columns, types, enums, indexes); exit 1 on any difference')
    .option('--json', 'print { ok, differences } as JSON')
    .addHelpText('after', '\nExample:\n  $ conciliamo db check')
    .action(async (options: { json?: boolean }) => {
      const { checkSchemaAgainstDatabase } = await import('~/utils/schema-check.server');
      const result = await checkSchemaAgainstDatabase(ctx.databaseUrl(), SCHEMA_PATH);
      if (options.json) ctx.printJson(result);
      else if (result.ok) ctx.print('The database matches prisma/schema.prisma.');
      else {
        ctx.print(`The database differs from prisma/schema.prisma in ${result.differences.length} places:`);
        for (const difference of result.differences) ctx.print(`  - ${difference}`);
      }
      if (!result.ok) throw new CliError('Schema check failed: add a migration that brings the database in line with schema.prisma');
    });

  db.command('seed')
    .description('Load the demo data (two alliances, their Ambiti, companies, providers and one login per role); refused in production')
    .option('--demo', 'load the demo data (required: it is the only seed)')
    .option('--if-empty', 'do nothing when the database already has alliances')
    .option('--json', 'print { seeded, alliances, organizations, users } as JSON')
    .addHelpText('after', '\nExamples:\n  $ conciliamo db seed --demo\n  $ conciliamo db seed --demo --if-empty --json')
    .action(async (options: { demo?: boolean; ifEmpty?: boolean; json?: boolean }) => {
      if (!options.demo) throw new UsageError('Nothing to seed: pass --demo to load the demo data');
      if ((ctx.env.NODE_ENV ?? '').trim() === 'production') {
        throw new CliError(
          'Refusing to load demo data with NODE_ENV=production: it creates demo logins with known passwords',
          2,
        );
      }
      const { seedDemo } = await import('../../../prisma/seed/demo');
      const result = await seedDemo(ctx.db(), { ifEmpty: Boolean(options.ifEmpty) });
      if (options.json) return ctx.printJson(result);
      ctx.print(
        result.seeded
          ? `Demo data loaded: ${result.alliances} alliances, ${result.organizations} organizations, ${result.users} users. The demo logins are listed in README.md.`
          : 'The database already has data: demo data not loaded (--if-empty).',
      );
    });
}
