import { spawn } from 'node:child_process';
import path from 'node:path';
import { makeCodiceFiscaleEnte, makePartitaIva } from '~/domain/identifiers/identifiers.fns';
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

const companyTaxId = makePartitaIva(8101);
const ambitoTaxId = makeCodiceFiscaleEnte(8102);
let companyId: string;

const invite = (email: string, extra: string[] = [], organization = companyTaxId) => [
  'users',
  'invite',
  '--email',
  email,
  '--organization',
  organization,
  '--role',
  'COMPANY_ADMIN',
  '--given-name',
  'Giulia',
  '--family-name',
  'Ferrari',
  ...extra,
];

beforeAll(async () => {
  const db = getDb();
  const alliance = await db.alliance.create({
    data: { slug: 'win', name: 'W.IN. – Welfare Innovativo', shortName: 'W.IN.', description: 'Test', capofila: 'Comune di Albino', territory: 'Val Seriana' },
  });
  companyId = (
    await db.organization.create({
      data: { allianceId: alliance.id, kind: 'COMPANY', legalName: 'Tessitura Seriana Srl', codiceFiscale: companyTaxId, partitaIva: companyTaxId },
    })
  ).id;
  await db.organization.create({ data: { allianceId: alliance.id, kind: 'AMBITO', legalName: 'Ambito Valle Seriana', codiceFiscale: ambitoTaxId } });
});

describe('conciliamo users invite', () => {
  it('creates the account, an INVITED membership and the invitation e-mail', async () => {
    const result = await runCli(invite('Giulia.Ferrari@Example.org', ['--json']));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const invited = JSON.parse(result.stdout) as { userId: string; membershipId: string; tokenId: string; resent: boolean; organizationId: string };
    expect(invited).toMatchObject({ organizationId: companyId, resent: false });

    const db = getDb();
    const user = await db.user.findUniqueOrThrow({ where: { email: 'giulia.ferrari@example.org' } });
    expect(user).toMatchObject({ id: invited.userId, givenName: 'Giulia', familyName: 'Ferrari', passwordHash: null });
    const membership = await db.membership.findUniqueOrThrow({ where: { id: invited.membershipId } });
    expect(membership).toMatchObject({ userId: user.id, organizationId: companyId, role: 'COMPANY_ADMIN', status: 'INVITED' });
    const mails = await db.mailMessage.findMany({ where: { toAddress: 'giulia.ferrari@example.org' } });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.dedupeKey).toBe(`invitation:${invited.tokenId}`);
    expect(mails[0]?.textBody).toContain('/invito/');
    expect(await db.outboxEvent.count({ where: { payload: { equals: { mailMessageId: mails[0]?.id } } } })).toBe(1);
  });

  it('prints a sentence for people, and says when it re-sends an invitation', async () => {
    const first = await runCli(invite('marco.colombo@example.org'));
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'Invited marco.colombo@example.org as COMPANY_ADMIN of Tessitura Seriana Srl (win); the invitation e-mail is queued.\n',
    );
    const again = await runCli(invite('marco.colombo@example.org'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already invited');
    expect(await getDb().mailMessage.count({ where: { toAddress: 'marco.colombo@example.org' } })).toBe(2);
  });

  it('refuses bad input: e-mail and missing options (exit 2), a role that does not fit (exit 1)', async () => {
    const badEmail = await runCli(invite('not-an-email'));
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toBe('error: "not-an-email" is not a valid e-mail address\n');

    const missing = await runCli(['users', 'invite', '--email', 'a@example.org', '--organization', companyTaxId]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('required option');

    const misfit = await runCli([
      'users', 'invite', '--email', 'luca@example.org', '--organization', ambitoTaxId, '--role', 'COMPANY_ADMIN', '--given-name', 'Luca', '--family-name', 'Bianchi',
    ]);
    expect(misfit.code).toBe(1);
    expect(misfit.stderr).toMatch(/^error: Role COMPANY_ADMIN does not fit an organisation of kind AMBITO/);
    expect(await getDb().user.count({ where: { email: 'luca@example.org' } })).toBe(0);

    const unknownOrganization = await runCli(invite('x@example.org', [], makePartitaIva(8199)));
    expect(unknownOrganization.code).toBe(1);
    expect(unknownOrganization.stderr).toContain('No organization with partita IVA or codice fiscale');
  });

  it('names the missing setting when the environment is incomplete', async () => {
    const result = await runCli(invite('anna@example.org'), { DATABASE_URL: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL is required/);
    expect(await getDb().user.count({ where: { email: 'anna@example.org' } })).toBe(0);
  });
});
