import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isCrossSiteWrite, loggablePath } from './server-headers.server';

describe('request logging', () => {
  it('never logs e-mailed tokens', () => {
    expect(loggablePath('/reimposta-password/abcDEF123_secret')).toBe('/reimposta-password/:token');
    expect(loggablePath('/invito/xyz')).toBe('/invito/:token');
    expect(loggablePath('/azienda')).toBe('/azienda');
  });
});

describe('content security policy', () => {
  it('allows only this origin and the per-request nonce for scripts', () => {
    const csp = contentSecurityPolicy('n0nce', 'production');
    expect(csp).toContain("script-src 'self' 'nonce-n0nce'");
    expect(csp).toContain("font-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });
});

describe('cross-site writes', () => {
  const appUrl = 'https://welfare.example.it';
  it('lets same-origin posts and safe methods through', () => {
    expect(isCrossSiteWrite({ method: 'POST', origin: 'https://welfare.example.it', appUrl })).toBe(false);
    expect(isCrossSiteWrite({ method: 'POST', origin: 'http://localhost:3000', host: 'localhost:3000', appUrl })).toBe(false);
    expect(isCrossSiteWrite({ method: 'GET', origin: 'https://evil.example', appUrl })).toBe(false);
    expect(isCrossSiteWrite({ method: 'POST', appUrl })).toBe(false);
  });
  it('refuses posts from another site', () => {
    expect(isCrossSiteWrite({ method: 'POST', origin: 'https://evil.example', host: 'welfare.example.it', appUrl })).toBe(true);
    expect(isCrossSiteWrite({ method: 'POST', origin: 'null', appUrl })).toBe(true);
    expect(isCrossSiteWrite({ method: 'POST', secFetchSite: 'cross-site', appUrl })).toBe(true);
  });
});
