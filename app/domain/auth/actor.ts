import type { OrganizationKindName, RoleName } from './roles';

// The signed-in person as every loader and domain function sees it. Pure types, so browser code
// (the header, the profile page) may import them too.

export interface ActorMembership {
  id: string;
  role: RoleName;
  organizationId: string;
  organizationKind: OrganizationKindName;
  organizationName: string;
  allianceId: string;
  allianceSlug: string;
  allianceName: string;
  ambitoId: string | null;
}

export interface ActorUser {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  locale: string;
  totpEnabled: boolean;
}

export interface Actor {
  user: ActorUser;
  /** The Session row id (sha256 of the cookie token), never the token itself. */
  sessionId: string;
  /** The membership the session acts as; null only when the user has no active membership. */
  membership: ActorMembership | null;
  /** Every ACTIVE membership of the user, in role-priority order. */
  memberships: ActorMembership[];
}
