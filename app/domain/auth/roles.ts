// Pure role facts shared by server and browser code.
export const ROLES = [
  'EMPLOYEE',
  'COMPANY_ADMIN',
  'PROVIDER_OPERATOR',
  'AMBITO_CURATOR',
  'ALLIANCE_ADMIN',
  'AUDITOR',
] as const;
export type RoleName = (typeof ROLES)[number];

/** Each role lands on its own home. */
export const ROLE_HOME: Record<RoleName, string> = {
  EMPLOYEE: '/lavoratore',
  COMPANY_ADMIN: '/azienda',
  PROVIDER_OPERATOR: '/ente',
  AMBITO_CURATOR: '/ambito',
  ALLIANCE_ADMIN: '/alleanza',
  AUDITOR: '/revisione',
};

/** Staff roles may (and are encouraged to) protect their account with a TOTP second factor. */
export const STAFF_ROLES: readonly RoleName[] = ['COMPANY_ADMIN', 'PROVIDER_OPERATOR', 'AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'];

/** Roles whose membership belongs to the alliance's lead organisation (kind AMBITO). */
export const ALLIANCE_LEVEL_ROLES: readonly RoleName[] = ['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'];

export function isRole(value: unknown): value is RoleName {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The membership a session starts on when the user has several: the widest responsibility first,
 * so an administrator who is also an employee lands on the administration home.
 */
export const ROLE_PRIORITY: readonly RoleName[] = [
  'ALLIANCE_ADMIN',
  'AMBITO_CURATOR',
  'AUDITOR',
  'COMPANY_ADMIN',
  'PROVIDER_OPERATOR',
  'EMPLOYEE',
];

export const ORGANIZATION_KINDS = ['AMBITO', 'COMPANY', 'PROVIDER', 'PUBLIC_BODY', 'OTHER'] as const;
export type OrganizationKindName = (typeof ORGANIZATION_KINDS)[number];

/**
 * Which organisation kinds may hold each role. A provider that employs staff (a social
 * cooperative) may also have employees; alliance-level roles live in the lead AMBITO organisation.
 */
export const ROLE_ORGANIZATION_KINDS: Record<RoleName, readonly OrganizationKindName[]> = {
  EMPLOYEE: ['COMPANY', 'PROVIDER'],
  COMPANY_ADMIN: ['COMPANY'],
  PROVIDER_OPERATOR: ['PROVIDER'],
  AMBITO_CURATOR: ['AMBITO'],
  ALLIANCE_ADMIN: ['AMBITO'],
  AUDITOR: ['AMBITO'],
};

export function roleFitsOrganizationKind(role: RoleName, kind: OrganizationKindName): boolean {
  return ROLE_ORGANIZATION_KINDS[role].includes(kind);
}

export function isStaffRole(role: RoleName): boolean {
  return STAFF_ROLES.includes(role);
}
