import type { OrganizationKindName, RoleName } from '~/domain/auth/roles';

// Pure helpers, safe in browser bundles too (the settings page imports them); hashing, which
// needs node:crypto, is in api-keys.hash.server.ts.
//
// An API key is `cnc_<prefix>_<secret>`: the prefix (8 base32 characters, stored in clear and
// unique) finds the row, the secret (32 random bytes, base64url) proves possession. Only the
// sha256 of the secret is stored: with 256 bits of entropy a slow password hash adds nothing.

export const API_KEY_TAG = 'cnc';
export const API_KEY_PREFIX_LENGTH = 8;
export const API_KEY_SECRET_BYTES = 32;
/** lastUsedAt is written at most this often per key, so busy integrations do not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const PREFIX_PATTERN = /^[a-z2-7]{8}$/;
const KEY_PATTERN = /^cnc_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;

/**
 * Roles an organisation's API key may carry; the first is the default. EMPLOYEE is never a key's
 * role (a key acts for the organisation, not a person). Public bodies and other organisations get
 * read-only AUDITOR keys, although no person in them holds that role (see ROLE_ORGANIZATION_KINDS).
 */
export const API_KEY_ROLES_BY_KIND: Record<OrganizationKindName, readonly RoleName[]> = {
  COMPANY: ['COMPANY_ADMIN'],
  PROVIDER: ['PROVIDER_OPERATOR'],
  AMBITO: ['ALLIANCE_ADMIN', 'AMBITO_CURATOR', 'AUDITOR'],
  PUBLIC_BODY: ['AUDITOR'],
  OTHER: ['AUDITOR'],
};

export function apiKeyRolesFor(kind: OrganizationKindName): readonly RoleName[] {
  return API_KEY_ROLES_BY_KIND[kind];
}

export function defaultApiKeyRole(kind: OrganizationKindName): RoleName {
  const [first] = API_KEY_ROLES_BY_KIND[kind];
  if (!first) throw new Error(`No API key role defined for organization kind ${kind}`);
  return first;
}

export function roleFitsOrganization(kind: OrganizationKindName, role: RoleName): boolean {
  return API_KEY_ROLES_BY_KIND[kind].includes(role);
}

/** 5 random bytes → 8 base32 characters (40 bits: collisions are rare and retried on insert). */
export function encodePrefix(bytes: Uint8Array): string {
  if (bytes.length !== 5) throw new Error('An API key prefix is made from exactly 5 bytes');
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = API_KEY_PREFIX_LENGTH - 1; i >= 0; i--) {
    out += BASE32_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  }
  return out;
}

export function formatApiKey(prefix: string, secret: string): string {
  return `${API_KEY_TAG}_${prefix}_${secret}`;
}

/** Splits a presented key into prefix and secret; null when it does not have the key's shape. */
export function parseApiKey(raw: string): { prefix: string; secret: string } | null {
  const match = KEY_PATTERN.exec(raw.trim());
  if (!match?.[1] || !match[2]) return null;
  return { prefix: match[1], secret: match[2] };
}

/**
 * Accepts what a person copies to name a key: `abcd2345`, `cnc_abcd2345` or the whole key.
 * Returns the bare prefix, or null when the input is none of these.
 */
export function normalizeKeyPrefix(input: string): string | null {
  const value = input.trim();
  const full = parseApiKey(value);
  if (full) return full.prefix;
  const bare = value.toLowerCase().startsWith(`${API_KEY_TAG}_`) ? value.slice(API_KEY_TAG.length + 1) : value;
  const lower = bare.replace(/[_…]+$/, '').toLowerCase();
  return PREFIX_PATTERN.test(lower) ? lower : null;
}

/** The part of a key that may be shown again: `cnc_abcd2345`. */
export function displayPrefix(prefix: string): string {
  return `${API_KEY_TAG}_${prefix}`;
}

/**
 * The key from `Authorization: Bearer …` (scheme case-insensitive) or `X-Api-Key`.
 * Returns null when neither header is present; a malformed value is returned as is, so the
 * caller answers "invalid key" rather than "no key".
 */
export function extractPresentedKey(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1]?.trim() ?? authorization.trim();
  }
  const header = headers.get('x-api-key');
  return header ? header.trim() : null;
}

export function shouldTouchLastUsed(lastUsedAt: Date | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}

export type ApiKeyStatus = 'active' | 'revoked';

export function apiKeyStatus(key: { revokedAt: Date | string | null }): ApiKeyStatus {
  return key.revokedAt ? 'revoked' : 'active';
}
