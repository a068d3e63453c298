-- The ledger: double-entry accounts, transactions and entries (docs/decisions/0007-ledger.md).
-- Amounts are signed integer cents (BIGINT). Positive balances are money held for someone
-- (a company's budget, an employee's wallet, a provider's payable); clearing and external
-- accounts mirror money outside the platform and may go negative.
--
-- What the database itself guarantees, whoever writes:
--   * the entries of a transaction sum to zero and are at least two (checked at commit);
--   * an entry is never zero, and is written in the same database transaction as its header;
--   * every account of a transaction belongs to the transaction's alliance;
--   * an account that does not allow negative balances never goes below zero;
--   * the cached balance of an account equals the sum of its entries (kept by the entry trigger,
--     the only writer of "balanceCents");
--   * transactions and entries are append-only; accounts are never deleted;
--   * idempotency keys and account keys are unique.

CREATE TYPE "LedgerAccountKind" AS ENUM ('COMPANY_BUDGET', 'EMPLOYEE_WALLET', 'HOLD', 'PROVIDER_PAYABLE', 'REIMBURSEMENT_PAYABLE', 'SOLIDARITY_FUND', 'BANK_CLEARING', 'STRIPE_CLEARING', 'EXTERNAL_FUNDING');
CREATE TYPE "LedgerTransactionKind" AS ENUM ('TOP_UP', 'TOP_UP_REVERSAL', 'ALLOCATION', 'HOLD', 'HOLD_POST', 'HOLD_VOID', 'REIMBURSEMENT', 'PAYOUT', 'PLAN_CLOSE', 'FUND_CONTRIBUTION', 'FUND_GRANT', 'ADJUSTMENT');

CREATE TABLE "LedgerAccount" (
    "id" UUID NOT NULL,
    "allianceId" UUID NOT NULL,
    "kind" "LedgerAccountKind" NOT NULL,
    "ledgerKey" TEXT NOT NULL,
    "organizationId" UUID,
    "membershipId" UUID,
    "planId" UUID,
    "voucherId" UUID,
    "sourceAccountId" UUID,
    "currency" CHAR(3) NOT NULL DEFAULT 'EUR',
    "balanceCents" BIGINT NOT NULL DEFAULT 0,
    "allowNegative" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LedgerAccount_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "LedgerAccount_currency_eur" CHECK ("currency" = 'EUR'),
    CONSTRAINT "LedgerAccount_ledgerKey_shape" CHECK ("ledgerKey" ~ '^[a-z]+(:[A-Za-z0-9_.-]+)+$' AND length("ledgerKey") <= 300),
    CONSTRAINT "LedgerAccount_balance_non_negative" CHECK ("allowNegative" OR "balanceCents" >= 0),
    -- Only accounts that mirror money outside the platform may go negative.
    CONSTRAINT "LedgerAccount_allowNegative_kind" CHECK (NOT "allowNegative" OR "kind" IN ('BANK_CLEARING', 'STRIPE_CLEARING', 'EXTERNAL_FUNDING')),
    CONSTRAINT "LedgerAccount_owner" CHECK (
      CASE "kind"
        WHEN 'COMPANY_BUDGET' THEN "organizationId" IS NOT NULL
        WHEN 'EMPLOYEE_WALLET' THEN "membershipId" IS NOT NULL AND "planId" IS NOT NULL
        WHEN 'HOLD' THEN "sourceAccountId" IS NOT NULL
        WHEN 'PROVIDER_PAYABLE' THEN "organizationId" IS NOT NULL
        WHEN 'REIMBURSEMENT_PAYABLE' THEN "membershipId" IS NOT NULL
        ELSE true
      END),
    CONSTRAINT "LedgerAccount_source_only_for_holds" CHECK (("kind" = 'HOLD') = ("sourceAccountId" IS NOT NULL))
);
CREATE UNIQUE INDEX "LedgerAccount_ledgerKey_key" ON "LedgerAccount"("ledgerKey");
CREATE INDEX "LedgerAccount_allianceId_kind_idx" ON "LedgerAccount"("allianceId", "kind");
CREATE INDEX "LedgerAccount_organizationId_idx" ON "LedgerAccount"("organizationId");
CREATE INDEX "LedgerAccount_membershipId_idx" ON "LedgerAccount"("membershipId");
CREATE INDEX "LedgerAccount_planId_idx" ON "LedgerAccount"("planId");
CREATE INDEX "LedgerAccount_sourceAccountId_idx" ON "LedgerAccount"("sourceAccountId");

CREATE TABLE "LedgerTransaction" (
    "id" UUID NOT NULL,
    "allianceId" UUID NOT NULL,
    "kind" "LedgerTransactionKind" NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "actorUserId" UUID,
    "actorApiKeyId" UUID,
    "actorSystem" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LedgerTransaction_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "LedgerTransaction_idempotencyKey_shape" CHECK (length("idempotencyKey") BETWEEN 1 AND 300),
    -- Exactly one of: a person, an API key, or the platform itself (a job, the CLI, a webhook).
    CONSTRAINT "LedgerTransaction_one_actor" CHECK (num_nonnulls("actorUserId", "actorApiKeyId", "actorSystem") = 1),
    CONSTRAINT "LedgerTransaction_metadata_object" CHECK (jsonb_typeof("metadata") = 'object')
);
CREATE UNIQUE INDEX "LedgerTransaction_idempotencyKey_key" ON "LedgerTransaction"("idempotencyKey");
CREATE INDEX "LedgerTransaction_allianceId_createdAt_idx" ON "LedgerTransaction"("allianceId", "createdAt");

CREATE TABLE "LedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "transactionId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "amountCents" BIGINT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "LedgerEntry_amount_not_zero" CHECK ("amountCents" <> 0)
);
CREATE INDEX "LedgerEntry_transactionId_idx" ON "LedgerEntry"("transactionId");
CREATE INDEX "LedgerEntry_accountId_id_idx" ON "LedgerEntry"("accountId", "id");

