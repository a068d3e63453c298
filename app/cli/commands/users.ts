import { Option, type Command } from 'commander';
import { z } from 'zod';
import { ROLES, type RoleName } from '~/domain/auth/roles';
import { CliContext, UsageError } from '../context';
import { resolveOrganization } from '../organizations';

// `conciliamo users …`: accounts. Invitations are how people join; the first administrator of a
// company or provider is invited from here.

const EmailSchema = z.email();

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const users = program
    .command('users')
    .description('User accounts: invite people into an organisation with a role')
    .addHelpText(
      'after',
      '\nExample:\n  $ conciliamo users invite --email anna.rossi@example.org --organization 01234567890 --role COMPANY_ADMIN --given-name Anna --family-name Rossi',
    );

  users
    .command('invite')
    .description('Invite a person into an organisation: creates the account (if new) and an INVITED membership, and queues the invitation e-mail')
    .requiredOption('--email <email>', 'e-mail address of the person')
    .requiredOption('--organization <id>', 'partita IVA or codice fiscale of the organisation')
    .option('--alliance <slug>', 'alliance slug, when the organisation belongs to more than one alliance')
    .addOption(new Option('--role <role>', 'role in the organisation').choices(ROLES).makeOptionMandatory())
    .requiredOption('--given-name <name>', 'given name')
    .requiredOption('--family-name <name>', 'family name')
    .option('--json', 'print { userId, membershipId, tokenId, resent, organizationId, allianceSlug } as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ conciliamo users invite --email anna.rossi@example.org --organization 01234567890 \\\n      --role COMPANY_ADMIN --given-name Anna --family-name Rossi',
    )
    .action(
      async (options: {
        email: string;
        organization: string;
        alliance?: string;
        role: RoleName;
        givenName: string;
        familyName: string;
        json?: boolean;
      }) => {
        const email = options.email.trim().toLowerCase();
        if (!EmailSchema.safeParse(email).success) throw new UsageError(`"${options.email}" is not a valid e-mail address`);
        const givenName = options.givenName.trim();
        const familyName = options.familyName.trim();
        if (!givenName || !familyName) throw new UsageError('--given-name and --family-name must not be empty');

        const db = ctx.db();
        const organization = await resolveOrganization(db, { identifier: options.organization, allianceSlug: options.alliance });
        const { inviteMember } = await import('~/domain/auth/invitations.server');
        const invited = await inviteMember(db, {
          invitedBy: 'system',
          organizationId: organization.id,
          email,
          givenName,
          familyName,
          role: options.role,
        });
        if (options.json) return ctx.printJson({ ...invited, organizationId: organization.id, allianceSlug: organization.allianceSlug });
        ctx.print(
          invited.resent
            ? `${email} was already invited as ${options.role} of ${organization.legalName} (${organization.allianceSlug}): a new invitation e-mail is queued and the previous link no longer works.`
            : `Invited ${email} as ${options.role} of ${organization.legalName} (${organization.allianceSlug}); the invitation e-mail is queued.`,
        );
      },
    );
}
