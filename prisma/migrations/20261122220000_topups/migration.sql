-- Top-ups: money into a company's budget by bank transfer or Stripe, and their receipts
-- (issue 4, part M; docs/decisions/0009-top-ups-and-stripe.md).
--
-- What the database itself guarantees, whoever writes:
--   * an amount is positive; a payment reference has the ISO 11649 (RF) shape and is unique;
--   * a top-up is CREDITED or REFUNDED exactly when it has a credit ledger transaction, a credit
--     time and a receipt number, and a credited bank transfer carries the bank's reference and the
--     received date; the receipt number is unique per alliance and year;
--   * a bank transfer never has Stripe ids and only the statuses a bank transfer can have;
--   * once written, the alliance, company, amount, method, reference, credit transaction and
--     receipt number never change; a credited top-up only moves on to REFUNDED and is never deleted;
--   * the company belongs to the top-up's alliance;
--   * a Stripe event id is recorded once (primary key): a redelivered event is a no-op.

CREATE TYPE "TopUpMethod" AS ENUM ('BANK_TRANSFER', 'STRIPE_CARD', 'STRIPE_SEPA');
CREATE TYPE "TopUpStatus" AS ENUM ('DECLARED', 'PENDING_PAYMENT', 'CREDITED', 'FAILED', 'REFUNDED', 'CANCELLED');

CREATE TABLE "AllianceBankAccount" (
    "allianceId" UUID NOT NULL,
    "holderName" TEXT NOT NULL,
    "iban" TEXT NOT NULL,
    "bankName" TEXT,
    "updatedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "AllianceBankAccount_pkey" PRIMARY KEY ("allianceId"),
    -- Shape only; mod-97 and CIN are validated in app/domain/identifiers before writing.
    CONSTRAINT "AllianceBankAccount_iban_shape" CHECK ("iban" ~ '^IT[0-9]{2}[A-Z][0-9]{10}[A-Z0-9]{12}$'),
    CONSTRAINT "AllianceBankAccount_holderName_not_blank" CHECK (btrim("holderName") <> '')
);

CREATE TABLE "TopUp" (
    "id" UUID NOT NULL,
    "allianceId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "method" "TopUpMethod" NOT NULL,
    "status" "TopUpStatus" NOT NULL,
    "paymentReference" TEXT NOT NULL,
    "bankReference" TEXT,
    "receivedOn" DATE,
    "stripeCheckoutSessionId" TEXT,
    "stripeCheckoutUrl" TEXT,
    "stripePaymentIntentId" TEXT,
    "declaredById" UUID,
    "confirmedById" UUID,
    "cancelledById" UUID,
    "cancelReason" TEXT,
    "failureReason" TEXT,
    "creditTransactionId" UUID,
    "creditedAt" TIMESTAMPTZ(3),
    "receiptYear" INTEGER,
    "receiptSeq" INTEGER,
    "refundedCents" INTEGER NOT NULL DEFAULT 0,
    "refundShortfallCents" INTEGER NOT NULL DEFAULT 0,
    "needsAttention" BOOLEAN NOT NULL DEFAULT false,
    "attentionReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "TopUp_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "TopUp_amount_positive" CHECK ("amountCents" > 0),
    -- ISO 11649: "RF", two check digits, 1–21 letters or digits (electronic format, no spaces).
    CONSTRAINT "TopUp_paymentReference_shape" CHECK ("paymentReference" ~ '^RF[0-9]{2}[A-Z0-9]{1,21}$'),
    CONSTRAINT "TopUp_method_status" CHECK (
      ("method" = 'BANK_TRANSFER' AND "status" IN ('DECLARED', 'CREDITED', 'CANCELLED'))
      OR ("method" <> 'BANK_TRANSFER' AND "status" IN ('PENDING_PAYMENT', 'CREDITED', 'FAILED', 'REFUNDED', 'CANCELLED'))),
    CONSTRAINT "TopUp_bank_transfer_no_stripe" CHECK (
      "method" <> 'BANK_TRANSFER' OR ("stripeCheckoutSessionId" IS NULL AND "stripeCheckoutUrl" IS NULL AND "stripePaymentIntentId" IS NULL)),
    -- Credited (or credited then refunded) exactly when the ledger transaction, the time and the receipt number are there.
    CONSTRAINT "TopUp_credit_consistency" CHECK (
      ("creditTransactionId" IS NOT NULL) = ("status" IN ('CREDITED', 'REFUNDED'))
      AND ("creditTransactionId" IS NULL) = ("creditedAt" IS NULL)
      AND ("creditTransactionId" IS NULL) = ("receiptSeq" IS NULL)
      AND ("receiptSeq" IS NULL) = ("receiptYear" IS NULL)),
    CONSTRAINT "TopUp_receipt_positive" CHECK ("receiptSeq" IS NULL OR ("receiptSeq" > 0 AND "receiptYear" BETWEEN 2000 AND 9999)),
    -- The alliance admin confirms a transfer with what the bank statement says.
    CONSTRAINT "TopUp_bank_confirmation" CHECK (
      "method" <> 'BANK_TRANSFER' OR "creditTransactionId" IS NULL
      OR ("bankReference" IS NOT NULL AND btrim("bankReference") <> '' AND "receivedOn" IS NOT NULL)),
    CONSTRAINT "TopUp_refunds_range" CHECK (
      "refundedCents" >= 0 AND "refundedCents" <= "amountCents"
      AND "refundShortfallCents" >= 0 AND "refundShortfallCents" <= "refundedCents"
      AND ("refundedCents" = 0 OR "creditTransactionId" IS NOT NULL)
      AND ("status" <> 'REFUNDED' OR "refundedCents" = "amountCents")),
    CONSTRAINT "TopUp_attention_reason" CHECK (NOT "needsAttention" OR "attentionReason" IS NOT NULL)
);
CREATE UNIQUE INDEX "TopUp_paymentReference_key" ON "TopUp"("paymentReference");
CREATE UNIQUE INDEX "TopUp_stripeCheckoutSessionId_key" ON "TopUp"("stripeCheckoutSessionId");
CREATE UNIQUE INDEX "TopUp_stripePaymentIntentId_key" ON "TopUp"("stripePaymentIntentId");
CREATE UNIQUE INDEX "TopUp_creditTransactionId_key" ON "TopUp"("creditTransactionId");
CREATE UNIQUE INDEX "TopUp_allianceId_receiptYear_receiptSeq_key" ON "TopUp"("allianceId", "receiptYear", "receiptSeq");
CREATE INDEX "TopUp_companyId_createdAt_idx" ON "TopUp"("companyId", "createdAt");
CREATE INDEX "TopUp_allianceId_status_createdAt_idx" ON "TopUp"("allianceId", "status", "createdAt");
-- The alliance admin's "to check" list.
CREATE INDEX "TopUp_allianceId_attention_idx" ON "TopUp"("allianceId", "createdAt") WHERE "needsAttention";