ALTER TABLE "LedgerAccount" ADD CONSTRAINT "LedgerAccount_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LedgerAccount" ADD CONSTRAINT "LedgerAccount_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LedgerAccount" ADD CONSTRAINT "LedgerAccount_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LedgerAccount" ADD CONSTRAINT "LedgerAccount_sourceAccountId_fkey" FOREIGN KEY ("sourceAccountId") REFERENCES "LedgerAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LedgerTransaction" ADD CONSTRAINT "LedgerTransaction_allianceId_fkey" FOREIGN KEY ("allianceId") REFERENCES "Alliance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "LedgerTransaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "LedgerAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─── Accounts ────────────────────────────────────────────────────────────────────────────────

-- An account's owners belong to its alliance; a new account starts at zero.
CREATE FUNCTION "ledger_account_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."balanceCents" <> 0 THEN
    RAISE EXCEPTION 'A ledger account starts at zero: its balance comes from entries only'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerAccount_starts_at_zero', DETAIL = '{"rule":"starts_at_zero"}';
  END IF;
  IF NEW."organizationId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "Organization" o WHERE o."id" = NEW."organizationId" AND o."allianceId" = NEW."allianceId"
  ) THEN
    RAISE EXCEPTION 'Organisation % is not in alliance %', NEW."organizationId", NEW."allianceId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerAccount_same_alliance', DETAIL = '{"rule":"account_same_alliance"}';
  END IF;
  IF NEW."membershipId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "Membership" m JOIN "Organization" o ON o."id" = m."organizationId"
    WHERE m."id" = NEW."membershipId" AND o."allianceId" = NEW."allianceId"
  ) THEN
    RAISE EXCEPTION 'Membership % is not in alliance %', NEW."membershipId", NEW."allianceId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerAccount_same_alliance', DETAIL = '{"rule":"account_same_alliance"}';
  END IF;
  IF NEW."sourceAccountId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "LedgerAccount" s
    WHERE s."id" = NEW."sourceAccountId" AND s."allianceId" = NEW."allianceId" AND s."kind" <> 'HOLD' AND NOT s."allowNegative"
  ) THEN
    RAISE EXCEPTION 'The source of hold % must be a non-hold account of alliance % that cannot go negative', NEW."ledgerKey", NEW."allianceId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerAccount_same_alliance', DETAIL = '{"rule":"account_same_alliance"}';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "LedgerAccount_before_insert"
  BEFORE INSERT ON "LedgerAccount"
  FOR EACH ROW EXECUTE FUNCTION "ledger_account_before_insert"();

