-- Welfare plans, allocation runs, premio di risultato conversions (issue 4, part P;
-- docs/decisions/0010-welfare-plans-and-allocation-runs.md). Money itself lives in the ledger:
-- wallets are LedgerAccount rows `wallet:<membershipId>:<planId>`, moved only by ledger transactions.
--
-- What the database guarantees here, whoever writes:
--   * a plan offers premio conversion only when it names its agreement (kind + reference) and a
--     conversion window inside the plan's period;
--   * a plan's period, funding amounts and grace days are sane; CARRY_OVER names the next plan
--     before the plan is activated; a closed plan is never changed again, nor reopened;
--   * a plan is in its company's alliance, and carries over only into a later plan of the same company;
--   * a worker's conversion is final, never above the declared premio, and keeps the agreement reference;
--   * a committed allocation run names its ledger transaction and is never changed again.

CREATE TYPE "WelfarePlanStatus" AS ENUM ('DRAFT', 'ACTIVE', 'CLOSED');
CREATE TYPE "PlanEndRule" AS ENUM ('RETURN_TO_COMPANY', 'CARRY_OVER', 'DONATE_TO_SOLIDARITY_FUND');
CREATE TYPE "PlanAgreementKind" AS ENUM ('COMPANY', 'TERRITORIAL');
CREATE TYPE "AllocationRuleKind" AS ENUM ('FLAT', 'PER_CHILD', 'PER_DEPENDENT', 'BY_CATEGORY', 'MANUAL');
CREATE TYPE "AllocationRunStatus" AS ENUM ('PREVIEWED', 'COMMITTED', 'FAILED');

CREATE TABLE "WelfarePlan" (
    "id" UUID NOT NULL,
    "allianceId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "startsOn" DATE NOT NULL,
    "endsOn" DATE NOT NULL,
    "status" "WelfarePlanStatus" NOT NULL DEFAULT 'DRAFT',
    "companyFundingCents" BIGINT NOT NULL DEFAULT 0,
    "publicFundingCents" BIGINT NOT NULL DEFAULT 0,
    "publicFundingSource" TEXT,
    "premioConversion" BOOLEAN NOT NULL DEFAULT false,
    "premioWindowStartsOn" DATE,
    "premioWindowEndsOn" DATE,
    "premioCapCents" INTEGER,
    "agreementKind" "PlanAgreementKind",
    "agreementReference" TEXT,
    "reimbursementsAllowed" BOOLEAN NOT NULL DEFAULT false,
    "leaverGraceDays" INTEGER NOT NULL DEFAULT 90,
    "endRule" "PlanEndRule" NOT NULL DEFAULT 'RETURN_TO_COMPANY',
    "carryOverPlanId" UUID,
    "createdById" UUID,
    "activatedAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "WelfarePlan_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "WelfarePlan_name_not_blank" CHECK (btrim("name") <> '' AND length("name") <= 120),
    CONSTRAINT "WelfarePlan_period" CHECK ("startsOn" <= "endsOn" AND "endsOn" - "startsOn" <= 731),
    CONSTRAINT "WelfarePlan_funding_non_negative" CHECK ("companyFundingCents" >= 0 AND "publicFundingCents" >= 0),
    CONSTRAINT "WelfarePlan_public_source" CHECK ("publicFundingSource" IS NULL OR btrim("publicFundingSource") <> ''),
    -- Premio di risultato conversion is offered only when the plan names the company or territorial
    -- agreement that allows it, with a window inside the plan's period.
    CONSTRAINT "WelfarePlan_premio_needs_agreement" CHECK (
      NOT "premioConversion" OR (
        "agreementKind" IS NOT NULL AND "agreementReference" IS NOT NULL AND btrim("agreementReference") <> ''
        AND "premioWindowStartsOn" IS NOT NULL AND "premioWindowEndsOn" IS NOT NULL
        AND "premioWindowStartsOn" <= "premioWindowEndsOn"
        AND "premioWindowStartsOn" >= "startsOn" AND "premioWindowEndsOn" <= "endsOn")),
    CONSTRAINT "WelfarePlan_agreement_reference" CHECK ("agreementReference" IS NULL OR (btrim("agreementReference") <> '' AND length("agreementReference") <= 200)),
    CONSTRAINT "WelfarePlan_premio_cap_positive" CHECK ("premioCapCents" IS NULL OR "premioCapCents" > 0),
    CONSTRAINT "WelfarePlan_grace_days" CHECK ("leaverGraceDays" BETWEEN 0 AND 365),
    CONSTRAINT "WelfarePlan_carry_over_target" CHECK ("carryOverPlanId" IS NULL OR ("endRule" = 'CARRY_OVER' AND "carryOverPlanId" <> "id")),
    CONSTRAINT "WelfarePlan_carry_over_named" CHECK ("endRule" <> 'CARRY_OVER' OR "status" = 'DRAFT' OR "carryOverPlanId" IS NOT NULL),
    CONSTRAINT "WelfarePlan_activated" CHECK (("status" = 'DRAFT') = ("activatedAt" IS NULL)),
    CONSTRAINT "WelfarePlan_closed" CHECK (("status" = 'CLOSED') = ("closedAt" IS NOT NULL))
);
CREATE INDEX "WelfarePlan_companyId_startsOn_idx" ON "WelfarePlan"("companyId", "startsOn");
CREATE INDEX "WelfarePlan_allianceId_status_idx" ON "WelfarePlan"("allianceId", "status");
CREATE INDEX "WelfarePlan_status_endsOn_idx" ON "WelfarePlan"("status", "endsOn");
CREATE INDEX "WelfarePlan_carryOverPlanId_idx" ON "WelfarePlan"("carryOverPlanId");

