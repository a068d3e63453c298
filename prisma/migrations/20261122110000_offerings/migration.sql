-- Offerings: the service taxonomy, offerings with numbered versions, the municipalities each version
-- serves and the review history. The taxonomy is seeded here (categories of docs/domain: issue 3).

CREATE TYPE "OfferingStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED', 'SUSPENDED', 'RETIRED');
CREATE TYPE "OfferingVersionStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED', 'SUPERSEDED');
CREATE TYPE "OfferingTarget" AS ENUM ('CHILDREN', 'ELDERLY', 'DISABLED', 'ADULTS', 'EVERYONE');
CREATE TYPE "PriceUnit" AS ENUM ('HOUR', 'DAY', 'MONTH', 'SERVICE', 'PACKAGE');
CREATE TYPE "VatTreatment" AS ENUM ('EXEMPT_ART10', 'VAT_5', 'VAT_10', 'VAT_22');
CREATE TYPE "OfferingEventKind" AS ENUM ('CREATED', 'EDITED', 'NEW_VERSION', 'SUBMITTED', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED', 'SUSPENDED', 'REINSTATED', 'RETIRED');

CREATE TABLE "ServiceCategory" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "nameIt" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "isOrientamento" BOOLEAN NOT NULL DEFAULT false,
    "sortOrder" INTEGER NOT NULL,
    "fiscalBasis" TEXT,
    CONSTRAINT "ServiceCategory_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ServiceCategory_slug_shape" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
CREATE UNIQUE INDEX "ServiceCategory_slug_key" ON "ServiceCategory"("slug");

CREATE TABLE "Offering" (
    "id" UUID NOT NULL,
    "allianceId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "status" "OfferingStatus" NOT NULL DEFAULT 'DRAFT',
    "liveVersionId" UUID,
    "headVersionId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "Offering_pkey" PRIMARY KEY ("id"),
    -- What the public sees: an approved or suspended offering always has a live version; one that
    -- was never approved has none (a retired one keeps the version it last showed).
    CONSTRAINT "Offering_live_version_by_status" CHECK (
        ("status" IN ('APPROVED', 'SUSPENDED') AND "liveVersionId" IS NOT NULL)
        OR ("status" IN ('DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED', 'REJECTED') AND "liveVersionId" IS NULL)
        OR "status" = 'RETIRED'
    )
);
CREATE UNIQUE INDEX "Offering_liveVersionId_key" ON "Offering"("liveVersionId");
CREATE UNIQUE INDEX "Offering_headVersionId_key" ON "Offering"("headVersionId");
CREATE INDEX "Offering_allianceId_status_idx" ON "Offering"("allianceId", "status");
CREATE INDEX "Offering_providerId_status_idx" ON "Offering"("providerId", "status");

CREATE TABLE "OfferingVersion" (
    "id" UUID NOT NULL,
    "offeringId" UUID NOT NULL,
    "versionNumber" INTEGER NOT NULL,
    "status" "OfferingVersionStatus" NOT NULL DEFAULT 'DRAFT',
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "categoryId" UUID NOT NULL,
    "target" "OfferingTarget" NOT NULL,
    "ageMin" INTEGER,
    "ageMax" INTEGER,
    "priceUnit" "PriceUnit",
    "packageHours" INTEGER,
    "listPriceCents" INTEGER,
    "allianceRateCents" INTEGER,
    "vatTreatment" "VatTreatment",
    "availability" JSONB NOT NULL DEFAULT '{}',
    "bookingNoticeDays" INTEGER NOT NULL DEFAULT 0,
    "cancellationTerms" TEXT NOT NULL DEFAULT '',
    "capacityPerWeek" INTEGER,
    "contactName" TEXT,
    "contactEmail" TEXT,
    "contactPhone" TEXT,
    "contactAddress" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "submittedById" UUID,
    "submittedAt" TIMESTAMPTZ(3),
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewReason" TEXT,
    CONSTRAINT "OfferingVersion_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "OfferingVersion_versionNumber_positive" CHECK ("versionNumber" >= 1),
    CONSTRAINT "OfferingVersion_title_present" CHECK (char_length(btrim("title")) BETWEEN 3 AND 160),
    CONSTRAINT "OfferingVersion_description_length" CHECK (char_length("description") <= 10000),
    -- Ages only for children, within 0–17, in order.
    CONSTRAINT "OfferingVersion_age_range" CHECK (
        ("target" = 'CHILDREN' AND "ageMin" IS NOT NULL AND "ageMax" IS NOT NULL
            AND "ageMin" >= 0 AND "ageMax" <= 17 AND "ageMin" <= "ageMax")
        OR ("target" <> 'CHILDREN' AND "ageMin" IS NULL AND "ageMax" IS NULL)
    ),
    -- The price block is all or nothing (nothing only for "orientamento", enforced by the trigger below).
    CONSTRAINT "OfferingVersion_price_block" CHECK (
        ("priceUnit" IS NULL AND "listPriceCents" IS NULL AND "allianceRateCents" IS NULL AND "vatTreatment" IS NULL)
        OR ("priceUnit" IS NOT NULL AND "listPriceCents" IS NOT NULL AND "allianceRateCents" IS NOT NULL AND "vatTreatment" IS NOT NULL)
    ),
    CONSTRAINT "OfferingVersion_prices" CHECK (
        "allianceRateCents" IS NULL OR ("allianceRateCents" >= 0 AND "allianceRateCents" <= "listPriceCents")
    ),
    CONSTRAINT "OfferingVersion_list_price" CHECK ("listPriceCents" IS NULL OR "listPriceCents" >= 0),
    CONSTRAINT "OfferingVersion_package_hours" CHECK (
        ("priceUnit" = 'PACKAGE' AND "packageHours" IS NOT NULL AND "packageHours" BETWEEN 1 AND 1000)
        OR (("priceUnit" IS NULL OR "priceUnit" <> 'PACKAGE') AND "packageHours" IS NULL)
    ),
    CONSTRAINT "OfferingVersion_booking_notice" CHECK ("bookingNoticeDays" BETWEEN 0 AND 365),
    CONSTRAINT "OfferingVersion_capacity" CHECK ("capacityPerWeek" IS NULL OR "capacityPerWeek" BETWEEN 1 AND 100000),
    CONSTRAINT "OfferingVersion_availability_object" CHECK (jsonb_typeof("availability") = 'object'),
    CONSTRAINT "OfferingVersion_submitted" CHECK ("status" = 'DRAFT' OR "submittedAt" IS NOT NULL),
    CONSTRAINT "OfferingVersion_reviewed" CHECK (
        "status" IN ('DRAFT', 'SUBMITTED') OR "reviewedAt" IS NOT NULL
    ),
    -- Asking for changes and rejecting always say why.
    CONSTRAINT "OfferingVersion_reason" CHECK (
        "status" NOT IN ('CHANGES_REQUESTED', 'REJECTED') OR char_length(btrim(coalesce("reviewReason", ''))) > 0
    )
);
CREATE UNIQUE INDEX "OfferingVersion_offeringId_versionNumber_key" ON "OfferingVersion"("offeringId", "versionNumber");
CREATE INDEX "OfferingVersion_categoryId_idx" ON "OfferingVersion"("categoryId");
CREATE INDEX "OfferingVersion_status_submittedAt_idx" ON "OfferingVersion"("status", "submittedAt");
-- At most one version per offering is open (being written, awaiting review or awaiting changes).
CREATE UNIQUE INDEX "OfferingVersion_one_open_per_offering" ON "OfferingVersion"("offeringId")
    WHERE "status" IN ('DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED');

CREATE TABLE "OfferingVersionComune" (
    "versionId" UUID NOT NULL,
    "comuneId" UUID NOT NULL,
    CONSTRAINT "OfferingVersionComune_pkey" PRIMARY KEY ("versionId", "comuneId")
);
CREATE INDEX "OfferingVersionComune_comuneId_idx" ON "OfferingVersionComune"("comuneId");

CREATE TABLE "OfferingEvent" (
    "id" UUID NOT NULL,
    "offeringId" UUID NOT NULL,
    "versionId" UUID,
    "kind" "OfferingEventKind" NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "reason" TEXT,
    "actorUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OfferingEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "OfferingEvent_offeringId_createdAt_idx" ON "OfferingEvent"("offeringId", "createdAt");

ALTER TABLE "Offering" ADD CONSTRAINT "Offering_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Offering" ADD CONSTRAINT "Offering_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Offering" ADD CONSTRAINT "Offering_liveVersionId_fkey" FOREIGN KEY ("liveVersionId") REFERENCES "OfferingVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Offering" ADD CONSTRAINT "Offering_headVersionId_fkey" FOREIGN KEY ("headVersionId") REFERENCES "OfferingVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "OfferingVersion" ADD CONSTRAINT "OfferingVersion_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "Offering"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OfferingVersion" ADD CONSTRAINT "OfferingVersion_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "ServiceCategory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "OfferingVersion" ADD CONSTRAINT "OfferingVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "OfferingVersion" ADD CONSTRAINT "OfferingVersion_submittedById_fkey" FOREIGN KEY ("submittedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "OfferingVersion" ADD CONSTRAINT "OfferingVersion_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "OfferingVersionComune" ADD CONSTRAINT "OfferingVersionComune_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "OfferingVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OfferingVersionComune" ADD CONSTRAINT "OfferingVersionComune_comuneId_fkey" FOREIGN KEY ("comuneId") REFERENCES "Comune"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "OfferingEvent" ADD CONSTRAINT "OfferingEvent_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "Offering"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OfferingEvent" ADD CONSTRAINT "OfferingEvent_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "OfferingVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OfferingEvent" ADD CONSTRAINT "OfferingEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- An offering belongs to its provider's alliance; its live and head versions are its own, and the
-- live one is approved.
CREATE FUNCTION "offering_consistency"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "Organization" o WHERE o."id" = NEW."providerId" AND o."allianceId" = NEW."allianceId") THEN
    RAISE EXCEPTION 'Offering %: provider % is not in alliance %', NEW."id", NEW."providerId", NEW."allianceId"
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."liveVersionId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "OfferingVersion" v WHERE v."id" = NEW."liveVersionId" AND v."offeringId" = NEW."id"
      AND (v."status" = 'APPROVED' OR NEW."status" = 'RETIRED')
  ) THEN
    RAISE EXCEPTION 'Offering %: live version % is not an approved version of this offering', NEW."id", NEW."liveVersionId"
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."headVersionId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "OfferingVersion" v WHERE v."id" = NEW."headVersionId" AND v."offeringId" = NEW."id"
  ) THEN
    RAISE EXCEPTION 'Offering %: head version % belongs to another offering', NEW."id", NEW."headVersionId"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "Offering_consistency"
  BEFORE INSERT OR UPDATE OF "allianceId", "providerId", "status", "liveVersionId", "headVersionId" ON "Offering"
  FOR EACH ROW EXECUTE FUNCTION "offering_consistency"();

