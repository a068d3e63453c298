// Pure parts of the health report (no I/O).

export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface ServiceCheck {
  ok: boolean;
  latencyMs: number;
  /** `timeout` or `unreachable`: /healthz is public, details go to the log only. */
  error?: string;
}

export interface OutboxCheck {
  /** null when the database could not be asked. */
  pending: number | null;
  /** Age of the oldest PENDING event; null when none (or unknown). */
  oldestPendingAgeSeconds: number | null;
  error?: string;
}

export interface HealthReport {
  status: HealthStatus;
  checks: { database: ServiceCheck; redis: ServiceCheck; outbox: OutboxCheck };
  version: string;
}

/**
 * Without the database nothing works (down, 503). Without Redis pages are still served and jobs
 * wait in the outbox (degraded, still 200 so a load balancer keeps sending traffic).
 */
export function overallStatus(checks: HealthReport['checks']): HealthStatus {
  if (!checks.database.ok) return 'down';
  if (!checks.redis.ok || checks.outbox.error) return 'degraded';
  return 'ok';
}

export function httpStatusFor(status: HealthStatus): number {
  return status === 'down' ? 503 : 200;
}
