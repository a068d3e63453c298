import { randomBytes } from 'node:crypto';
import { recordAudit } from '~/domain/audit/audit.server';
import type { RoleName } from '~/domain/auth/roles';
import type { Db, DbTx } from '~/utils/db.server';
import { getDb } from '~/utils/db.server';
import { NotFound, Unauthenticated, ValidationFailed } from '~/utils/errors.server';
import { logger } from '~/utils/logger.server';
import {
  API_KEY_SECRET_BYTES,
  LAST_USED_RESOLUTION_MS,
  apiKeyRolesFor,
  defaultApiKeyRole,
  displayPrefix,
  encodePrefix,
  extractPresentedKey,
  formatApiKey,
  parseApiKey,
  roleFitsOrganization,
  shouldTouchLastUsed,
} from './api-keys.fns';
import { hashApiKeySecret, secretMatchesHash } from './api-keys.hash.server';
import { ApiKeyNameSchema, ApiKeyRoleSchema } from './api-keys.schema';

export interface CreateApiKeyInput {
  organizationId: string;
  name: string;
  /** Defaults by organisation kind (COMPANY → COMPANY_ADMIN, PROVIDER → PROVIDER_OPERATOR, AMBITO → ALLIANCE_ADMIN, others → AUDITOR). */
  role?: RoleName;
  /** The user who created it; null/undefined for the CLI (system). */
  createdById?: string | null;
  ipAddress?: string | null;
}

export interface CreatedApiKey {
  id: string;
  prefix: string;
  /** The whole key. Returned once; only its hash is stored. */
  key: string;
  name: string;
  role: RoleName;
  organizationId: string;
  createdAt: Date;
}

export interface ApiKeySummary {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  role: RoleName;
  createdById: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who is calling the JSON API: the key, its organisation and the role it acts with. */
export interface ApiActor {
  apiKeyId: string;
  prefix: string;
  organizationId: string;
  allianceId: string;
  role: RoleName;
}

const summarySelect = {
  id: true,
  organizationId: true,
  name: true,
  prefix: true,
  role: true,
  createdById: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

const MAX_PREFIX_ATTEMPTS = 5;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export async function createApiKey(db: Db, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const name = ApiKeyNameSchema.safeParse(input.name);
  if (!name.success) {
    throw new ValidationFailed('API key name must be between 1 and 100 characters', {
      name: name.error.issues[0]?.message ?? 'apikeys.validation.nameRequired',
    });
  }
  if (input.role !== undefined && !ApiKeyRoleSchema.safeParse(input.role).success) {
    throw new ValidationFailed(`Unknown role ${String(input.role)}`, { role: 'apikeys.validation.role' });
  }
  const organization = await db.organization.findUnique({
    where: { id: input.organizationId },
    select: { id: true, kind: true, allianceId: true },
  });
  if (!organization) throw new NotFound('Organization not found');
  const role = input.role ?? defaultApiKeyRole(organization.kind);
  if (!roleFitsOrganization(organization.kind, role)) {
    throw new ValidationFailed(
      `Role ${role} is not available for an API key of a ${organization.kind} organization (allowed: ${apiKeyRolesFor(organization.kind).join(', ')})`,
      { role: 'apikeys.validation.roleNotAllowed' },
    );
  }

  for (let attempt = 1; ; attempt++) {
    const prefix = encodePrefix(randomBytes(5));
    const secret = randomBytes(API_KEY_SECRET_BYTES).toString('base64url');
    try {
      const row = await db.$transaction(async (tx) => {
        const created = await tx.apiKey.create({
          data: {
            organizationId: organization.id,
            name: name.data,
            prefix,
            secretHash: hashApiKeySecret(secret),
            role,
            createdById: input.createdById ?? null,
          },
          select: { id: true, createdAt: true },
        });
        await recordAudit(tx, {
          action: 'api_key.created',
          allianceId: organization.allianceId,
          organizationId: organization.id,
          actorUserId: input.createdById ?? null,
          subjectType: 'ApiKey',
          subjectId: created.id,
          ipAddress: input.ipAddress ?? null,
          metadata: { prefix, role },
        });
        return created;
      });
      logger.info({ apiKeyId: row.id, organizationId: organization.id, role }, 'api key created');
      return {
        id: row.id,
        prefix,
        key: formatApiKey(prefix, secret),
        name: name.data,
        role,
        organizationId: organization.id,
        createdAt: row.createdAt,
      };
    } catch (error) {
      // Only a prefix collision is worth another try; the transaction left nothing behind.
      if (!isUniqueViolation(error) || attempt >= MAX_PREFIX_ATTEMPTS) throw error;
    }
  }
}

/** Active keys first, newest first. Never exposes the hash. */
export async function listApiKeys(db: DbTx, input: { organizationId: string }): Promise<ApiKeySummary[]> {
  const rows = await db.apiKey.findMany({
    where: { organizationId: input.organizationId },
    select: summarySelect,
    orderBy: [{ createdAt: 'desc' }, { prefix: 'asc' }],
  });
  return [...rows.filter((r) => !r.revokedAt), ...rows.filter((r) => r.revokedAt)];
}

export interface RevokeApiKeyInput {
  /** Either the key's id or its prefix. */
  id?: string;
  prefix?: string;
  /** When given, a key of another organisation is NotFound (the settings page passes the actor's organisation). */
  organizationId?: string;
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  ipAddress?: string | null;
}

export interface RevokedApiKey extends ApiKeySummary {
  revokedAt: Date;
  /** True when the key had been revoked before this call (nothing changed, nothing audited). */
  alreadyRevoked: boolean;
}

/** Idempotent: revoking a revoked key returns it unchanged and records no second audit event. */
export async function revokeApiKey(db: Db, input: RevokeApiKeyInput): Promise<RevokedApiKey> {
  if (!input.id && !input.prefix) throw new ValidationFailed('Give the id or the prefix of the key to revoke');
  const where = input.id ? { id: input.id } : { prefix: input.prefix };
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { ...where, ...(input.organizationId ? { organizationId: input.organizationId } : {}) },
      select: { ...summarySelect, organization: { select: { allianceId: true } } },
    });
    if (!key) throw new NotFound('API key not found');
    const { organization, ...summary } = key;
    if (summary.revokedAt) return { ...summary, revokedAt: summary.revokedAt, alreadyRevoked: true };

