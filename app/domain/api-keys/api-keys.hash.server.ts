import { createHash, timingSafeEqual } from 'node:crypto';

// Only the sha256 of a key's secret is stored. The secret has 256 bits of entropy, so a fast hash
// is enough (a slow password hash protects guessable secrets, which these are not).

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKeySecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
