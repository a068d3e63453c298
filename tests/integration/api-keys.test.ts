import { makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from '~/domain/api-keys/api-keys.server';
import { parseApiKey } from '~/domain/api-keys/api-keys.fns';
import { hashApiKeySecret } from '~/domain/api-keys/api-keys.hash.server';
import type { OrganizationKind } from '~/generated/prisma/enums';
import { NotFound, Unauthenticated, ValidationFailed } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';

useTestDatabase();

let sequence = 100;
async function createAlliance(slug: string) {
  return getDb().alliance.create({
    data: { slug, name: `Alleanza ${slug}`, shortName: slug, description: 'Test alliance', capofila: 'Comune di Prova', territory: 'Prova' },
  });
}
async function createOrganization(allianceId: string, kind: OrganizationKind) {
  const taxId = makePartitaIva(++sequence);
  return getDb().organization.create({
    data: { allianceId, kind, legalName: `${kind} ${sequence} Srl`, codiceFiscale: taxId, partitaIva: taxId },
  });
}
const bearer = (key: string) => new Request('http://localhost/api/v1/me', { headers: { Authorization: `Bearer ${key}` } });

describe('createApiKey', () => {
  it('returns the key once and stores only the prefix and the sha256 of the secret', async () => {
    const alliance = await createAlliance('create-key');
    const company = await createOrganization(alliance.id, 'COMPANY');
    const created = await createApiKey(getDb(), { organizationId: company.id, name: '  Payroll export  ' });

    const parsed = parseApiKey(created.key);
    expect(parsed?.prefix).toBe(created.prefix);
    expect(created.name).toBe('Payroll export');
    expect(created.role).toBe('COMPANY_ADMIN');

    const row = await getDb().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.prefix).toBe(created.prefix);
    expect(row.secretHash).toBe(hashApiKeySecret(parsed!.secret));
    expect(JSON.stringify(row)).not.toContain(parsed!.secret);

    const audit = await getDb().auditEvent.findMany({ where: { subjectId: created.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'api_key.created',
      allianceId: alliance.id,
      organizationId: company.id,
      subjectType: 'ApiKey',
      metadata: { prefix: created.prefix, role: 'COMPANY_ADMIN' },
    });
    expect(JSON.stringify(audit[0]?.metadata)).not.toContain(parsed!.secret);
  });

  it('defaults the role by organisation kind and refuses roles that do not fit', async () => {
    const alliance = await createAlliance('roles');
    const provider = await createOrganization(alliance.id, 'PROVIDER');
    const ambito = await createOrganization(alliance.id, 'AMBITO');
    const publicBody = await createOrganization(alliance.id, 'PUBLIC_BODY');
    expect((await createApiKey(getDb(), { organizationId: provider.id, name: 'p' })).role).toBe('PROVIDER_OPERATOR');
    expect((await createApiKey(getDb(), { organizationId: ambito.id, name: 'a' })).role).toBe('ALLIANCE_ADMIN');
    expect((await createApiKey(getDb(), { organizationId: ambito.id, name: 'r', role: 'AUDITOR' })).role).toBe('AUDITOR');
    expect((await createApiKey(getDb(), { organizationId: publicBody.id, name: 'b' })).role).toBe('AUDITOR');

    const refused = createApiKey(getDb(), { organizationId: provider.id, name: 'x', role: 'COMPANY_ADMIN' });
    await expect(refused).rejects.toBeInstanceOf(ValidationFailed);
    await expect(createApiKey(getDb(), { organizationId: provider.id, name: 'x', role: 'EMPLOYEE' })).rejects.toMatchObject({
      fieldErrors: { role: 'apikeys.validation.roleNotAllowed' },
    });
    expect(await getDb().apiKey.count({ where: { organizationId: provider.id } })).toBe(1);
  });

  it('validates the name and the organisation', async () => {
    const alliance = await createAlliance('names');
    const company = await createOrganization(alliance.id, 'COMPANY');
    await expect(createApiKey(getDb(), { organizationId: company.id, name: '   ' })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { name: 'apikeys.validation.nameRequired' },
    });
    await expect(createApiKey(getDb(), { organizationId: company.id, name: 'x'.repeat(101) })).rejects.toMatchObject({
      fieldErrors: { name: 'apikeys.validation.nameTooLong' },
    });
    await expect(createApiKey(getDb(), { organizationId: '00000000-0000-4000-8000-000000000000', name: 'x' })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('listApiKeys and revokeApiKey', () => {
  it('lists an organisation’s keys only, active first, without hashes', async () => {
    const alliance = await createAlliance('listing');
    const company = await createOrganization(alliance.id, 'COMPANY');
    const other = await createOrganization(alliance.id, 'COMPANY');
    const first = await createApiKey(getDb(), { organizationId: company.id, name: 'first' });
    const second = await createApiKey(getDb(), { organizationId: company.id, name: 'second' });
    await createApiKey(getDb(), { organizationId: other.id, name: 'foreign' });
    await revokeApiKey(getDb(), { id: second.id });

    const keys = await listApiKeys(getDb(), { organizationId: company.id });
    expect(keys.map((k) => k.name)).toEqual(['first', 'second']);
    expect(keys[0]?.revokedAt).toBeNull();
    expect(keys[1]?.revokedAt).toBeInstanceOf(Date);
    expect(keys[0]).not.toHaveProperty('secretHash');
    expect(keys[0]?.id).toBe(first.id);
  });

  it('is idempotent and audits the revocation once, even when two requests race', async () => {
    const alliance = await createAlliance('revoke');
    const company = await createOrganization(alliance.id, 'COMPANY');
    const key = await createApiKey(getDb(), { organizationId: company.id, name: 'k' });

    const results = await Promise.all([
      revokeApiKey(getDb(), { prefix: key.prefix }),
      revokeApiKey(getDb(), { prefix: key.prefix }),
      revokeApiKey(getDb(), { id: key.id }),
    ]);
    expect(results.filter((r) => !r.alreadyRevoked)).toHaveLength(1);
    const again = await revokeApiKey(getDb(), { id: key.id });
    expect(again.alreadyRevoked).toBe(true);
    expect(again.revokedAt).toEqual(results.find((r) => !r.alreadyRevoked)?.revokedAt);
    expect(await getDb().auditEvent.count({ where: { subjectId: key.id, action: 'api_key.revoked' } })).toBe(1);
  });

  it('treats a key of another organisation as not found', async () => {
    const alliance = await createAlliance('foreign');
    const mine = await createOrganization(alliance.id, 'COMPANY');
    const theirs = await createOrganization(alliance.id, 'COMPANY');
    const key = await createApiKey(getDb(), { organizationId: theirs.id, name: 'theirs' });
    await expect(revokeApiKey(getDb(), { id: key.id, organizationId: mine.id })).rejects.toBeInstanceOf(NotFound);
    expect((await getDb().apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
  });
});

describe('authenticateApiKey', () => {
  it('accepts Bearer and X-Api-Key and returns the key’s organisation, alliance and role', async () => {
    const alliance = await createAlliance('auth');
    const provider = await createOrganization(alliance.id, 'PROVIDER');
    const key = await createApiKey(getDb(), { organizationId: provider.id, name: 'booking' });
    const expected = { apiKeyId: key.id, prefix: key.prefix, organizationId: provider.id, allianceId: alliance.id, role: 'PROVIDER_OPERATOR' };
    expect(await authenticateApiKey(bearer(key.key))).toEqual(expected);
    const viaHeader = new Request('http://localhost/api/v1/me', { headers: { 'X-Api-Key': key.key } });
    expect(await authenticateApiKey(viaHeader)).toEqual(expected);
  });

  it('rejects missing, malformed, unknown, tampered and revoked keys with 401', async () => {
    const alliance = await createAlliance('reject');
    const company = await createOrganization(alliance.id, 'COMPANY');
    const key = await createApiKey(getDb(), { organizationId: company.id, name: 'k' });
    const { secret } = parseApiKey(key.key)!;
    const tampered = `cnc_${key.prefix}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const unknownPrefix = `cnc_${key.prefix === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa'}_${secret}`;

    await expect(authenticateApiKey(new Request('http://localhost/'))).rejects.toThrow(/API key required/);
    for (const presented of ['nonsense', tampered, unknownPrefix]) {
      await expect(authenticateApiKey(bearer(presented))).rejects.toBeInstanceOf(Unauthenticated);
    }
    await revokeApiKey(getDb(), { id: key.id });
    await expect(authenticateApiKey(bearer(key.key))).rejects.toThrow('Invalid or revoked API key');
  });

  it('writes lastUsedAt at most once a minute', async () => {
    const alliance = await createAlliance('last-used');
    const company = await createOrganization(alliance.id, 'COMPANY');
    const key = await createApiKey(getDb(), { organizationId: company.id, name: 'k' });
    const lastUsed = async () => (await getDb().apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;

    const t0 = new Date('2026-05-01T08:00:00.000Z');
    await authenticateApiKey(bearer(key.key), { now: t0 });
    expect(await lastUsed()).toEqual(t0);
    await authenticateApiKey(bearer(key.key), { now: new Date(t0.getTime() + 30_000) });
    expect(await lastUsed()).toEqual(t0);
    const t2 = new Date(t0.getTime() + 61_000);
    await authenticateApiKey(bearer(key.key), { now: t2 });
    expect(await lastUsed()).toEqual(t2);
  });
});
