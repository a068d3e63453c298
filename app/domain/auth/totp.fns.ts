import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) as every authenticator app expects, and the at-rest
// encryption of its secret. Pure apart from randomness.

export const TOTP_ISSUER = 'Conciliamo';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** One step either side absorbs clock drift between the phone and the server. */
export const TOTP_WINDOW = 1;

export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, label = ''): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The otpauth:// URI the QR code carries. The label is what the app shows next to the code. */
export function totpUri(secretBase32: string, accountLabel: string): string {
  return totpFor(secretBase32, accountLabel).toString();
}

export function totpCode(secretBase32: string, timestampMs: number): string {
  return totpFor(secretBase32).generate({ timestamp: timestampMs });
}

/** Digits only, spaces allowed ("123 456"), exactly six of them. */
export function normalizeTotpInput(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The time-step counter the code belongs to (within ±TOTP_WINDOW of now), or null when it is
 * wrong. The counter lets the caller refuse a code that was already used once.
 */
export function matchTotpCode(secretBase32: string, input: string, timestampMs: number): number | null {
  const token = normalizeTotpInput(input);
  if (!token) return null;
  const delta = totpFor(secretBase32).validate({ token, timestamp: timestampMs, window: TOTP_WINDOW });
  if (delta === null) return null;
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: timestampMs }) + delta;
}

// The secret is stored encrypted with AES-256-GCM under a key derived from SESSION_SECRET, so a
// database dump alone does not give away second factors. Rotating SESSION_SECRET therefore makes
// stored secrets unreadable: affected users must set up TOTP again (decryptSecret throws).
const KEY_INFO = 'conciliamo:totp-secret:v1';
const FORMAT = 'v1';

function deriveKey(masterSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, 'conciliamo', KEY_INFO, 32));
}

export function encryptSecret(plaintext: string, masterSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(masterSecret), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

export function decryptSecret(stored: string, masterSecret: string): string {
  const [format, iv, tag, ciphertext] = stored.split('.');
  if (format !== FORMAT || !iv || !tag || ciphertext === undefined) {
    throw new SecretDecryptionError('Stored TOTP secret has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(masterSecret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('Stored TOTP secret cannot be decrypted (was SESSION_SECRET changed?)');
  }
}
