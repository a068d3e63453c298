// Everything the page needs comes from this origin: no CDN, no third-party script or font.
export function contentSecurityPolicy(nonce: string, nodeEnv: string): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'" + (nodeEnv === 'development' ? ' ws://localhost:*' : ''),
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ];
  return directives.join('; ');
}

// Single-use tokens travel in the path of e-mailed links; they must never reach the logs.
const SECRET_PATH_PREFIXES = ['/reimposta-password/', '/invito/'];

export function loggablePath(pathname: string): string {
  for (const prefix of SECRET_PATH_PREFIXES) {
    if (pathname.startsWith(prefix)) return `${prefix}:token`;
  }
  return pathname;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Login CSRF and cross-site form posts: a browser always sends Origin (and Sec-Fetch-Site) on a
 * POST; one from another site is refused. Clients without these headers (API keys, webhooks,
 * curl) carry no cookies of ours and pass.
 */
export function isCrossSiteWrite(input: { method: string; origin?: string; secFetchSite?: string; host?: string; appUrl: string }): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (input.secFetchSite === 'cross-site') return true;
  if (!input.origin || input.origin === 'null') return input.origin === 'null';
  let origin: URL;
  try {
    origin = new URL(input.origin);
  } catch {
    return true;
  }
  const allowed = new Set([new URL(input.appUrl).host]);
  if (input.host) allowed.add(input.host);
  return !allowed.has(origin.host);
}
