-- Companies and the employee roster (issue 4, part C; docs/decisions/0008-roster-import.md).
-- CompanyProfile: the company side of an Organization (COMPANY, or a PROVIDER that also employs).
-- CompanySite: where employees work. EmployeeProfile: the roster record of one EMPLOYEE membership.
-- RosterImport: one uploaded roster file, its dry run and its commit.

CREATE TYPE "CompanyStatus" AS ENUM ('PENDING', 'ADMITTED', 'REJECTED');
CREATE TYPE "CompanySizeBand" AS ENUM ('MICRO', 'SMALL', 'MEDIUM', 'LARGE');
CREATE TYPE "RosterImportStatus" AS ENUM ('UPLOADED', 'VALIDATING', 'VALIDATED', 'COMMITTING', 'COMMITTED', 'FAILED');

CREATE TABLE "CompanyProfile" (
    "organizationId" UUID NOT NULL,
    "status" "CompanyStatus" NOT NULL DEFAULT 'PENDING',
    "sizeBand" "CompanySizeBand" NOT NULL,
    "atecoCode" TEXT,
    "hrGivenName" TEXT NOT NULL,
    "hrFamilyName" TEXT NOT NULL,
    "hrEmail" TEXT NOT NULL,
    "hrPhone" TEXT,
    "privacyConsentAt" TIMESTAMPTZ(3) NOT NULL,
    "rejectionReason" TEXT,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "CompanyProfile_pkey" PRIMARY KEY ("organizationId"),
    CONSTRAINT "CompanyProfile_hrEmail_lowercase" CHECK ("hrEmail" = lower("hrEmail")),
    CONSTRAINT "CompanyProfile_ateco_shape" CHECK ("atecoCode" IS NULL OR "atecoCode" ~ '^[0-9]{2}(\.[0-9]{1,2}(\.[0-9]{1,2})?)?$'),
    -- A rejection always tells the company why.
    CONSTRAINT "CompanyProfile_rejection_reason" CHECK (
      "status" <> 'REJECTED' OR ("rejectionReason" IS NOT NULL AND btrim("rejectionReason") <> '')),
    CONSTRAINT "CompanyProfile_decided" CHECK (("status" = 'PENDING') = ("decidedAt" IS NULL))
);
CREATE INDEX "CompanyProfile_status_idx" ON "CompanyProfile"("status");

CREATE TABLE "CompanySite" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "code" TEXT,
    "address" TEXT NOT NULL,
    "comuneId" UUID,
    "outsideComune" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "CompanySite_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CompanySite_name_not_blank" CHECK (btrim("name") <> ''),
    CONSTRAINT "CompanySite_code_not_blank" CHECK ("code" IS NULL OR btrim("code") <> ''),
    -- Either a municipality of the alliance or the name of one outside it, never both.
    CONSTRAINT "CompanySite_one_comune" CHECK (("comuneId" IS NULL) <> ("outsideComune" IS NULL)),
    CONSTRAINT "CompanySite_outsideComune_not_blank" CHECK ("outsideComune" IS NULL OR btrim("outsideComune") <> '')
);
CREATE UNIQUE INDEX "CompanySite_organizationId_name_key" ON "CompanySite"("organizationId", "name");
CREATE UNIQUE INDEX "CompanySite_organizationId_code_key" ON "CompanySite"("organizationId", "code");
CREATE INDEX "CompanySite_comuneId_idx" ON "CompanySite"("comuneId");