CREATE TABLE "WelfarePlanRule" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "kind" "AllocationRuleKind" NOT NULL,
    "employeeCategory" TEXT,
    "amountCents" INTEGER,
    "position" INTEGER NOT NULL,
    CONSTRAINT "WelfarePlanRule_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "WelfarePlanRule_category_only_by_category" CHECK (("kind" = 'BY_CATEGORY') = ("employeeCategory" IS NOT NULL)),
    CONSTRAINT "WelfarePlanRule_category_shape" CHECK ("employeeCategory" IS NULL OR ("employeeCategory" = lower("employeeCategory") AND btrim("employeeCategory") <> '')),
    CONSTRAINT "WelfarePlanRule_amount" CHECK (CASE WHEN "kind" = 'MANUAL' THEN "amountCents" IS NULL ELSE "amountCents" > 0 AND "amountCents" <= 10000000 END)
);
CREATE INDEX "WelfarePlanRule_planId_position_idx" ON "WelfarePlanRule"("planId", "position");
-- One rule per kind, one per category for BY_CATEGORY.
CREATE UNIQUE INDEX "WelfarePlanRule_one_per_kind" ON "WelfarePlanRule"("planId", "kind") WHERE "kind" <> 'BY_CATEGORY';
CREATE UNIQUE INDEX "WelfarePlanRule_one_per_category" ON "WelfarePlanRule"("planId", "employeeCategory") WHERE "kind" = 'BY_CATEGORY';

CREATE TABLE "WelfarePlanCategory" (
    "planId" UUID NOT NULL,
    "categoryId" UUID NOT NULL,
    "capCents" INTEGER,
    "reimbursable" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "WelfarePlanCategory_pkey" PRIMARY KEY ("planId", "categoryId"),
    CONSTRAINT "WelfarePlanCategory_cap_positive" CHECK ("capCents" IS NULL OR ("capCents" > 0 AND "capCents" <= 10000000))
);
CREATE INDEX "WelfarePlanCategory_categoryId_idx" ON "WelfarePlanCategory"("categoryId");

CREATE TABLE "WelfarePlanOffering" (
    "planId" UUID NOT NULL,
    "offeringId" UUID NOT NULL,
    CONSTRAINT "WelfarePlanOffering_pkey" PRIMARY KEY ("planId", "offeringId")
);
CREATE INDEX "WelfarePlanOffering_offeringId_idx" ON "WelfarePlanOffering"("offeringId");

CREATE TABLE "WelfarePlanManualAmount" (
    "planId" UUID NOT NULL,
    "membershipId" UUID NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "WelfarePlanManualAmount_pkey" PRIMARY KEY ("planId", "membershipId"),
    CONSTRAINT "WelfarePlanManualAmount_amount" CHECK ("amountCents" > 0 AND "amountCents" <= 10000000)
);
CREATE INDEX "WelfarePlanManualAmount_membershipId_idx" ON "WelfarePlanManualAmount"("membershipId");

