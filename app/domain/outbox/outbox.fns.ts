// Pure helpers of the outbox dispatcher (no I/O).

export const OUTBOX_BACKOFF_BASE_MS = 1_000;
export const OUTBOX_BACKOFF_MAX_MS = 60_000;

/**
 * How long a row waits after its `attempts`-th failed dispatch (1-based): 1 s, 2 s, 4 s … capped
 * at a minute, so a long Redis outage costs one query a minute per row, and recovery is quick.
 */
export function outboxRetryDelayMs(attempts: number, baseMs = OUTBOX_BACKOFF_BASE_MS, maxMs = OUTBOX_BACKOFF_MAX_MS): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}

/** BullMQ job id for an outbox row: the same row always yields the same job (BullMQ dedupes it). */
export function outboxJobId(outboxEventId: bigint | number | string): string {
  return `outbox-${String(outboxEventId)}`;
}

/**
 * How soon the dispatcher loop runs again: at once after a full batch (more is waiting), after the
 * idle interval otherwise or while Redis is failing, after `errorMs` when the batch itself failed.
 */
export function nextDispatchDelayMs(
  result: { claimed: number; redisError?: string } | null,
  limit: number,
  idleMs: number,
  errorMs: number,
): number {
  if (result === null) return errorMs;
  return result.claimed >= limit && result.redisError === undefined ? 0 : idleMs;
}
