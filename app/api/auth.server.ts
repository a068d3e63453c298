import { authenticateApiKey, type ApiActor } from '~/domain/api-keys/api-keys.server';
import type { RoleName } from '~/domain/auth/roles';
import { Forbidden } from '~/utils/errors.server';

export type { ApiActor };

/**
 * The JSON API's guard. No key, an unknown key or a revoked key → 401 `unauthenticated`;
 * a valid key whose role is not among `roles` → 403 `forbidden` (the key exists and the caller
 * holds it, so saying so leaks nothing).
 *
 * Scope is the domain's job, not the guard's: every query an endpoint makes is limited to
 * `actor.organizationId` / `actor.allianceId`, so an id belonging to another organisation or
 * alliance answers 404 `not_found`, exactly like an id that does not exist — never 403.
 */
export async function requireApiActor(
  request: Request,
  options: { roles?: readonly RoleName[] } = {},
): Promise<ApiActor> {
  const actor = await authenticateApiKey(request);
  if (options.roles && !options.roles.includes(actor.role)) {
    throw new Forbidden(`This endpoint needs a key with role ${options.roles.join(' or ')}; this key has ${actor.role}`, {
      requiredRoles: options.roles,
      keyRole: actor.role,
    });
  }
  return actor;
}
