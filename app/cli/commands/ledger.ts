import type { Command } from 'commander';
import { CliContext, CliError, UsageError } from '../context';

// `conciliamo ledger …`: the money ledger's administration. `verify` recomputes every balance from
// the entries and checks every invariant (app/domain/ledger/verify.server.ts); it exits 1 on any
// problem, so cron, CI or a deploy script can stop on it.

export function registerLedgerCommands(program: Command, ctx: CliContext): void {
  const ledger = program
    .command('ledger')
    .description('The money ledger: verify balances and invariants')
    .addHelpText('after', '\nExamples:\n  $ conciliamo ledger verify\n  $ conciliamo ledger verify --json');

  ledger
    .command('verify')
    .description(
      'Recompute every account balance from its entries and check every invariant (balanced transactions, no forbidden negative balance, one alliance per transaction); exit 1 on any problem',
    )
    .option('--json', 'print { ok, problems, truncated, checked, durationMs } as JSON')
    .option('--max-problems <n>', 'list at most n problems per check (default 1000)')
    .addHelpText('after', '\nExamples:\n  $ conciliamo ledger verify\n  $ conciliamo ledger verify --json --max-problems 50')
    .action(async (options: { json?: boolean; maxProblems?: string }) => {
      let maxProblems: number | undefined;
      if (options.maxProblems !== undefined) {
        maxProblems = Number(options.maxProblems);
        if (!Number.isInteger(maxProblems) || maxProblems < 1) throw new UsageError('--max-problems must be a whole number of at least 1');
      }
      const { verifyLedger } = await import('~/domain/ledger/verify.server');
      const result = await verifyLedger(ctx.db(), { maxProblems });
      const { accounts, transactions, entries } = result.checked;
      if (options.json) {
        ctx.printJson(result);
      } else if (result.ok) {
        ctx.print(`Ledger verified in ${result.durationMs} ms: ${accounts} accounts, ${transactions} transactions, ${entries} entries; no problems.`);
      } else {
        ctx.print(
          `Ledger verification found ${result.problems.length}${result.truncated ? '+' : ''} problems in ${accounts} accounts, ${transactions} transactions, ${entries} entries:`,
        );
        for (const problem of result.problems) ctx.print(`  - ${problem.code}: ${problem.message}`);
        if (result.truncated) ctx.print('  … and more (raise --max-problems to list them).');
      }
      if (!result.ok) throw new CliError(`Ledger verification failed: ${result.problems.length}${result.truncated ? '+' : ''} problems`);
    });
}