CREATE TABLE "TopUpReceiptCounter" (
    "allianceId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "lastSeq" INTEGER NOT NULL,
    CONSTRAINT "TopUpReceiptCounter_pkey" PRIMARY KEY ("allianceId", "year"),
    CONSTRAINT "TopUpReceiptCounter_lastSeq_positive" CHECK ("lastSeq" > 0)
);

CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "eventCreatedAt" TIMESTAMPTZ(3) NOT NULL,
    "topUpId" UUID,
    "outcome" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StripeEvent_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "StripeEvent_id_shape" CHECK ("id" ~ '^evt_[A-Za-z0-9_]{1,250}$')
);
CREATE INDEX "StripeEvent_topUpId_idx" ON "StripeEvent"("topUpId");

ALTER TABLE "AllianceBankAccount" ADD CONSTRAINT "AllianceBankAccount_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "AllianceBankAccount" ADD CONSTRAINT "AllianceBankAccount_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_declaredById_fkey" FOREIGN KEY ("declaredById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_confirmedById_fkey" FOREIGN KEY ("confirmedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_cancelledById_fkey" FOREIGN KEY ("cancelledById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_creditTransactionId_fkey" FOREIGN KEY ("creditTransactionId") REFERENCES "LedgerTransaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "TopUpReceiptCounter" ADD CONSTRAINT "TopUpReceiptCounter_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "StripeEvent" ADD CONSTRAINT "StripeEvent_topUpId_fkey" FOREIGN KEY ("topUpId") REFERENCES "TopUp"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ─── The company is in the top-up's alliance, and the credit is in it too ──────────────────────

CREATE FUNCTION "topup_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "Organization" o WHERE o."id" = NEW."companyId" AND o."allianceId" = NEW."allianceId") THEN
    RAISE EXCEPTION 'Organisation % is not in alliance %', NEW."companyId", NEW."allianceId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'TopUp_company_same_alliance';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "TopUp_before_insert"
  BEFORE INSERT ON "TopUp"
  FOR EACH ROW EXECUTE FUNCTION "topup_before_insert"();

-- ─── Money columns are written once; a credit only moves on to a refund ─────────────────────────

CREATE FUNCTION "topup_guard_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."id", NEW."allianceId", NEW."companyId", NEW."amountCents", NEW."method", NEW."paymentReference", NEW."createdAt")
     IS DISTINCT FROM
     (OLD."id", OLD."allianceId", OLD."companyId", OLD."amountCents", OLD."method", OLD."paymentReference", OLD."createdAt") THEN
    RAISE EXCEPTION 'The amount, company, method and reference of top-up % cannot change', OLD."id"
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'TopUp_immutable';
  END IF;
  IF OLD."creditTransactionId" IS NOT NULL AND (
       (NEW."creditTransactionId", NEW."creditedAt", NEW."receiptYear", NEW."receiptSeq")
       IS DISTINCT FROM (OLD."creditTransactionId", OLD."creditedAt", OLD."receiptYear", OLD."receiptSeq")
       OR NEW."status" NOT IN ('CREDITED', 'REFUNDED')
       OR (OLD."status" = 'REFUNDED' AND NEW."status" <> 'REFUNDED')
       OR NEW."refundedCents" < OLD."refundedCents"
       OR NEW."refundShortfallCents" < OLD."refundShortfallCents"
       OR (NEW."bankReference", NEW."receivedOn") IS DISTINCT FROM (OLD."bankReference", OLD."receivedOn")) THEN
    RAISE EXCEPTION 'Top-up % is credited: its credit, receipt and bank confirmation are final, only a refund may follow', OLD."id"
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'TopUp_credit_final';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "TopUp_guard_update"
  BEFORE UPDATE ON "TopUp"
  FOR EACH ROW EXECUTE FUNCTION "topup_guard_update"();

CREATE FUNCTION "topup_guard_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."creditTransactionId" IS NOT NULL THEN
    RAISE EXCEPTION 'Top-up % was credited and cannot be deleted', OLD."id" USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END;
$$;
CREATE TRIGGER "TopUp_guard_delete"
  BEFORE DELETE ON "TopUp"
  FOR EACH ROW EXECUTE FUNCTION "topup_guard_delete"();
