import type { OrganizationKindName } from '~/domain/auth/roles';
import { findOrganizationByTaxId } from '~/domain/organizations/organizations.server';
import type { DbTx } from '~/utils/db.server';
import { ValidationFailed } from '~/utils/errors.server';
import { CliError, UsageError } from './context';

// The CLI names organisations the way people do: by partita IVA or codice fiscale. The same
// organisation may belong to more than one alliance (one row per alliance), so `--alliance`
// settles the ambiguity instead of the CLI picking one.

export interface ResolvedOrganization {
  id: string;
  legalName: string;
  kind: OrganizationKindName;
  codiceFiscale: string;
  partitaIva: string | null;
  allianceId: string;
  allianceSlug: string;
}

export async function resolveOrganization(
  db: DbTx,
  input: { identifier: string; allianceSlug?: string },
): Promise<ResolvedOrganization> {
  if (input.allianceSlug !== undefined) {
    const alliance = await db.alliance.findUnique({ where: { slug: input.allianceSlug }, select: { id: true } });
    if (!alliance) throw new CliError(`No alliance with slug "${input.allianceSlug}"`);
  }
  const matches = await findOrganizationByTaxId(db, { taxId: input.identifier, allianceSlug: input.allianceSlug }).catch(
    (error: unknown) => {
      if (error instanceof ValidationFailed) {
        throw new UsageError(`"${input.identifier.trim()}" is not a valid partita IVA or codice fiscale`);
      }
      throw error;
    },
  );
  const identifier = input.identifier.trim();
  const where = input.allianceSlug ? ` in alliance "${input.allianceSlug}"` : '';
  if (matches.length === 0) {
    throw new CliError(`No organization with partita IVA or codice fiscale ${identifier}${where}`);
  }
  if (matches.length > 1) {
    const slugs = [...new Set(matches.map((m) => m.alliance.slug))];
    if (slugs.length > 1) {
      throw new UsageError(
        `Organization ${identifier} exists in ${slugs.length} alliances (${slugs.join(', ')}): choose one with --alliance <slug>`,
      );
    }
    throw new CliError(
      `${matches.length} organizations match ${identifier}${where} (${matches.map((m) => m.legalName).join('; ')}): name it by the identifier only it has`,
    );
  }
  const [match] = matches as [(typeof matches)[number]];
  return {
    id: match.id,
    legalName: match.legalName,
    kind: match.kind,
    codiceFiscale: match.codiceFiscale,
    partitaIva: match.partitaIva,
    allianceId: match.allianceId,
    allianceSlug: match.alliance.slug,
  };
}
