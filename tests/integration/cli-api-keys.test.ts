import { spawn } from 'node:child_process';
import path from 'node:path';
import { authenticateApiKey } from '~/domain/api-keys/api-keys.server';
import { makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import { getDb, useTestDatabase } from '../setup/database';

const ctx = useTestDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');

function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/conciliamo.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const KEY_PATTERN = /cnc_[a-z2-7]{8}_[A-Za-z0-9_-]{43}/g;
const companyTaxId = makePartitaIva(7001);
const sharedTaxId = makePartitaIva(7002);
const ambitoTaxId = makePartitaIva(7003);
let companyId: string;

beforeAll(async () => {
  const db = getDb();
  const alliance = (slug: string) =>
    db.alliance.create({ data: { slug, name: `Alleanza ${slug}`, shortName: slug, description: 'Test', capofila: 'Comune di Prova', territory: 'Prova' } });
  const win = await alliance('win');
  const networking = await alliance('networking');
  companyId = (
    await db.organization.create({
      data: { allianceId: win.id, kind: 'COMPANY', legalName: 'Tessitura Seriana Srl', codiceFiscale: companyTaxId, partitaIva: companyTaxId },
    })
  ).id;
  await db.organization.create({ data: { allianceId: win.id, kind: 'AMBITO', legalName: 'Ambito Valle Seriana', codiceFiscale: ambitoTaxId } });
  // The same cooperative in both alliances.
  for (const a of [win, networking]) {
    await db.organization.create({
      data: { allianceId: a.id, kind: 'PROVIDER', legalName: 'Cooperativa Sociale Insieme', codiceFiscale: sharedTaxId, partitaIva: sharedTaxId },
    });
  }
});

describe('conciliamo api-keys create', () => {
  it('prints the key exactly once with a warning, and the key works', async () => {
    const result = await runCli(['api-keys', 'create', '--organization', `IT ${companyTaxId}`, '--name', 'Payroll export']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const keys = result.stdout.match(KEY_PATTERN) ?? [];
    expect(keys).toHaveLength(1);
    expect(result.stdout).toContain('cannot be shown again');
    expect(result.stdout).toContain('Tessitura Seriana Srl (win) with role COMPANY_ADMIN');

    const actor = await authenticateApiKey(new Request('http://localhost/api/v1/me', { headers: { Authorization: `Bearer ${keys[0]}` } }));
    expect(actor.organizationId).toBe(companyId);
    const row = await getDb().apiKey.findUniqueOrThrow({ where: { id: actor.apiKeyId } });
    expect(row.name).toBe('Payroll export');
    expect(row.createdById).toBeNull();
    expect(await getDb().auditEvent.count({ where: { action: 'api_key.created', subjectId: row.id } })).toBe(1);
  });

  it('prints JSON that parses, with --role where the kind allows it', async () => {
    const result = await runCli(['api-keys', 'create', '--organization', ambitoTaxId, '--name', 'Indicators', '--role', 'AUDITOR', '--json']);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as { id: string; prefix: string; key: string; role: string; organization: { allianceSlug: string } };
    expect(created.key).toMatch(/^cnc_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    expect(created).toMatchObject({ role: 'AUDITOR', organization: { allianceSlug: 'win' } });
  });

  it('refuses a role that does not fit the organisation (exit 1) and an unknown role (exit 2)', async () => {
    const misfit = await runCli(['api-keys', 'create', '--organization', companyTaxId, '--name', 'x', '--role', 'ALLIANCE_ADMIN']);
    expect(misfit.code).toBe(1);
    expect(misfit.stderr).toMatch(/^error: Role ALLIANCE_ADMIN is not available for an API key of a COMPANY organization/);
    const unknown = await runCli(['api-keys', 'create', '--organization', companyTaxId, '--name', 'x', '--role', 'BOSS']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("argument 'BOSS' is invalid");
  });

  it('fails with exit 1 and a message for an unknown organisation, and exit 2 for a malformed identifier', async () => {
    const unknownTaxId = makePartitaIva(7999);
    const result = await runCli(['api-keys', 'create', '--organization', unknownTaxId, '--name', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: No organization with partita IVA or codice fiscale ${unknownTaxId}\n`);
    expect(result.stdout).toBe('');
    const malformed = await runCli(['api-keys', 'create', '--organization', '12345', '--name', 'x']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('is not a valid partita IVA or codice fiscale');
  });

  it('asks for --alliance when the organisation is in several alliances', async () => {
    const ambiguous = await runCli(['api-keys', 'create', '--organization', sharedTaxId, '--name', 'Bookings']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('exists in 2 alliances (networking, win): choose one with --alliance <slug>');
    const chosen = await runCli(['api-keys', 'create', '--organization', sharedTaxId, '--alliance', 'networking', '--name', 'Bookings', '--json']);
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout)).toMatchObject({ role: 'PROVIDER_OPERATOR', organization: { allianceSlug: 'networking' } });
    const noSuchAlliance = await runCli(['api-keys', 'list', '--organization', sharedTaxId, '--alliance', 'atlantide']);
    expect(noSuchAlliance.code).toBe(1);
    expect(noSuchAlliance.stderr).toBe('error: No alliance with slug "atlantide"\n');
  });
});

describe('conciliamo api-keys list / revoke', () => {
  it('lists keys without secrets, revokes by prefix, and revoking again is harmless', async () => {
    const created = JSON.parse((await runCli(['api-keys', 'create', '--organization', companyTaxId, '--name', 'To revoke', '--json'])).stdout) as {
      prefix: string;
      key: string;
    };
    const listed = await runCli(['api-keys', 'list', '--organization', companyTaxId, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toMatch(KEY_PATTERN);
    const keys = JSON.parse(listed.stdout) as Array<{ prefix: string; name: string; status: string }>;
    expect(keys.find((k) => k.prefix === created.prefix)).toMatchObject({ name: 'To revoke', status: 'active' });

    const revoked = await runCli(['api-keys', 'revoke', created.prefix]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`API key ${created.prefix} ("To revoke") revoked.`);
    await expect(
      authenticateApiKey(new Request('http://localhost/api/v1/me', { headers: { Authorization: `Bearer ${created.key}` } })),
    ).rejects.toThrow('Invalid or revoked API key');

    const again = await runCli(['api-keys', 'revoke', created.prefix.replace('cnc_', ''), '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ prefix: created.prefix, alreadyRevoked: true });

    const table = await runCli(['api-keys', 'list', '--organization', companyTaxId]);
    expect(table.stdout).toMatch(/^PREFIX\s+NAME\s+ROLE\s+STATUS\s+CREATED\s+LAST USED$/m);
    expect(table.stdout).toMatch(new RegExp(`^${created.prefix}\\s+To revoke\\s+COMPANY_ADMIN\\s+revoked \\d{4}-\\d{2}-\\d{2}`, 'm'));
  });

  it('fails with exit 1 for an unknown prefix and exit 2 for something that is not a prefix', async () => {
    const unknown = await runCli(['api-keys', 'revoke', 'cnc_zzzzzzzz']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No API key with prefix cnc_zzzzzzzz\n');
    const malformed = await runCli(['api-keys', 'revoke', 'hello']);
    expect(malformed.code).toBe(2);
  });
});