-- Only "balanceCents" ever changes, and only from the entry trigger below (trigger depth > 1):
-- an UPDATE written by hand cannot move money without an entry.
CREATE FUNCTION "ledger_account_guard_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."id", NEW."allianceId", NEW."kind", NEW."ledgerKey", NEW."organizationId", NEW."membershipId", NEW."planId",
      NEW."voucherId", NEW."sourceAccountId", NEW."currency", NEW."allowNegative", NEW."createdAt")
     IS DISTINCT FROM
     (OLD."id", OLD."allianceId", OLD."kind", OLD."ledgerKey", OLD."organizationId", OLD."membershipId", OLD."planId",
      OLD."voucherId", OLD."sourceAccountId", OLD."currency", OLD."allowNegative", OLD."createdAt") THEN
    RAISE EXCEPTION 'A ledger account cannot be changed, only its balance moves through entries'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW."balanceCents" IS DISTINCT FROM OLD."balanceCents" AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'A ledger balance changes only through entries (write a LedgerTransaction)'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "LedgerAccount_guard_update"
  BEFORE UPDATE ON "LedgerAccount"
  FOR EACH ROW EXECUTE FUNCTION "ledger_account_guard_update"();

-- ─── Append-only ─────────────────────────────────────────────────────────────────────────────

CREATE FUNCTION "ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "LedgerTransaction_append_only"
  BEFORE UPDATE OR DELETE ON "LedgerTransaction"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "LedgerEntry_append_only"
  BEFORE UPDATE OR DELETE ON "LedgerEntry"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "LedgerAccount_no_delete"
  BEFORE DELETE ON "LedgerAccount"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "LedgerTransaction_no_truncate"
  BEFORE TRUNCATE ON "LedgerTransaction"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "LedgerEntry_no_truncate"
  BEFORE TRUNCATE ON "LedgerEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "LedgerAccount_no_truncate"
  BEFORE TRUNCATE ON "LedgerAccount"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_append_only"();

-- ─── Transactions and entries ────────────────────────────────────────────────────────────────

-- The header's time is the database transaction's: its entries carry the same instant, which is
-- how the entry trigger knows they are written together.
CREATE FUNCTION "ledger_transaction_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."createdAt" := now()::timestamptz(3);
  RETURN NEW;
END;
$$;
CREATE TRIGGER "LedgerTransaction_before_insert"
  BEFORE INSERT ON "LedgerTransaction"
  FOR EACH ROW EXECUTE FUNCTION "ledger_transaction_before_insert"();

-- Each entry: same database transaction and same alliance as its header, then the account's
-- cached balance moves by a conditional update. The update waits for a concurrent writer of the
-- same account and re-reads its committed balance, so two debits can never both see the same
-- funds; a debit that would take a non-negative account below zero is refused here, with the
-- account and the shortfall in DETAIL (the CHECK on the table stays as the last line of defence).
-- Every error raised here carries {"rule": …} in DETAIL, which app/domain/ledger maps to typed errors.
CREATE FUNCTION "ledger_entry_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx_alliance UUID;
  tx_created TIMESTAMPTZ;
  acc RECORD;
