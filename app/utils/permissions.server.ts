import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { homePathForRole } from '~/domain/auth/auth.fns';
import { NotFound } from './errors.server';

// Scope helpers: every query a page or domain function makes carries the caller's alliance or
// organisation, and a record from elsewhere is "not found" (never "forbidden": we do not confirm
// that a foreign id exists). Example, in a domain function:
//
//   export async function getVoucher(db: DbTx, actor: Actor, voucherId: string) {
//     const voucher = await db.voucher.findFirst({
//       where: { id: voucherId, ...organizationScope(actor) }, // scope inside the query
//     });
//     if (!voucher) throw new NotFound('Voucher not found');
//     return voucher;
//   }
//
// and where a record was loaded by id first: `assertSameAlliance(actor, record)`.
//
// These throw the NotFound domain error: routes map it with domainErrorResponse (~/utils/http.server).

function activeMembership(actor: Actor | null | undefined): ActorMembership {
  if (!actor?.membership) throw new NotFound('No active membership');
  return actor.membership;
}

/** `{ allianceId }` of the active membership, for a Prisma `where`. */
export function allianceScope(actor: Actor): { allianceId: string } {
  return { allianceId: activeMembership(actor).allianceId };
}

/** `{ organizationId }` of the active membership, for a Prisma `where`. */
export function organizationScope(actor: Actor): { organizationId: string } {
  return { organizationId: activeMembership(actor).organizationId };
}

/** Narrows `record` to non-null when it belongs to the actor's alliance; NotFound otherwise. */
export function assertSameAlliance<T extends { allianceId: string | null }>(
  actor: Actor,
  record: T | null | undefined,
): asserts record is T {
  if (!record || record.allianceId !== activeMembership(actor).allianceId) throw new NotFound('Not found');
}

/** Narrows `record` to non-null when it belongs to the actor's organisation; NotFound otherwise. */
export function assertSameOrganization<T extends { organizationId: string | null }>(
  actor: Actor,
  record: T | null | undefined,
): asserts record is T {
  if (!record || record.organizationId !== activeMembership(actor).organizationId) throw new NotFound('Not found');
}

/** Where the actor lands: the home of the active membership's role, or /profilo without one. */
export function homePathFor(actor: Actor | null | undefined): string {
  return homePathForRole(actor?.membership?.role);
}
