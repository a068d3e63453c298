-- Providers (enti erogatori): profile 1:1 with an Organization of kind PROVIDER, the municipalities
-- they serve, their documents (bytes in the storage interface, metadata here) and the history of the
-- curator's decisions.

CREATE TYPE "ProviderKind" AS ENUM ('COOPERATIVA_SOCIALE', 'RSA', 'ASSOCIAZIONE', 'ENTE_PUBBLICO', 'IMPRESA');
CREATE TYPE "ProviderStatus" AS ENUM ('PENDING', 'CHANGES_REQUESTED', 'ADMITTED', 'REJECTED', 'SUSPENDED');
CREATE TYPE "ProviderDocumentKind" AS ENUM ('STATUTO', 'ACCREDITAMENTO', 'VISURA', 'OTHER');
CREATE TYPE "ProviderDecisionKind" AS ENUM ('ADMIT', 'REQUEST_CHANGES', 'REJECT', 'SUSPEND', 'REINSTATE', 'RESUBMIT');

CREATE TABLE "ProviderProfile" (
    "organizationId" UUID NOT NULL,
    "providerKind" "ProviderKind" NOT NULL,
    "status" "ProviderStatus" NOT NULL DEFAULT 'PENDING',
    "iban" TEXT NOT NULL,
    "registeredOffice" TEXT NOT NULL,
    "accreditationRef" TEXT,
    "contactGivenName" TEXT NOT NULL,
    "contactFamilyName" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "contactPhone" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "website" TEXT,
    "alsoEmployer" BOOLEAN NOT NULL DEFAULT false,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ProviderProfile_pkey" PRIMARY KEY ("organizationId"),
    -- Shape only; mod-97 and CIN are validated in app/domain/identifiers before writing.
    CONSTRAINT "ProviderProfile_iban_shape" CHECK ("iban" ~ '^IT[0-9]{2}[A-Z][0-9]{10}[A-Z0-9]{12}$'),
    CONSTRAINT "ProviderProfile_contactEmail_lowercase" CHECK ("contactEmail" = lower("contactEmail")),
    CONSTRAINT "ProviderProfile_website_scheme" CHECK ("website" IS NULL OR "website" ~ '^https?://')
);
CREATE INDEX "ProviderProfile_status_idx" ON "ProviderProfile"("status");

CREATE TABLE "ProviderComune" (
    "organizationId" UUID NOT NULL,
    "comuneId" UUID NOT NULL,
    CONSTRAINT "ProviderComune_pkey" PRIMARY KEY ("organizationId", "comuneId")
);
CREATE INDEX "ProviderComune_comuneId_idx" ON "ProviderComune"("comuneId");

CREATE TABLE "ProviderDocument" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "kind" "ProviderDocumentKind" NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "storageKey" TEXT NOT NULL,
    "uploadedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ProviderDocument_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ProviderDocument_sizeBytes_range" CHECK ("sizeBytes" > 0 AND "sizeBytes" <= 10485760),
    CONSTRAINT "ProviderDocument_sha256_shape" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "ProviderDocument_contentType_allowed" CHECK ("contentType" IN ('application/pdf', 'image/jpeg', 'image/png'))
);
CREATE UNIQUE INDEX "ProviderDocument_storageKey_key" ON "ProviderDocument"("storageKey");
CREATE INDEX "ProviderDocument_organizationId_createdAt_idx" ON "ProviderDocument"("organizationId", "createdAt");

CREATE TABLE "ProviderDecision" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "decision" "ProviderDecisionKind" NOT NULL,
    "fromStatus" "ProviderStatus" NOT NULL,
    "toStatus" "ProviderStatus" NOT NULL,
    "reason" TEXT,
    "actorUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ProviderDecision_pkey" PRIMARY KEY ("id"),
    -- Asking for changes, rejecting and suspending always tell the provider why.
    CONSTRAINT "ProviderDecision_reason_required" CHECK (
      "decision" NOT IN ('REQUEST_CHANGES', 'REJECT', 'SUSPEND') OR ("reason" IS NOT NULL AND btrim("reason") <> '')
    )
);
CREATE INDEX "ProviderDecision_organizationId_createdAt_idx" ON "ProviderDecision"("organizationId", "createdAt");

ALTER TABLE "ProviderProfile" ADD CONSTRAINT "ProviderProfile_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ProviderComune" ADD CONSTRAINT "ProviderComune_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "ProviderProfile"("organizationId") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ProviderComune" ADD CONSTRAINT "ProviderComune_comuneId_fkey" FOREIGN KEY ("comuneId") REFERENCES "Comune"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ProviderDocument" ADD CONSTRAINT "ProviderDocument_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "ProviderProfile"("organizationId") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ProviderDocument" ADD CONSTRAINT "ProviderDocument_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ProviderDecision" ADD CONSTRAINT "ProviderDecision_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "ProviderProfile"("organizationId") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ProviderDecision" ADD CONSTRAINT "ProviderDecision_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A provider profile belongs to an organisation of kind PROVIDER.
CREATE FUNCTION "provider_profile_kind_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "Organization" WHERE "id" = NEW."organizationId" AND "kind" = 'PROVIDER') THEN
    RAISE EXCEPTION 'ProviderProfile % must belong to an organisation of kind PROVIDER', NEW."organizationId"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "ProviderProfile_kind_check"
  BEFORE INSERT OR UPDATE OF "organizationId" ON "ProviderProfile"
  FOR EACH ROW EXECUTE FUNCTION "provider_profile_kind_check"();

-- A provider serves only municipalities of its own alliance.
CREATE FUNCTION "provider_comune_same_alliance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "Organization" o JOIN "Comune" c ON c."allianceId" = o."allianceId"
    WHERE o."id" = NEW."organizationId" AND c."id" = NEW."comuneId"
  ) THEN
    RAISE EXCEPTION 'Comune % is not in the alliance of provider %', NEW."comuneId", NEW."organizationId"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "ProviderComune_same_alliance"
  BEFORE INSERT OR UPDATE ON "ProviderComune"
  FOR EACH ROW EXECUTE FUNCTION "provider_comune_same_alliance"();

-- Decisions are history: never changed or removed, except that deleting a user clears the actor.
CREATE FUNCTION "provider_decision_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW."actorUserId" IS NULL
     AND (NEW."id", NEW."organizationId", NEW."decision", NEW."fromStatus", NEW."toStatus", NEW."reason", NEW."createdAt")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."organizationId", OLD."decision", OLD."fromStatus", OLD."toStatus", OLD."reason", OLD."createdAt") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'ProviderDecision is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "ProviderDecision_append_only"
  BEFORE UPDATE OR DELETE ON "ProviderDecision"
  FOR EACH ROW EXECUTE FUNCTION "provider_decision_append_only"();
