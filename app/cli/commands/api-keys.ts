import { Option, type Command } from 'commander';
import { displayPrefix, normalizeKeyPrefix } from '~/domain/api-keys/api-keys.fns';
import { ROLES, type RoleName } from '~/domain/auth/roles';
import { NotFound } from '~/utils/errors.server';
import { CliContext, CliError, formatTable, UsageError } from '../context';
import { resolveOrganization } from '../organizations';

// `conciliamo api-keys …`: keys of the JSON API v1. The whole key is printed once, at creation;
// afterwards only its prefix (cnc_xxxxxxxx) identifies it.

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function registerApiKeyCommands(program: Command, ctx: CliContext): void {
  const apiKeys = program
    .command('api-keys')
    .description('API keys of the JSON API v1: create (shown once), list, revoke')
    .addHelpText(
      'after',
      '\nExamples:\n  $ conciliamo api-keys create --organization 01234567890 --name "Payroll export"\n  $ conciliamo api-keys list --organization 01234567890\n  $ conciliamo api-keys revoke cnc_abcd2345',
    );

  apiKeys
    .command('create')
    .description('Create an API key for an organisation and print it once')
    .requiredOption('--organization <id>', 'partita IVA or codice fiscale of the organisation')
    .option('--alliance <slug>', 'alliance slug, when the organisation belongs to more than one alliance')
    .requiredOption('--name <label>', 'what the key is for, e.g. "Payroll export" (1–100 characters)')
    .addOption(
      new Option('--role <role>', 'role the key acts with (default: COMPANY_ADMIN for companies, PROVIDER_OPERATOR for providers, ALLIANCE_ADMIN for Ambiti, AUDITOR otherwise)').choices(
        ROLES,
      ),
    )
    .option('--json', 'print { id, prefix, key, name, role, organization } as JSON')
    .addHelpText('after', '\nExample:\n  $ conciliamo api-keys create --organization 01234567890 --name "Payroll export" --json')
    .action(async (options: { organization: string; alliance?: string; name: string; role?: RoleName; json?: boolean }) => {
      const db = ctx.db();
      const organization = await resolveOrganization(db, { identifier: options.organization, allianceSlug: options.alliance });
      const { createApiKey } = await import('~/domain/api-keys/api-keys.server');
      const created = await createApiKey(db, { organizationId: organization.id, name: options.name, role: options.role });
      if (options.json) {
        return ctx.printJson({
          id: created.id,
          prefix: displayPrefix(created.prefix),
          key: created.key,
          name: created.name,
          role: created.role,
          createdAt: created.createdAt.toISOString(),
          organization: { id: organization.id, legalName: organization.legalName, allianceSlug: organization.allianceSlug },
        });
      }
      ctx.print(`API key "${created.name}" created for ${organization.legalName} (${organization.allianceSlug}) with role ${created.role}:`);
      ctx.print();
      ctx.print(`  ${created.key}`);
      ctx.print();
      ctx.print('Copy it now: it is stored only as a hash and cannot be shown again.');
      ctx.print(`Send it as "Authorization: Bearer <key>". Revoke it with: conciliamo api-keys revoke ${displayPrefix(created.prefix)}`);
    });

  apiKeys
    .command('list')
    .description('List the API keys of an organisation (active first), without their secrets')
    .requiredOption('--organization <id>', 'partita IVA or codice fiscale of the organisation')
    .option('--alliance <slug>', 'alliance slug, when the organisation belongs to more than one alliance')
    .option('--json', 'print an array of keys as JSON')
    .addHelpText('after', '\nExample:\n  $ conciliamo api-keys list --organization 01234567890')
    .action(async (options: { organization: string; alliance?: string; json?: boolean }) => {
      const db = ctx.db();
      const organization = await resolveOrganization(db, { identifier: options.organization, allianceSlug: options.alliance });
      const { listApiKeys } = await import('~/domain/api-keys/api-keys.server');
      const keys = await listApiKeys(db, { organizationId: organization.id });
      if (options.json) {
        return ctx.printJson(
          keys.map((k) => ({
            id: k.id,
            prefix: displayPrefix(k.prefix),
            name: k.name,
            role: k.role,
            status: k.revokedAt ? 'revoked' : 'active',
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: iso(k.lastUsedAt),
            revokedAt: iso(k.revokedAt),
          })),
        );
      }
      if (keys.length === 0) return ctx.print(`${organization.legalName} has no API keys.`);
      ctx.print(
        formatTable(
          ['PREFIX', 'NAME', 'ROLE', 'STATUS', 'CREATED', 'LAST USED'],
          keys.map((k) => [
            displayPrefix(k.prefix),
            k.name,
            k.role,
            k.revokedAt ? `revoked ${k.revokedAt.toISOString().slice(0, 10)}` : 'active',
            k.createdAt.toISOString().slice(0, 16).replace('T', ' '),
            k.lastUsedAt ? k.lastUsedAt.toISOString().slice(0, 16).replace('T', ' ') : 'never',
          ]),
        ),
      );
    });

  apiKeys
    .command('revoke')
    .description('Revoke an API key by its prefix; requests with it fail from now on. Revoking twice is harmless')
    .argument('<prefix>', 'the key prefix as listed (cnc_abcd2345 or abcd2345)')
    .option('--json', 'print { id, prefix, name, revokedAt, alreadyRevoked } as JSON')
    .addHelpText('after', '\nExample:\n  $ conciliamo api-keys revoke cnc_abcd2345')
    .action(async (prefixArgument: string, options: { json?: boolean }) => {
      const prefix = normalizeKeyPrefix(prefixArgument);
      if (!prefix) throw new UsageError(`"${prefixArgument}" is not an API key prefix (expected cnc_ followed by 8 characters)`);
      const { revokeApiKey } = await import('~/domain/api-keys/api-keys.server');
      const revoked = await revokeApiKey(ctx.db(), { prefix }).catch((error: unknown) => {
        if (error instanceof NotFound) throw new CliError(`No API key with prefix ${displayPrefix(prefix)}`);
        throw error;
      });
      if (options.json) {
        return ctx.printJson({
          id: revoked.id,
          prefix: displayPrefix(revoked.prefix),
          name: revoked.name,
          revokedAt: revoked.revokedAt.toISOString(),
          alreadyRevoked: revoked.alreadyRevoked,
        });
      }
      ctx.print(
        revoked.alreadyRevoked
          ? `API key ${displayPrefix(revoked.prefix)} ("${revoked.name}") was already revoked on ${revoked.revokedAt.toISOString()}.`
          : `API key ${displayPrefix(revoked.prefix)} ("${revoked.name}") revoked.`,
      );
    });
}