CREATE TABLE "RosterImport" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "uploadedById" UUID,
    "uploadedByApiKeyId" UUID,
    "fileName" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "storageKey" TEXT NOT NULL,
    "status" "RosterImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "detected" JSONB NOT NULL DEFAULT '{}',
    "mapping" JSONB NOT NULL DEFAULT '{}',
    "counts" JSONB NOT NULL DEFAULT '{}',
    "errors" JSONB NOT NULL DEFAULT '[]',
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "failureReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "validatedAt" TIMESTAMPTZ(3),
    "committedAt" TIMESTAMPTZ(3),
    CONSTRAINT "RosterImport_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "RosterImport_format_allowed" CHECK ("format" IN ('csv', 'xlsx')),
    CONSTRAINT "RosterImport_sizeBytes_positive" CHECK ("sizeBytes" > 0),
    CONSTRAINT "RosterImport_sha256_shape" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "RosterImport_progress_range" CHECK ("progress" BETWEEN 0 AND 100),
    CONSTRAINT "RosterImport_errorCount_non_negative" CHECK ("errorCount" >= 0),
    CONSTRAINT "RosterImport_errors_array" CHECK (jsonb_typeof("errors") = 'array'),
    -- Committed only when the dry run found no errors.
    CONSTRAINT "RosterImport_committed_clean" CHECK ("status" <> 'COMMITTED' OR ("errorCount" = 0 AND "committedAt" IS NOT NULL)),
    CONSTRAINT "RosterImport_failed_reason" CHECK ("status" <> 'FAILED' OR "failureReason" IS NOT NULL)
);
CREATE UNIQUE INDEX "RosterImport_storageKey_key" ON "RosterImport"("storageKey");
CREATE INDEX "RosterImport_organizationId_createdAt_idx" ON "RosterImport"("organizationId", "createdAt");

CREATE TABLE "EmployeeProfile" (
    "membershipId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "codiceFiscale" TEXT NOT NULL,
    "givenName" TEXT NOT NULL,
    "familyName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "hireDate" DATE NOT NULL,
    "terminationDate" DATE,
    "siteId" UUID,
    "category" TEXT,
    "childrenCount" INTEGER NOT NULL DEFAULT 0,
    "dependentsCount" INTEGER NOT NULL DEFAULT 0,
    "createdByImportId" UUID,
    "invitedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "EmployeeProfile_pkey" PRIMARY KEY ("membershipId"),
    -- Shape only (omocodia letters allowed); the check character is verified in app/domain/identifiers.
    CONSTRAINT "EmployeeProfile_codiceFiscale_shape" CHECK (
      "codiceFiscale" ~ '^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$'),
    CONSTRAINT "EmployeeProfile_email_lowercase" CHECK ("email" = lower("email") AND position('@' in "email") > 1),
    CONSTRAINT "EmployeeProfile_names_not_blank" CHECK (btrim("givenName") <> '' AND btrim("familyName") <> ''),
    CONSTRAINT "EmployeeProfile_termination_after_hire" CHECK ("terminationDate" IS NULL OR "terminationDate" >= "hireDate"),
    CONSTRAINT "EmployeeProfile_category_shape" CHECK ("category" IS NULL OR ("category" = lower("category") AND btrim("category") <> '')),
    CONSTRAINT "EmployeeProfile_children_range" CHECK ("childrenCount" BETWEEN 0 AND 30),
    CONSTRAINT "EmployeeProfile_dependents_range" CHECK ("dependentsCount" BETWEEN 0 AND 30)
);
CREATE UNIQUE INDEX "EmployeeProfile_organizationId_codiceFiscale_key" ON "EmployeeProfile"("organizationId", "codiceFiscale");
CREATE UNIQUE INDEX "EmployeeProfile_organizationId_email_key" ON "EmployeeProfile"("organizationId", "email");
CREATE INDEX "EmployeeProfile_organizationId_familyName_givenName_idx" ON "EmployeeProfile"("organizationId", "familyName", "givenName");
CREATE INDEX "EmployeeProfile_siteId_idx" ON "EmployeeProfile"("siteId");
CREATE INDEX "EmployeeProfile_createdByImportId_idx" ON "EmployeeProfile"("createdByImportId");