CREATE TABLE "PremioConversion" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "membershipId" UUID NOT NULL,
    "declaredCents" INTEGER NOT NULL,
    "declaredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "convertedCents" INTEGER,
    "agreementReference" TEXT,
    "convertedAt" TIMESTAMPTZ(3),
    "ledgerTransactionId" UUID,
    CONSTRAINT "PremioConversion_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PremioConversion_declared_positive" CHECK ("declaredCents" > 0 AND "declaredCents" <= 10000000),
    -- A conversion is all of: the amount (within what was declared), the agreement, the time, the ledger transaction.
    CONSTRAINT "PremioConversion_choice_complete" CHECK (
      ("convertedCents" IS NULL AND "agreementReference" IS NULL AND "convertedAt" IS NULL AND "ledgerTransactionId" IS NULL)
      OR ("convertedCents" IS NOT NULL AND "agreementReference" IS NOT NULL AND btrim("agreementReference") <> ''
          AND "convertedAt" IS NOT NULL AND "ledgerTransactionId" IS NOT NULL)),
    CONSTRAINT "PremioConversion_converted_within_declared" CHECK ("convertedCents" IS NULL OR ("convertedCents" > 0 AND "convertedCents" <= "declaredCents"))
);
CREATE UNIQUE INDEX "PremioConversion_planId_membershipId_key" ON "PremioConversion"("planId", "membershipId");
CREATE INDEX "PremioConversion_membershipId_idx" ON "PremioConversion"("membershipId");
CREATE INDEX "PremioConversion_ledgerTransactionId_idx" ON "PremioConversion"("ledgerTransactionId");

CREATE TABLE "AllocationRun" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "status" "AllocationRunStatus" NOT NULL DEFAULT 'PREVIEWED',
    "asOf" DATE NOT NULL,
    "employeeCount" INTEGER NOT NULL,
    "totalCents" BIGINT NOT NULL,
    "budgetCents" BIGINT NOT NULL,
    "shortfallCents" BIGINT NOT NULL,
    "totals" JSONB NOT NULL,
    "linesDigest" CHAR(64) NOT NULL,
    "ledgerTransactionId" UUID,
    "failureReason" TEXT,
    "createdById" UUID,
    "committedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "committedAt" TIMESTAMPTZ(3),
    CONSTRAINT "AllocationRun_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AllocationRun_amounts" CHECK ("employeeCount" >= 0 AND "totalCents" >= 0 AND "shortfallCents" >= 0),
    CONSTRAINT "AllocationRun_totals_object" CHECK (jsonb_typeof("totals") = 'object'),
    CONSTRAINT "AllocationRun_digest_shape" CHECK ("linesDigest" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "AllocationRun_committed" CHECK (
      ("status" = 'COMMITTED') = ("ledgerTransactionId" IS NOT NULL AND "committedAt" IS NOT NULL)),
    CONSTRAINT "AllocationRun_failed_reason" CHECK (("status" = 'FAILED') = ("failureReason" IS NOT NULL))
);
CREATE INDEX "AllocationRun_planId_createdAt_idx" ON "AllocationRun"("planId", "createdAt");
CREATE INDEX "AllocationRun_ledgerTransactionId_idx" ON "AllocationRun"("ledgerTransactionId");
-- A ledger transaction is the commit of at most one run.
CREATE UNIQUE INDEX "AllocationRun_one_run_per_transaction" ON "AllocationRun"("ledgerTransactionId") WHERE "ledgerTransactionId" IS NOT NULL;

