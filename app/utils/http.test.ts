import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './http.server';

describe('safeRedirectPath', () => {
  it('keeps same-site paths', () => {
    expect(safeRedirectPath('/azienda?tab=1')).toBe('/azienda?tab=1');
  });
  it('refuses absolute, protocol-relative and backslash URLs', () => {
    expect(safeRedirectPath('https://evil.example/')).toBe('/');
    expect(safeRedirectPath('//evil.example/')).toBe('/');
    expect(safeRedirectPath('/\\evil.example')).toBe('/');
    expect(safeRedirectPath(undefined, '/accedi')).toBe('/accedi');
  });
});