BEGIN
  NEW."createdAt" := now()::timestamptz(3);
  SELECT t."allianceId", t."createdAt" INTO tx_alliance, tx_created FROM "LedgerTransaction" t WHERE t."id" = NEW."transactionId";
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Ledger transaction % does not exist', NEW."transactionId"
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'LedgerEntry_transactionId_fkey', DETAIL = '{"rule":"transaction_exists"}';
  END IF;
  IF tx_created <> NEW."createdAt" THEN
    RAISE EXCEPTION 'Entries are written with their transaction: transaction % is closed', NEW."transactionId"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerEntry_with_transaction', DETAIL = '{"rule":"with_transaction"}';
  END IF;

  UPDATE "LedgerAccount" a SET "balanceCents" = a."balanceCents" + NEW."amountCents"
  WHERE a."id" = NEW."accountId" AND a."allianceId" = tx_alliance
    AND (a."allowNegative" OR a."balanceCents" + NEW."amountCents" >= 0);
  IF NOT FOUND THEN
    SELECT a."allianceId", a."kind", a."balanceCents", a."ledgerKey" INTO acc FROM "LedgerAccount" a WHERE a."id" = NEW."accountId";
    IF NOT FOUND THEN
      RAISE EXCEPTION 'Ledger account % does not exist', NEW."accountId"
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'LedgerEntry_accountId_fkey', DETAIL = '{"rule":"account_exists"}';
    ELSIF acc."allianceId" <> tx_alliance THEN
      RAISE EXCEPTION 'Ledger account % is not in the alliance of transaction %', NEW."accountId", NEW."transactionId"
        USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerEntry_same_alliance', DETAIL = '{"rule":"same_alliance"}';
    ELSE
      RAISE EXCEPTION 'Insufficient funds on ledger account %', acc."ledgerKey"
        USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerAccount_balance_non_negative',
              DETAIL = json_build_object('rule', 'insufficient_funds', 'accountId', NEW."accountId", 'ledgerKey', acc."ledgerKey", 'kind', acc."kind",
                                         'balanceCents', acc."balanceCents"::text, 'amountCents', NEW."amountCents"::text,
                                         'shortfallCents', (-(acc."balanceCents" + NEW."amountCents"))::text)::text;
    END IF;
  END IF;

  -- A new entry invalidates the "already checked" mark of ledger_transaction_check_balanced.
  PERFORM set_config('conciliamo.ledger_checked', '', true);
  RETURN NEW;
END;
$$;
CREATE TRIGGER "LedgerEntry_before_insert"
  BEFORE INSERT ON "LedgerEntry"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entry_before_insert"();

-- At commit: the transaction's entries sum to zero and are at least two. Fired once for the
-- header and once per entry (so entries added to any transaction are checked too); the first
-- firing for a transaction checks it and marks it, the next ones for the same transaction skip the
-- work until another entry is written (ledger_entry_before_insert clears the mark). So a
-- transaction of n entries costs one aggregate, not n.
CREATE FUNCTION "ledger_transaction_check_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx_id UUID;
  entry_count BIGINT;
  total NUMERIC;
BEGIN
  IF TG_TABLE_NAME = 'LedgerTransaction' THEN
    tx_id := NEW."id";
  ELSE
    tx_id := NEW."transactionId";
  END IF;
  IF current_setting('conciliamo.ledger_checked', true) = tx_id::text THEN
    RETURN NULL;
  END IF;
  SELECT count(*), coalesce(sum(e."amountCents"::numeric), 0) INTO entry_count, total
  FROM "LedgerEntry" e WHERE e."transactionId" = tx_id;
  IF entry_count < 2 THEN
    RAISE EXCEPTION 'Ledger transaction % has % entries: at least two are needed', tx_id, entry_count
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerTransaction_min_entries', DETAIL = '{"rule":"min_entries"}';
  END IF;
  IF total <> 0 THEN
    RAISE EXCEPTION 'Ledger transaction % is unbalanced: its entries sum to % cents', tx_id, total
      USING ERRCODE = 'check_violation', CONSTRAINT = 'LedgerTransaction_balanced', DETAIL = '{"rule":"balanced"}';
  END IF;
  PERFORM set_config('conciliamo.ledger_checked', tx_id::text, true);
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER "LedgerTransaction_balanced"
  AFTER INSERT ON "LedgerTransaction"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger_transaction_check_balanced"();
CREATE CONSTRAINT TRIGGER "LedgerEntry_balanced"
  AFTER INSERT ON "LedgerEntry"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger_transaction_check_balanced"();