    const now = new Date();
    // Conditional update: of two concurrent revocations only one changes the row and audits.
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) {
      const current = await tx.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: summarySelect });
      return { ...current, revokedAt: current.revokedAt ?? now, alreadyRevoked: true };
    }
    await recordAudit(tx, {
      action: 'api_key.revoked',
      allianceId: organization.allianceId,
      organizationId: key.organizationId,
      actorUserId: input.actorUserId ?? null,
      actorApiKeyId: input.actorApiKeyId ?? null,
      subjectType: 'ApiKey',
      subjectId: key.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { prefix: key.prefix },
    });
    logger.info({ apiKeyId: key.id, organizationId: key.organizationId }, 'api key revoked');
    return { ...summary, revokedAt: now, alreadyRevoked: false };
  });
}

const INVALID_KEY_MESSAGE = 'Invalid or revoked API key';
const UNKNOWN_KEY_HASH = '0'.repeat(64);

/**
 * Authenticates a JSON API request by its key (`Authorization: Bearer cnc_…` or `X-Api-Key`).
 * Unknown, malformed and revoked keys get the same answer, so a caller learns nothing about
 * which prefixes exist.
 */
export async function authenticateApiKey(request: Request, options: { db?: DbTx; now?: Date } = {}): Promise<ApiActor> {
  const presented = extractPresentedKey(request.headers);
  if (!presented) {
    throw new Unauthenticated('API key required: send it as "Authorization: Bearer cnc_…"');
  }
  const parsed = parseApiKey(presented);
  if (!parsed) throw new Unauthenticated(INVALID_KEY_MESSAGE);
  const db = options.db ?? getDb();
  const key = await db.apiKey.findUnique({
    where: { prefix: parsed.prefix },
    select: {
      id: true,
      prefix: true,
      secretHash: true,
      role: true,
      revokedAt: true,
      lastUsedAt: true,
      organizationId: true,
      organization: { select: { allianceId: true } },
    },
  });
  // Hash even when the prefix is unknown, so both answers take about the same time.
  const secretOk = secretMatchesHash(parsed.secret, key?.secretHash ?? UNKNOWN_KEY_HASH);
  if (!key || !secretOk || key.revokedAt) {
    logger.info({ keyPrefix: displayPrefix(parsed.prefix) }, 'api key rejected');
    throw new Unauthenticated(INVALID_KEY_MESSAGE);
  }
  const now = options.now ?? new Date();
  if (shouldTouchLastUsed(key.lastUsedAt, now)) {
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db.apiKey.updateMany({
      where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }
  return {
    apiKeyId: key.id,
    prefix: key.prefix,
    organizationId: key.organizationId,
    allianceId: key.organization.allianceId,
    role: key.role,
  };
}

export interface ApiKeyOwner {
  organization: {
    id: string;
    legalName: string;
    kind: string;
    codiceFiscale: string;
    partitaIva: string | null;
    alliance: { slug: string; name: string };
  };
  apiKey: { prefix: string; name: string; role: RoleName; createdAt: Date; lastUsedAt: Date | null };
}

/** What GET /api/v1/me answers: the calling key and the organisation it belongs to. */
export async function describeApiActor(db: DbTx, actor: ApiActor): Promise<ApiKeyOwner> {
  const key = await db.apiKey.findFirst({
    where: { id: actor.apiKeyId, organizationId: actor.organizationId, revokedAt: null },
    select: {
      prefix: true,
      name: true,
      role: true,
      createdAt: true,
      lastUsedAt: true,
      organization: {
        select: {
          id: true,
          legalName: true,
          kind: true,
          codiceFiscale: true,
          partitaIva: true,
          alliance: { select: { slug: true, name: true } },
        },
      },
    },
  });
  if (!key) throw new NotFound('API key not found');
  const { organization, ...apiKey } = key;
  return { organization, apiKey };
}
