import { z } from 'zod';
import {
  LEDGER_ACCOUNT_KINDS,
  LEDGER_TRANSACTION_KINDS,
  MAX_ENTRIES_PER_TRANSACTION,
  MAX_KEY_LENGTH,
  MAX_METADATA_BYTES,
} from './ledger.fns';

// Inputs of the ledger functions (app/domain/ledger/ledger.server.ts). Messages are i18n keys
// (app/i18n/messages/ledger.ts), so a page that passes a user's amount on can show them.

/** Integer cents, exactly representable, not zero. */
export const CentsSchema = z
  .number({ error: 'ledger.amount.integer' })
  .refine(Number.isInteger, { error: 'ledger.amount.integer' })
  .refine(Number.isSafeInteger, { error: 'ledger.amount.tooLarge' })
  .refine((v) => v !== 0, { error: 'ledger.amount.zero' });

/** Integer cents greater than zero (holds, posts). */
export const PositiveCentsSchema = CentsSchema.refine((v) => v > 0, { error: 'ledger.amount.positive' });

/** Idempotency keys and hold keys: chosen by the caller, stable across retries, e.g. `topup:<id>`. */
export const LedgerKeyTextSchema = z
  .string({ error: 'ledger.key.invalid' })
  .min(1, { error: 'ledger.key.invalid' })
  .max(MAX_KEY_LENGTH, { error: 'ledger.key.invalid' })
  .regex(/^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*$/, { error: 'ledger.key.invalid' });

export const IdempotencyKeySchema = z
  .string({ error: 'ledger.key.invalid' })
  .min(1, { error: 'ledger.key.invalid' })
  .max(MAX_KEY_LENGTH, { error: 'ledger.key.invalid' })
  .regex(/^[\x21-\x7e]+$/, { error: 'ledger.key.invalid' });

/** Who moves the money: a person, an API key, or the platform itself (a job, the CLI, a webhook). */
export const LedgerActorSchema = z.union([
  z.object({ userId: z.uuid() }).strict(),
  z.object({ apiKeyId: z.uuid() }).strict(),
  z.object({ system: z.string().regex(/^[a-z][a-z0-9:._-]{0,63}$/) }).strict(),
]);
export type LedgerActor = z.infer<typeof LedgerActorSchema>;

/** Ids and codes only, never personal data; small. */
export const MetadataSchema = z
  .record(z.string(), z.json())
  .refine((m) => Buffer.byteLength(JSON.stringify(m), 'utf8') <= MAX_METADATA_BYTES, { error: 'ledger.metadata.tooLarge' });
export type LedgerMetadata = z.infer<typeof MetadataSchema>;

export const AccountRefSchema = z.union([
  z.object({ accountId: z.uuid() }).strict(),
  z.object({ ledgerKey: z.string().min(3).max(300) }).strict(),
]);
export type AccountRef = z.infer<typeof AccountRefSchema>;

export const EntryInputSchema = z.union([
  z.object({ accountId: z.uuid(), amountCents: CentsSchema }).strict(),
  z.object({ ledgerKey: z.string().min(3).max(300), amountCents: CentsSchema }).strict(),
]);
export type EntryInput = z.infer<typeof EntryInputSchema>;

export const PostTransactionInputSchema = z.object({
  allianceId: z.uuid(),
  kind: z.enum(LEDGER_TRANSACTION_KINDS),
  idempotencyKey: IdempotencyKeySchema,
  actor: LedgerActorSchema,
  metadata: MetadataSchema.default({}),
  entries: z
    .array(EntryInputSchema)
    .min(2, { error: 'ledger.entries.tooFew' })
    .max(MAX_ENTRIES_PER_TRANSACTION, { error: 'ledger.entries.tooMany' }),
});
export type PostTransactionInput = z.input<typeof PostTransactionInputSchema>;

export const AccountSpecSchema = z
  .object({
    allianceId: z.uuid(),
    kind: z.enum(LEDGER_ACCOUNT_KINDS),
    organizationId: z.uuid().nullish(),
    membershipId: z.uuid().nullish(),
    planId: z.uuid().nullish(),
    voucherId: z.uuid().nullish(),
    holdKey: LedgerKeyTextSchema.nullish(),
    sourceAccountId: z.uuid().nullish(),
  })
  .strict();

export const CreateHoldInputSchema = z.object({
  allianceId: z.uuid(),
  from: AccountRefSchema,
  amountCents: PositiveCentsSchema,
  holdKey: LedgerKeyTextSchema,
  idempotencyKey: IdempotencyKeySchema,
  actor: LedgerActorSchema,
  voucherId: z.uuid().nullish(),
  metadata: MetadataSchema.default({}),
});
export type CreateHoldInput = z.input<typeof CreateHoldInputSchema>;

export const PostHoldInputSchema = z.object({
  allianceId: z.uuid(),
  holdKey: LedgerKeyTextSchema,
  amountCents: PositiveCentsSchema,
  to: AccountRefSchema,
  idempotencyKey: IdempotencyKeySchema,
  actor: LedgerActorSchema,
  metadata: MetadataSchema.default({}),
});
export type PostHoldInput = z.input<typeof PostHoldInputSchema>;

export const VoidHoldInputSchema = z.object({
  allianceId: z.uuid(),
  holdKey: LedgerKeyTextSchema,
  idempotencyKey: IdempotencyKeySchema,
  actor: LedgerActorSchema,
  metadata: MetadataSchema.default({}),
});
export type VoidHoldInput = z.input<typeof VoidHoldInputSchema>;

export const ListEntriesInputSchema = z.object({
  allianceId: z.uuid(),
  account: AccountRefSchema,
  /** The `nextCursor` of the previous page (entries older than it). */
  cursor: z.string().regex(/^[0-9]{1,19}$/).nullish(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type ListEntriesInput = z.input<typeof ListEntriesInputSchema>;
