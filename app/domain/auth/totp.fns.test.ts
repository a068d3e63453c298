import {
  decryptSecret,
  encryptSecret,
  generateTotpSecret,
  matchTotpCode,
  normalizeTotpInput,
  SecretDecryptionError,
  totpCode,
  totpUri,
} from './totp.fns';

const MASTER = 'a-test-session-secret-of-at-least-32-chars';

describe('TOTP codes', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), truncated to 6 digits.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('match the RFC 6238 test vectors', () => {
    expect(totpCode(rfcSecret, 59_000)).toBe('287082');
    expect(totpCode(rfcSecret, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(rfcSecret, 1_234_567_890_000)).toBe('005924');
  });

  it('accept the current step and one step either side, and return its counter', () => {
    const now = 1_700_000_000_000;
    const counter = Math.floor(now / 30_000);
    expect(matchTotpCode(rfcSecret, totpCode(rfcSecret, now), now)).toBe(counter);
    expect(matchTotpCode(rfcSecret, totpCode(rfcSecret, now - 30_000), now)).toBe(counter - 1);
    expect(matchTotpCode(rfcSecret, totpCode(rfcSecret, now + 30_000), now)).toBe(counter + 1);
    expect(matchTotpCode(rfcSecret, totpCode(rfcSecret, now - 60_000), now)).toBeNull();
    expect(matchTotpCode(rfcSecret, totpCode(rfcSecret, now + 60_000), now)).toBeNull();
  });

  it('refuse malformed input', () => {
    expect(matchTotpCode(rfcSecret, 'abcdef', 0)).toBeNull();
    expect(matchTotpCode(rfcSecret, '12345', 0)).toBeNull();
    expect(normalizeTotpInput(' 123 456 ')).toBe('123456');
    expect(normalizeTotpInput('1234567')).toBeNull();
  });

  it('generate fresh 160-bit secrets and an otpauth URI with issuer and label', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    const uri = totpUri(secret, 'anna@example.it');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Conciliamo:anna%40example\.it\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain('issuer=Conciliamo');
  });
});

describe('secret encryption', () => {
  it('round-trips and never stores the plaintext', () => {
    const stored = encryptSecret('JBSWY3DPEHPK3PXP', MASTER);
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(stored.startsWith('v1.')).toBe(true);
    expect(decryptSecret(stored, MASTER)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('JBSWY3DPEHPK3PXP', MASTER)).not.toBe(encryptSecret('JBSWY3DPEHPK3PXP', MASTER));
  });

  it('refuses another key and tampered data', () => {
    const stored = encryptSecret('JBSWY3DPEHPK3PXP', MASTER);
    expect(() => decryptSecret(stored, `${MASTER}-rotated`)).toThrow(SecretDecryptionError);
    const parts = stored.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 0xff;
    parts[3] = body.toString('base64url');
    expect(() => decryptSecret(parts.join('.'), MASTER)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret('plain-text', MASTER)).toThrow(SecretDecryptionError);
  });
});
