import { randomBytes } from 'node:crypto';
import {
  API_KEY_ROLES_BY_KIND,
  apiKeyStatus,
  defaultApiKeyRole,
  displayPrefix,
  encodePrefix,
  extractPresentedKey,
  formatApiKey,
  normalizeKeyPrefix,
  parseApiKey,
  roleFitsOrganization,
  shouldTouchLastUsed,
} from './api-keys.fns';
import { hashApiKeySecret, secretMatchesHash } from './api-keys.hash.server';

const SECRET = randomBytes(32).toString('base64url');

describe('API key format', () => {
  it('encodes 5 bytes as 8 base32 characters', () => {
    expect(encodePrefix(new Uint8Array([0, 0, 0, 0, 0]))).toBe('aaaaaaaa');
    expect(encodePrefix(new Uint8Array([255, 255, 255, 255, 255]))).toBe('77777777');
    // 0x0842108421 = 00001 00001 … : every 5-bit group is 1 → "b".
    expect(encodePrefix(new Uint8Array([0x08, 0x42, 0x10, 0x84, 0x21]))).toBe('bbbbbbbb');
    expect(() => encodePrefix(new Uint8Array(4))).toThrow();
  });

  it('round-trips a key through format and parse, even when the secret contains _ and -', () => {
    const secret = `${'_'.repeat(3)}${'-'.repeat(3)}${SECRET.slice(6)}`;
    const key = formatApiKey('abcd2345', secret);
    expect(key).toMatch(/^cnc_abcd2345_/);
    expect(parseApiKey(key)).toEqual({ prefix: 'abcd2345', secret });
    expect(parseApiKey(`  ${key}  `)).toEqual({ prefix: 'abcd2345', secret });
  });

  it('rejects anything that is not a whole key', () => {
    expect(parseApiKey('')).toBeNull();
    expect(parseApiKey('cnc_abcd2345')).toBeNull();
    expect(parseApiKey(`cnc_ABCD2345_${SECRET}`)).toBeNull();
    expect(parseApiKey(`xyz_abcd2345_${SECRET}`)).toBeNull();
    expect(parseApiKey(`cnc_abcd2345_${SECRET}x`)).toBeNull();
    expect(parseApiKey(`cnc_abcd2345_${SECRET.slice(1)}`)).toBeNull();
  });

  it('normalises the ways a person names a key prefix', () => {
    expect(normalizeKeyPrefix('abcd2345')).toBe('abcd2345');
    expect(normalizeKeyPrefix('cnc_abcd2345')).toBe('abcd2345');
    expect(normalizeKeyPrefix('CNC_ABCD2345')).toBe('abcd2345');
    expect(normalizeKeyPrefix('cnc_abcd2345…')).toBe('abcd2345');
    expect(normalizeKeyPrefix(formatApiKey('abcd2345', SECRET))).toBe('abcd2345');
    expect(normalizeKeyPrefix('abcd234')).toBeNull();
    expect(normalizeKeyPrefix('abcd2341')).toBeNull(); // 1 is not base32
    expect(normalizeKeyPrefix('')).toBeNull();
    expect(displayPrefix('abcd2345')).toBe('cnc_abcd2345');
  });
});

describe('API key secrets', () => {
  it('hashes with sha256 and matches only the same secret', () => {
    const hash = hashApiKeySecret(SECRET);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(SECRET);
    expect(secretMatchesHash(SECRET, hash)).toBe(true);
    const oneCharOff = `${SECRET.slice(0, -1)}${SECRET.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatchesHash(oneCharOff, hash)).toBe(false);
    expect(secretMatchesHash(SECRET, 'not-a-hash')).toBe(false);
    expect(secretMatchesHash(SECRET, '0'.repeat(64))).toBe(false);
  });
});

describe('extractPresentedKey', () => {
  it('reads Authorization: Bearer (any case) before X-Api-Key', () => {
    expect(extractPresentedKey(new Headers({ Authorization: 'Bearer cnc_x' }))).toBe('cnc_x');
    expect(extractPresentedKey(new Headers({ Authorization: 'bearer   cnc_x ' }))).toBe('cnc_x');
    expect(extractPresentedKey(new Headers({ 'X-Api-Key': ' cnc_y ' }))).toBe('cnc_y');
    expect(extractPresentedKey(new Headers({ Authorization: 'Bearer cnc_x', 'X-Api-Key': 'cnc_y' }))).toBe('cnc_x');
  });

  it('returns null without a key and the raw value for another scheme (so it is "invalid", not "missing")', () => {
    expect(extractPresentedKey(new Headers())).toBeNull();
    expect(extractPresentedKey(new Headers({ Authorization: 'Basic dXNlcjpwYXNz' }))).toBe('Basic dXNlcjpwYXNz');
  });
});

describe('roles of API keys', () => {
  it('defaults by organisation kind', () => {
    expect(defaultApiKeyRole('COMPANY')).toBe('COMPANY_ADMIN');
    expect(defaultApiKeyRole('PROVIDER')).toBe('PROVIDER_OPERATOR');
    expect(defaultApiKeyRole('AMBITO')).toBe('ALLIANCE_ADMIN');
    expect(defaultApiKeyRole('PUBLIC_BODY')).toBe('AUDITOR');
    expect(defaultApiKeyRole('OTHER')).toBe('AUDITOR');
  });

  it('allows only roles that fit the kind, and never EMPLOYEE', () => {
    expect(roleFitsOrganization('COMPANY', 'COMPANY_ADMIN')).toBe(true);
    expect(roleFitsOrganization('COMPANY', 'PROVIDER_OPERATOR')).toBe(false);
    expect(roleFitsOrganization('COMPANY', 'ALLIANCE_ADMIN')).toBe(false);
    expect(roleFitsOrganization('PROVIDER', 'COMPANY_ADMIN')).toBe(false);
    expect(roleFitsOrganization('AMBITO', 'AUDITOR')).toBe(true);
    expect(roleFitsOrganization('AMBITO', 'AMBITO_CURATOR')).toBe(true);
    expect(roleFitsOrganization('PUBLIC_BODY', 'ALLIANCE_ADMIN')).toBe(false);
    for (const roles of Object.values(API_KEY_ROLES_BY_KIND)) expect(roles).not.toContain('EMPLOYEE');
  });
});

describe('lastUsedAt resolution', () => {
  it('touches a key never used, or last used a minute or more ago', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    expect(shouldTouchLastUsed(null, now)).toBe(true);
    expect(shouldTouchLastUsed(new Date('2026-03-01T09:59:00Z'), now)).toBe(true);
    expect(shouldTouchLastUsed(new Date('2026-03-01T09:59:30Z'), now)).toBe(false);
  });

  it('reports the status', () => {
    expect(apiKeyStatus({ revokedAt: null })).toBe('active');
    expect(apiKeyStatus({ revokedAt: new Date() })).toBe('revoked');
  });
});