ALTER TABLE "WelfarePlan" ADD CONSTRAINT "WelfarePlan_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "WelfarePlan" ADD CONSTRAINT "WelfarePlan_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "WelfarePlan" ADD CONSTRAINT "WelfarePlan_carryOverPlanId_fkey" FOREIGN KEY ("carryOverPlanId") REFERENCES "WelfarePlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "WelfarePlan" ADD CONSTRAINT "WelfarePlan_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanRule" ADD CONSTRAINT "WelfarePlanRule_planId_fkey" FOREIGN KEY ("planId") REFERENCES "WelfarePlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanCategory" ADD CONSTRAINT "WelfarePlanCategory_planId_fkey" FOREIGN KEY ("planId") REFERENCES "WelfarePlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanCategory" ADD CONSTRAINT "WelfarePlanCategory_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "ServiceCategory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanOffering" ADD CONSTRAINT "WelfarePlanOffering_planId_fkey" FOREIGN KEY ("planId") REFERENCES "WelfarePlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanOffering" ADD CONSTRAINT "WelfarePlanOffering_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "Offering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanManualAmount" ADD CONSTRAINT "WelfarePlanManualAmount_planId_fkey" FOREIGN KEY ("planId") REFERENCES "WelfarePlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "WelfarePlanManualAmount" ADD CONSTRAINT "WelfarePlanManualAmount_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "PremioConversion" ADD CONSTRAINT "PremioConversion_planId_fkey" FOREIGN KEY ("planId") REFERENCES "WelfarePlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "PremioConversion" ADD CONSTRAINT "PremioConversion_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "PremioConversion" ADD CONSTRAINT "PremioConversion_ledgerTransactionId_fkey" FOREIGN KEY ("ledgerTransactionId") REFERENCES "LedgerTransaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "AllocationRun" ADD CONSTRAINT "AllocationRun_planId_fkey" FOREIGN KEY ("planId") REFERENCES "WelfarePlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "AllocationRun" ADD CONSTRAINT "AllocationRun_ledgerTransactionId_fkey" FOREIGN KEY ("ledgerTransactionId") REFERENCES "LedgerTransaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "AllocationRun" ADD CONSTRAINT "AllocationRun_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AllocationRun" ADD CONSTRAINT "AllocationRun_committedById_fkey" FOREIGN KEY ("committedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ─── Consistency triggers ────────────────────────────────────────────────────────────────────

-- A plan is its company's (same alliance, an organisation that employs); its carry-over target is
-- a later plan of the same company; DRAFT → ACTIVE → CLOSED only, and a closed plan never changes.
CREATE FUNCTION "welfare_plan_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target RECORD;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD."status" = 'CLOSED' THEN
      RAISE EXCEPTION 'Welfare plan % is closed and cannot change', OLD."id" USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_closed_final';
    END IF;
    IF OLD."status" = 'ACTIVE' AND NEW."status" = 'DRAFT' THEN
      RAISE EXCEPTION 'Welfare plan % is active: it cannot go back to draft', OLD."id" USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_status_forward';
    END IF;
    IF OLD."status" = 'DRAFT' AND NEW."status" = 'CLOSED' THEN
      RAISE EXCEPTION 'Welfare plan % was never active: it cannot be closed', OLD."id" USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_status_forward';
    END IF;
    IF (NEW."allianceId", NEW."companyId") IS DISTINCT FROM (OLD."allianceId", OLD."companyId") THEN
      RAISE EXCEPTION 'Welfare plan % cannot move to another company', OLD."id" USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_company_fixed';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' AND NOT EXISTS (
    SELECT 1 FROM "Organization" o
    WHERE o."id" = NEW."companyId" AND o."allianceId" = NEW."allianceId" AND o."kind" IN ('COMPANY', 'PROVIDER')
  ) THEN
    RAISE EXCEPTION 'Organisation % is not an employer of alliance %', NEW."companyId", NEW."allianceId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_company_alliance';
  END IF;
  IF NEW."carryOverPlanId" IS NOT NULL THEN
    SELECT p."companyId", p."endsOn", p."status" INTO target FROM "WelfarePlan" p WHERE p."id" = NEW."carryOverPlanId";
    IF FOUND AND (target."companyId" <> NEW."companyId" OR target."endsOn" <= NEW."endsOn" OR target."status" = 'CLOSED') THEN
      RAISE EXCEPTION 'Plan % carries over only into a later, open plan of the same company', NEW."id"
        USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_carry_over_later';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "WelfarePlan_guard"
  BEFORE INSERT OR UPDATE ON "WelfarePlan"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_guard"();

-- A closed plan's rules, carnet and manual amounts are history: refuse changes to them.
CREATE FUNCTION "welfare_plan_children_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  plan_id UUID;
BEGIN
  IF TG_OP = 'DELETE' THEN plan_id := OLD."planId"; ELSE plan_id := NEW."planId"; END IF;
  IF EXISTS (SELECT 1 FROM "WelfarePlan" p WHERE p."id" = plan_id AND p."status" = 'CLOSED') THEN
    RAISE EXCEPTION 'Welfare plan % is closed and cannot change', plan_id USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_closed_final';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "WelfarePlanRule_guard" BEFORE INSERT OR UPDATE OR DELETE ON "WelfarePlanRule"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_children_guard"();
CREATE TRIGGER "WelfarePlanCategory_guard" BEFORE INSERT OR UPDATE OR DELETE ON "WelfarePlanCategory"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_children_guard"();
CREATE TRIGGER "WelfarePlanOffering_guard" BEFORE INSERT OR UPDATE OR DELETE ON "WelfarePlanOffering"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_children_guard"();
CREATE TRIGGER "WelfarePlanManualAmount_guard" BEFORE INSERT OR UPDATE OR DELETE ON "WelfarePlanManualAmount"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_children_guard"();

-- Carnet offerings are of the plan's alliance; manual amounts and premio rows are for employees of the plan's company.
CREATE FUNCTION "welfare_plan_member_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "WelfarePlan" p JOIN "Membership" m ON m."organizationId" = p."companyId"
    WHERE p."id" = NEW."planId" AND m."id" = NEW."membershipId" AND m."role" = 'EMPLOYEE'
  ) THEN
    RAISE EXCEPTION 'Membership % is not an employee of the company of plan %', NEW."membershipId", NEW."planId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlan_member_of_company';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "WelfarePlanManualAmount_member" BEFORE INSERT OR UPDATE OF "planId", "membershipId" ON "WelfarePlanManualAmount"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_member_check"();