ALTER TABLE "CompanyProfile" ADD CONSTRAINT "CompanyProfile_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "CompanyProfile" ADD CONSTRAINT "CompanyProfile_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CompanySite" ADD CONSTRAINT "CompanySite_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "CompanyProfile"("organizationId") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "CompanySite" ADD CONSTRAINT "CompanySite_comuneId_fkey" FOREIGN KEY ("comuneId") REFERENCES "Comune"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "RosterImport" ADD CONSTRAINT "RosterImport_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "CompanyProfile"("organizationId") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "RosterImport" ADD CONSTRAINT "RosterImport_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "EmployeeProfile" ADD CONSTRAINT "EmployeeProfile_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "EmployeeProfile" ADD CONSTRAINT "EmployeeProfile_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "CompanyProfile"("organizationId") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "EmployeeProfile" ADD CONSTRAINT "EmployeeProfile_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "CompanySite"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "EmployeeProfile" ADD CONSTRAINT "EmployeeProfile_createdByImportId_fkey" FOREIGN KEY ("createdByImportId") REFERENCES "RosterImport"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A company profile belongs to a COMPANY, or to a PROVIDER whose profile says it also employs.
CREATE FUNCTION "company_profile_kind_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "Organization" o LEFT JOIN "ProviderProfile" p ON p."organizationId" = o."id"
    WHERE o."id" = NEW."organizationId"
      AND (o."kind" = 'COMPANY' OR (o."kind" = 'PROVIDER' AND p."alsoEmployer"))
  ) THEN
    RAISE EXCEPTION 'CompanyProfile % must belong to a COMPANY or to a PROVIDER that also employs', NEW."organizationId"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "CompanyProfile_kind_check"
  BEFORE INSERT OR UPDATE OF "organizationId" ON "CompanyProfile"
  FOR EACH ROW EXECUTE FUNCTION "company_profile_kind_check"();

-- A site's municipality, when it is one of the alliance's, is in the company's alliance.
CREATE FUNCTION "company_site_same_alliance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."comuneId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "Organization" o JOIN "Comune" c ON c."allianceId" = o."allianceId"
    WHERE o."id" = NEW."organizationId" AND c."id" = NEW."comuneId"
  ) THEN
    RAISE EXCEPTION 'Comune % is not in the alliance of company %', NEW."comuneId", NEW."organizationId"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "CompanySite_same_alliance"
  BEFORE INSERT OR UPDATE OF "organizationId", "comuneId" ON "CompanySite"
  FOR EACH ROW EXECUTE FUNCTION "company_site_same_alliance"();

-- An employee profile is the profile of an EMPLOYEE membership of the same organisation, and its
-- site is one of that company's sites. Checked once per statement over the transition table, so a
-- roster import of 50,000 rows costs two joins, not 100,000 lookups.
CREATE FUNCTION "employee_profile_consistency"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad_membership UUID;
  bad_site UUID;
BEGIN
  SELECT n."membershipId" INTO bad_membership
  FROM new_rows n LEFT JOIN "Membership" m ON m."id" = n."membershipId"
  WHERE m."id" IS NULL OR m."organizationId" <> n."organizationId" OR m."role" <> 'EMPLOYEE'
  LIMIT 1;
  IF bad_membership IS NOT NULL THEN
    RAISE EXCEPTION 'EmployeeProfile % must belong to an EMPLOYEE membership of its organisation', bad_membership
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT n."siteId" INTO bad_site
  FROM new_rows n LEFT JOIN "CompanySite" s ON s."id" = n."siteId"
  WHERE n."siteId" IS NOT NULL AND (s."id" IS NULL OR s."organizationId" <> n."organizationId")
  LIMIT 1;
  IF bad_site IS NOT NULL THEN
    RAISE EXCEPTION 'Site % is not a site of the employee''s organisation', bad_site
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "EmployeeProfile_consistency_insert"
  AFTER INSERT ON "EmployeeProfile" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "employee_profile_consistency"();
CREATE TRIGGER "EmployeeProfile_consistency_update"
  AFTER UPDATE ON "EmployeeProfile" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "employee_profile_consistency"();

-- The import's file stays the same file: its identity and checksum never change once recorded.
CREATE FUNCTION "roster_import_file_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."organizationId", NEW."fileName", NEW."format", NEW."sizeBytes", NEW."sha256", NEW."storageKey")
     IS DISTINCT FROM (OLD."organizationId", OLD."fileName", OLD."format", OLD."sizeBytes", OLD."sha256", OLD."storageKey") THEN
    RAISE EXCEPTION 'RosterImport % file identity cannot change', OLD."id" USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD."status" = 'COMMITTED' AND NEW."status" <> 'COMMITTED' THEN
    RAISE EXCEPTION 'RosterImport % is committed', OLD."id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "RosterImport_file_immutable"
  BEFORE UPDATE ON "RosterImport"
  FOR EACH ROW EXECUTE FUNCTION "roster_import_file_immutable"();
