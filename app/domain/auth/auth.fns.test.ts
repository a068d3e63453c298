import {
  accountKeyFor,
  generateToken,
  hashToken,
  managementDecision,
  normalizeEmail,
  passwordPolicyProblem,
  pickDefaultMembership,
  postLoginRedirect,
  retryAfterMinutes,
  safeRedirectPath,
  sessionNeedsTouch,
  sortMembershipsByPriority,
} from './auth.fns';
import { roleFitsOrganizationKind } from './roles';

describe('normalizeEmail', () => {
  it('trims and lowercases', () => {
    expect(normalizeEmail('  Mario.Rossi@Example.IT ')).toBe('mario.rossi@example.it');
  });
});

describe('passwordPolicyProblem', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordPolicyProblem('prato-fiorito-42', 'anna@example.it')).toBeNull();
  });
  it('refuses fewer than 10 characters', () => {
    expect(passwordPolicyProblem('corta-123')).toBe('auth.password.tooShort');
    expect(passwordPolicyProblem('abcdefghi')).toBe('auth.password.tooShort');
  });
  it('counts characters, not UTF-16 units', () => {
    expect(passwordPolicyProblem('😀😀😀😀😀😀😀😀😀')).toBe('auth.password.tooShort');
  });
  it('refuses very long input', () => {
    expect(passwordPolicyProblem('x'.repeat(300) + 'y')).toBe('auth.password.tooLong');
  });
  it('refuses the e-mail address or its local part, whatever the case', () => {
    expect(passwordPolicyProblem('Anna.Bianchi@Example.it', 'anna.bianchi@example.it')).toBe('auth.password.sameAsEmail');
    expect(passwordPolicyProblem('anna.bianchi', 'anna.bianchi@example.it')).toBe('auth.password.sameAsEmail');
  });
  it('refuses common passwords case-insensitively and single repeated characters', () => {
    expect(passwordPolicyProblem('Password123')).toBe('auth.password.tooCommon');
    expect(passwordPolicyProblem('QWERTYUIOP')).toBe('auth.password.tooCommon');
    expect(passwordPolicyProblem('zzzzzzzzzzzz')).toBe('auth.password.tooCommon');
  });
});

describe('safeRedirectPath (open-redirect guard)', () => {
  it('keeps same-site paths with query and hash', () => {
    expect(safeRedirectPath('/azienda?tab=dipendenti#lista')).toBe('/azienda?tab=dipendenti#lista');
    expect(safeRedirectPath('/ente')).toBe('/ente');
  });
  it.each([
    'https://evil.example/',
    'http:/evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/.//evil.example',
    '/%0a//evil.example'.replace('%0a', '\n'),
    '/\t/evil.example',
    'javascript:alert(1)',
    'azienda',
    '',
    ' /azienda',
  ])('refuses %j', (value) => {
    expect(safeRedirectPath(value, '/fallback')).toBe('/fallback');
  });
  it('refuses non-strings', () => {
    expect(safeRedirectPath(null, '/x')).toBe('/x');
    expect(safeRedirectPath(['/a'], '/x')).toBe('/x');
  });
  it('never sends people back to the login or logout pages', () => {
    expect(postLoginRedirect('/accedi?redirectTo=/x', '/lavoratore')).toBe('/lavoratore');
    expect(postLoginRedirect('/esci', '/lavoratore')).toBe('/lavoratore');
    expect(postLoginRedirect('/accedi/verifica', '/lavoratore')).toBe('/lavoratore');
    expect(postLoginRedirect('/accedimento', '/lavoratore')).toBe('/accedimento');
    expect(postLoginRedirect('https://evil.example', '/lavoratore')).toBe('/lavoratore');
  });
});

describe('membership priority', () => {
  const m = (id: string, role: Parameters<typeof roleFitsOrganizationKind>[0], createdAt = new Date(0)) => ({
    id,
    role,
    createdAt,
  });
  it('prefers the widest role', () => {
    const picked = pickDefaultMembership([m('a', 'EMPLOYEE'), m('b', 'COMPANY_ADMIN'), m('c', 'AUDITOR')]);
    expect(picked?.id).toBe('c');
  });
  it('orders equal roles by age, then id', () => {
    const sorted = sortMembershipsByPriority([
      m('z', 'EMPLOYEE', new Date(2000)),
      m('y', 'EMPLOYEE', new Date(1000)),
      m('x', 'EMPLOYEE', new Date(1000)),
    ]);
    expect(sorted.map((s) => s.id)).toEqual(['x', 'y', 'z']);
  });
  it('returns null without memberships', () => {
    expect(pickDefaultMembership([])).toBeNull();
  });
});

