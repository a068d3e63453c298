import type { DbTx } from '~/utils/db.server';

// Audit actions are dotted verbs: auth.login, auth.login_failed, auth.logout, auth.password_reset,
// membership.role_changed, api_key.created, … Metadata holds ids and codes, never personal data.
export interface AuditInput {
  action: string;
  allianceId?: string | null;
  organizationId?: string | null;
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  ipAddress?: string | null;
  metadata?: Record<string, unknown>;
}

export async function recordAudit(db: DbTx, input: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      action: input.action,
      allianceId: input.allianceId ?? null,
      organizationId: input.organizationId ?? null,
      actorUserId: input.actorUserId ?? null,
      actorApiKeyId: input.actorApiKeyId ?? null,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      ipAddress: input.ipAddress ?? null,
      metadata: (input.metadata ?? {}) as object,
    },
  });
}