CREATE TRIGGER "PremioConversion_member" BEFORE INSERT OR UPDATE OF "planId", "membershipId" ON "PremioConversion"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_member_check"();

CREATE FUNCTION "welfare_plan_offering_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "WelfarePlan" p JOIN "Offering" o ON o."allianceId" = p."allianceId"
    WHERE p."id" = NEW."planId" AND o."id" = NEW."offeringId"
  ) THEN
    RAISE EXCEPTION 'Offering % is not in the alliance of plan %', NEW."offeringId", NEW."planId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'WelfarePlanOffering_same_alliance';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "WelfarePlanOffering_same_alliance" BEFORE INSERT OR UPDATE ON "WelfarePlanOffering"
  FOR EACH ROW EXECUTE FUNCTION "welfare_plan_offering_check"();

-- A worker's conversion is final: once chosen, the row never changes and is never deleted;
-- before that, only the declared amount may change. A conversion needs a plan that offers it.
CREATE FUNCTION "premio_conversion_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD."convertedAt" IS NOT NULL THEN
      RAISE EXCEPTION 'The conversion of % is recorded and cannot be deleted', OLD."id" USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."convertedAt" IS NOT NULL THEN
    RAISE EXCEPTION 'The conversion of % is recorded and cannot change', OLD."id" USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW."convertedAt" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "WelfarePlan" p
    WHERE p."id" = NEW."planId" AND p."premioConversion" AND p."status" = 'ACTIVE' AND p."agreementReference" = NEW."agreementReference"
  ) THEN
    RAISE EXCEPTION 'Plan % does not offer premio conversion under agreement %', NEW."planId", NEW."agreementReference"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'PremioConversion_plan_offers';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "PremioConversion_guard" BEFORE INSERT OR UPDATE OR DELETE ON "PremioConversion"
  FOR EACH ROW EXECUTE FUNCTION "premio_conversion_guard"();