-- "Orientamento" versions carry no price; every other category needs one.
CREATE FUNCTION "offering_version_price_by_category"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orientamento BOOLEAN;
BEGIN
  SELECT c."isOrientamento" INTO orientamento FROM "ServiceCategory" c WHERE c."id" = NEW."categoryId";
  IF orientamento AND NEW."listPriceCents" IS NOT NULL THEN
    RAISE EXCEPTION 'OfferingVersion %: an orientamento entry has no price', NEW."id" USING ERRCODE = 'check_violation';
  END IF;
  IF NOT orientamento AND NEW."listPriceCents" IS NULL THEN
    RAISE EXCEPTION 'OfferingVersion %: a priced category needs a price', NEW."id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "OfferingVersion_price_by_category"
  BEFORE INSERT OR UPDATE OF "categoryId", "listPriceCents" ON "OfferingVersion"
  FOR EACH ROW EXECUTE FUNCTION "offering_version_price_by_category"();

-- A version serves only municipalities of its offering's alliance.
CREATE FUNCTION "offering_version_comune_alliance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "OfferingVersion" v
      JOIN "Offering" o ON o."id" = v."offeringId"
      JOIN "Comune" c ON c."allianceId" = o."allianceId"
     WHERE v."id" = NEW."versionId" AND c."id" = NEW."comuneId"
  ) THEN
    RAISE EXCEPTION 'OfferingVersionComune: comune % is outside the alliance of version %', NEW."comuneId", NEW."versionId"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "OfferingVersionComune_alliance"
  BEFORE INSERT OR UPDATE ON "OfferingVersionComune"
  FOR EACH ROW EXECUTE FUNCTION "offering_version_comune_alliance"();

