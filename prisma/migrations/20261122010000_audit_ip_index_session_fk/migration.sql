-- The login throttle's PostgreSQL fallback counts recent failures per IP address.
CREATE INDEX "AuditEvent_action_ipAddress_createdAt_idx" ON "AuditEvent"("action", "ipAddress", "createdAt");

-- A session acting as a membership that is later removed falls back to the default membership.
ALTER TABLE "Session" ADD CONSTRAINT "Session_activeMembershipId_fkey" FOREIGN KEY ("activeMembershipId") REFERENCES "Membership"("id") ON DELETE SET NULL ON UPDATE CASCADE;