-- A committed or failed run is history.
CREATE FUNCTION "allocation_run_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'Allocation runs are kept' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD."status" <> 'PREVIEWED' THEN
    RAISE EXCEPTION 'Allocation run % is % and cannot change', OLD."id", OLD."status" USING ERRCODE = 'check_violation', CONSTRAINT = 'AllocationRun_final';
  END IF;
  IF (NEW."planId", NEW."asOf", NEW."employeeCount", NEW."totalCents", NEW."totals", NEW."linesDigest", NEW."createdAt")
     IS DISTINCT FROM (OLD."planId", OLD."asOf", OLD."employeeCount", OLD."totalCents", OLD."totals", OLD."linesDigest", OLD."createdAt") THEN
    RAISE EXCEPTION 'The preview of allocation run % cannot change', OLD."id" USING ERRCODE = 'check_violation', CONSTRAINT = 'AllocationRun_final';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "AllocationRun_guard" BEFORE UPDATE OR DELETE ON "AllocationRun"
  FOR EACH ROW EXECUTE FUNCTION "allocation_run_guard"();

-- ─── Fiscal basis of the catalogue's categories (art. 51 TUIR) ──────────────────────────────
-- c. 2 lett. f: services for education, recreation, social assistance (art. 100 c. 1 purposes);
-- c. 2 lett. f-bis: education and childcare for family members (nursery, summer camps, baby-sitting);
-- c. 2 lett. f-ter: assistance to elderly or non-self-sufficient family members;
-- c. 3: goods and services to the employee within the fringe-benefit threshold.
UPDATE "ServiceCategory" SET "fiscalBasis" = 'art. 51 c. 2 lett. f' WHERE "slug" IN ('orientamento-welfare', 'sport-tempo-libero');
UPDATE "ServiceCategory" SET "fiscalBasis" = 'art. 51 c. 2 lett. f-bis' WHERE "slug" IN ('baby-sitting', 'nido-prima-infanzia', 'baby-parking-ludoteca', 'pre-post-scuola', 'centri-estivi');
UPDATE "ServiceCategory" SET "fiscalBasis" = 'art. 51 c. 2 lett. f-ter' WHERE "slug" IN ('badantato-assistente-familiare', 'assistenza-domiciliare', 'trasporto-accompagnamento');
UPDATE "ServiceCategory" SET "fiscalBasis" = 'art. 51 c. 3' WHERE "slug" IN ('maggiordomo-aziendale', 'pulizie-straordinarie', 'lavanderia-stireria', 'cura-del-verde');
ALTER TABLE "ServiceCategory" ADD CONSTRAINT "ServiceCategory_fiscalBasis_known" CHECK (
  "fiscalBasis" IS NULL OR "fiscalBasis" IN ('art. 51 c. 2 lett. f', 'art. 51 c. 2 lett. f-bis', 'art. 51 c. 2 lett. f-ter', 'art. 51 c. 3'));

-- ─── Allocation run lines ─────────────────────────────────────────────────────────────────────
-- What each employee receives in a run (written with the preview; the commit moves exactly these).
CREATE TABLE "AllocationRunLine" (
    "runId" UUID NOT NULL,
    "membershipId" UUID NOT NULL,
    "targetCents" INTEGER NOT NULL,
    "alreadyCents" INTEGER NOT NULL,
    "amountCents" INTEGER NOT NULL,
    CONSTRAINT "AllocationRunLine_pkey" PRIMARY KEY ("runId", "membershipId"),
    CONSTRAINT "AllocationRunLine_amounts" CHECK ("targetCents" >= 0 AND "alreadyCents" >= 0 AND "amountCents" > 0 AND "amountCents" = "targetCents" - "alreadyCents")
);
CREATE INDEX "AllocationRunLine_membershipId_idx" ON "AllocationRunLine"("membershipId");
ALTER TABLE "AllocationRunLine" ADD CONSTRAINT "AllocationRunLine_runId_fkey" FOREIGN KEY ("runId") REFERENCES "AllocationRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "AllocationRunLine" ADD CONSTRAINT "AllocationRunLine_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Lines are written with their run's preview and never change.
CREATE FUNCTION "allocation_run_line_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'Allocation run lines are kept as previewed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM "AllocationRun" r WHERE r."id" = NEW."runId" AND r."status" = 'PREVIEWED') THEN
    RAISE EXCEPTION 'Lines are added only to a previewed run' USING ERRCODE = 'check_violation', CONSTRAINT = 'AllocationRunLine_previewed';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "AllocationRunLine_guard" BEFORE INSERT OR UPDATE OR DELETE ON "AllocationRunLine"
  FOR EACH ROW EXECUTE FUNCTION "allocation_run_line_guard"();