-- The history is append-only.
CREATE FUNCTION "offering_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'OfferingEvent is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "OfferingEvent_append_only"
  BEFORE UPDATE ON "OfferingEvent"
  FOR EACH ROW EXECUTE FUNCTION "offering_event_append_only"();

-- The taxonomy (domain brief, "Services"). fiscalBasis is filled by the fiscal rules (issue 4).
INSERT INTO "ServiceCategory" ("id", "slug", "nameIt", "nameEn", "isOrientamento", "sortOrder") VALUES
  (gen_random_uuid(), 'orientamento-welfare', 'Orientamento al welfare', 'Welfare guidance', true, 10),
  (gen_random_uuid(), 'baby-sitting', 'Baby-sitting (3–10 anni)', 'Baby-sitting (ages 3–10)', false, 20),
  (gen_random_uuid(), 'nido-prima-infanzia', 'Nido, micronido, centro prima infanzia, nido famiglia', 'Nursery, micro-nursery, early childhood centre, home nursery', false, 30),
  (gen_random_uuid(), 'baby-parking-ludoteca', 'Baby-parking e ludoteca', 'Baby-parking and play centre', false, 40),
  (gen_random_uuid(), 'pre-post-scuola', 'Pre e post scuola', 'Before- and after-school care', false, 50),
  (gen_random_uuid(), 'centri-estivi', 'Centri estivi', 'Summer camps', false, 60),
  (gen_random_uuid(), 'badantato-assistente-familiare', 'Badantato e assistente familiare', 'Live-in carer and family assistant', false, 70),
  (gen_random_uuid(), 'assistenza-domiciliare', 'Assistenza domiciliare e infermiera di comunità', 'Home care and community nurse', false, 80),
  (gen_random_uuid(), 'trasporto-accompagnamento', 'Trasporto e accompagnamento', 'Transport and accompaniment', false, 90),
  (gen_random_uuid(), 'maggiordomo-aziendale', 'Maggiordomo aziendale', 'Corporate concierge', false, 100),
  (gen_random_uuid(), 'pulizie-straordinarie', 'Pulizie straordinarie', 'Deep cleaning', false, 110),
  (gen_random_uuid(), 'lavanderia-stireria', 'Lavanderia e stireria', 'Laundry and ironing', false, 120),
  (gen_random_uuid(), 'cura-del-verde', 'Cura del verde', 'Gardening', false, 130),
  (gen_random_uuid(), 'sport-tempo-libero', 'Sport e tempo libero', 'Sport and leisure', false, 140);
