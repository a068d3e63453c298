import { json } from '@remix-run/node';
import { getHealth, httpStatusFor } from '~/domain/health/health.server';

// For load balancers and monitoring: 200 while the database answers (status ok or degraded),
// 503 when it does not. Never cached.
export async function loader() {
  const report = await getHealth();
  return json(report, {
    status: httpStatusFor(report.status),
    headers: { 'Cache-Control': 'no-store' },
  });
}
