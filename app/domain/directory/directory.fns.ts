import type { RoleName } from '~/domain/auth/roles';

export type OrganizationKindName = 'AMBITO' | 'COMPANY' | 'PROVIDER' | 'PUBLIC_BODY' | 'OTHER';

/**
 * Who may invite whom into an organisation: company HR invites employees and other HR admins,
 * provider operators invite colleagues (and, for a cooperative that also employs, employees),
 * the alliance admin invites the Ambito's staff. Anyone else invites nobody.
 */
export function invitableRoles(actorRole: RoleName, organizationKind: OrganizationKindName): RoleName[] {
  switch (actorRole) {
    case 'COMPANY_ADMIN':
      return organizationKind === 'COMPANY' ? ['EMPLOYEE', 'COMPANY_ADMIN'] : [];
    case 'PROVIDER_OPERATOR':
      return organizationKind === 'PROVIDER' ? ['PROVIDER_OPERATOR', 'EMPLOYEE'] : [];
    case 'ALLIANCE_ADMIN':
      return organizationKind === 'AMBITO' ? ['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'] : [];
    default:
      return [];
  }
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** Clamps a requested page into the available range so a stale link never shows an empty page. */
export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(1, Math.floor(page) || 1), pageCount(total, pageSize));
}
