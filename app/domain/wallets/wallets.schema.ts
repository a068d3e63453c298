import { z } from 'zod';

// The employee's wallet page: which plan, and the movements table's server-side sort and page (URL).

export const MOVEMENT_SORTS = ['date', 'amount'] as const;

export const walletQuerySchema = z.object({
  piano: z.uuid().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.enum(MOVEMENT_SORTS).catch('date'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
});
export type WalletQuery = z.infer<typeof walletQuerySchema>;