describe('roleFitsOrganizationKind', () => {
  it('follows the kind rules', () => {
    expect(roleFitsOrganizationKind('EMPLOYEE', 'COMPANY')).toBe(true);
    expect(roleFitsOrganizationKind('EMPLOYEE', 'PROVIDER')).toBe(true);
    expect(roleFitsOrganizationKind('EMPLOYEE', 'AMBITO')).toBe(false);
    expect(roleFitsOrganizationKind('COMPANY_ADMIN', 'PROVIDER')).toBe(false);
    expect(roleFitsOrganizationKind('PROVIDER_OPERATOR', 'PROVIDER')).toBe(true);
    expect(roleFitsOrganizationKind('PROVIDER_OPERATOR', 'COMPANY')).toBe(false);
    expect(roleFitsOrganizationKind('ALLIANCE_ADMIN', 'AMBITO')).toBe(true);
    expect(roleFitsOrganizationKind('AUDITOR', 'COMPANY')).toBe(false);
    expect(roleFitsOrganizationKind('AMBITO_CURATOR', 'PUBLIC_BODY')).toBe(false);
  });
});

describe('managementDecision', () => {
  const target = { organizationId: 'org-1', allianceId: 'all-1' };
  it('lets an alliance admin manage any role in the alliance, not elsewhere', () => {
    const admin = [{ role: 'ALLIANCE_ADMIN' as const, organizationId: 'lead', allianceId: 'all-1' }];
    expect(managementDecision(admin, target, 'AUDITOR')).toBe('allowed');
    expect(managementDecision(admin, { organizationId: 'org-9', allianceId: 'all-2' }, 'EMPLOYEE')).toBe('out_of_scope');
  });
  it('lets a curator onboard companies and providers only', () => {
    const curator = [{ role: 'AMBITO_CURATOR' as const, organizationId: 'lead', allianceId: 'all-1' }];
    expect(managementDecision(curator, target, 'PROVIDER_OPERATOR')).toBe('allowed');
    expect(managementDecision(curator, target, 'COMPANY_ADMIN')).toBe('allowed');
    expect(managementDecision(curator, target, 'ALLIANCE_ADMIN')).toBe('role_not_allowed');
  });
  it('lets a company admin manage its own people only', () => {
    const hr = [{ role: 'COMPANY_ADMIN' as const, organizationId: 'org-1', allianceId: 'all-1' }];
    expect(managementDecision(hr, target, 'EMPLOYEE')).toBe('allowed');
    expect(managementDecision(hr, target, 'PROVIDER_OPERATOR')).toBe('role_not_allowed');
    expect(managementDecision(hr, { organizationId: 'org-2', allianceId: 'all-1' }, 'EMPLOYEE')).toBe('out_of_scope');
  });
  it('gives auditors and employees no management rights', () => {
    expect(managementDecision([{ role: 'AUDITOR', organizationId: 'lead', allianceId: 'all-1' }], target, 'EMPLOYEE')).toBe(
      'role_not_allowed',
    );
    expect(managementDecision([{ role: 'EMPLOYEE', organizationId: 'org-1', allianceId: 'all-1' }], target, 'EMPLOYEE')).toBe(
      'role_not_allowed',
    );
    expect(managementDecision([], target, 'EMPLOYEE')).toBe('out_of_scope');
  });
});

describe('tokens and keys', () => {
  it('generates 32-byte base64url tokens that differ', () => {
    const a = generateToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
  it('hashes tokens with sha256', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('derives the same account key for the same address, whatever the case, and hides it', () => {
    const key = accountKeyFor('Anna@Example.it', 's'.repeat(32));
    expect(key).toBe(accountKeyFor(' anna@example.it', 's'.repeat(32)));
    expect(key).not.toContain('anna');
    expect(accountKeyFor('anna@example.it', 't'.repeat(32))).not.toBe(key);
  });
});

describe('small time helpers', () => {
  it('rounds retry-after up to whole minutes, at least one', () => {
    expect(retryAfterMinutes(0)).toBe(1);
    expect(retryAfterMinutes(61)).toBe(2);
    expect(retryAfterMinutes(900)).toBe(15);
  });
  it('touches a session only after five minutes', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    expect(sessionNeedsTouch(new Date('2026-01-01T09:56:00Z'), now)).toBe(false);
    expect(sessionNeedsTouch(new Date('2026-01-01T09:55:00Z'), now)).toBe(true);
  });
});
