import { createHash, randomUUID } from 'node:crypto';
import type { ApiActor } from '~/domain/api-keys/api-keys.server';
import { recordAudit } from '~/domain/audit/audit.server';
import type { Actor } from '~/domain/auth/actor';
import { inviteMember } from '~/domain/auth/invitations.server';
import { requireAdmittedCompany } from '~/domain/companies/companies.server';
import { enqueueJob } from '~/domain/outbox/outbox.server';
import { getWalletBalancesForMemberships } from '~/domain/plans/plans.server';
import { discardObjects, getStorage, type ObjectStorage } from '~/domain/storage/storage.server';
import type { Prisma } from '~/generated/prisma/client';
import { jobs } from '~/jobs/registry';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import {
  analyseRoster,
  autoMapping,
  capErrors,
  checkMapping,
  emptyCounts,
  isRosterField,
  mappingErrors,
  percent,
  siteKey,
  type AutoMapping,
  type ExistingEmployee,
  type RosterAnalysis,
  type RosterCounts,
  type RosterEmployee,
  type RosterMapping,
  type RosterRowError,
  type RosterState,
  type RowChange,
} from './roster.fns';
import { parseRosterFile, type ParsedRoster } from './roster.parse';
import type { EmployeeListQuery } from './roster.schema';

// The employee roster: importing the files payroll software produces (upload → column mapping
// when needed → dry run → all-or-nothing commit), the company's employees table and its export,
// and what the plans read (listEmployeesForAllocation). docs/decisions/0008-roster-import.md.
//
// Scope: a company's HR (COMPANY_ADMIN of an ADMITTED company, or an API key of that company)
// sees and changes only that company's roster; any other id is NotFound.

/** Files with more data rows than this are validated and committed by the roster job. */
export const SYNC_ROW_LIMIT = 2000;
export const MAX_ROSTER_BYTES = 20 * 1024 * 1024;
/** Rows written per statement at commit (and per progress step). */
const COMMIT_CHUNK = 5000;
const INVITE_BATCH = 200;
export const EMPLOYEE_PAGE_SIZE = 25;
const EXPORT_LIMIT = 100_000;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who imports: a company's HR person, or an API key of that company. */
export interface RosterActor {
  organizationId: string;
  allianceId: string;
  userId: string | null;
  apiKeyId: string | null;
  ipAddress: string | null;
}

export async function rosterActorForUser(db: DbTx, actor: Actor, ipAddress: string | null = null): Promise<RosterActor> {
  const company = await requireAdmittedCompany(db, actor);
  return { organizationId: company.organizationId, allianceId: company.allianceId, userId: actor.user.id, apiKeyId: null, ipAddress };
}

/**
 * An API key acts on its own company only: another company's id (or one that does not exist,
 * or is not admitted) is NotFound, whatever the key's role. The role itself is the guard's job.
 */
export async function rosterActorForApiKey(db: DbTx, apiActor: ApiActor, companyId: string, ipAddress: string | null = null): Promise<RosterActor> {
  if (!UUID_PATTERN.test(companyId) || companyId !== apiActor.organizationId) throw new NotFound('Company not found');
  const profile = await db.companyProfile.findFirst({
    where: { organizationId: companyId, status: 'ADMITTED', organization: { allianceId: apiActor.allianceId } },
    select: { organizationId: true },
  });
  if (!profile) throw new NotFound('Company not found');
  return { organizationId: companyId, allianceId: apiActor.allianceId, userId: null, apiKeyId: apiActor.apiKeyId, ipAddress };
}

function storageKeyFor(organizationId: string, importId: string): string {
  return `rosters/${organizationId}/${importId}`;
}

const CONTENT_TYPE = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

async function parseOrRefuse(bytes: Uint8Array): Promise<ParsedRoster> {
  if (bytes.byteLength > MAX_ROSTER_BYTES) throw new ValidationFailed('Roster file too large', { file: 'roster.file.tooLarge' });
  const parsed = await parseRosterFile(bytes);
  if (!parsed.ok) throw new ValidationFailed(`Roster file refused (${parsed.problem})`, { file: `roster.file.${parsed.problem}` });
  return parsed.roster;
}

// ---------------------------------------------------------------------------------------------
// The company's current roster

function isoDate(date: Date | null): string | null {
  return date ? date.toISOString().slice(0, 10) : null;
}

/** Everything analyseRoster compares a file with: the roster by codice fiscale and the employees' logins. */
export async function loadRosterState(db: DbTx, organizationId: string): Promise<RosterState & { sites: Map<string, string> }> {
  const [profiles, members, sites] = await Promise.all([
    db.employeeProfile.findMany({
      where: { organizationId },
      select: {
        membershipId: true,
        codiceFiscale: true,
        givenName: true,
        familyName: true,
        email: true,
        hireDate: true,
        terminationDate: true,
        siteId: true,
        category: true,
        childrenCount: true,
        dependentsCount: true,
      },
    }),
    db.$queryRaw<Array<{ email: string; codiceFiscale: string | null }>>`
      SELECT u."email", p."codiceFiscale"
      FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
      LEFT JOIN "EmployeeProfile" p ON p."membershipId" = m."id"
      WHERE m."organizationId" = ${organizationId}::uuid AND m."role" = 'EMPLOYEE'`,
    db.companySite.findMany({ where: { organizationId }, select: { id: true, name: true, code: true } }),
  ]);
  const byCodiceFiscale = new Map<string, ExistingEmployee>();
  for (const p of profiles) {
    byCodiceFiscale.set(p.codiceFiscale, { ...p, hireDate: isoDate(p.hireDate)!, terminationDate: isoDate(p.terminationDate) });
  }
  const siteMap = new Map<string, string>();
  for (const s of sites) {
    siteMap.set(siteKey(s.name), s.id);
    if (s.code) siteMap.set(siteKey(s.code), s.id);
  }
  return { byCodiceFiscale, memberEmails: new Map(members.map((m) => [m.email, m.codiceFiscale])), sites: siteMap };
}

/** The dry run of a parsed file against the company's roster: nothing is written. */
export async function analyseParsedRoster(db: DbTx, organizationId: string, roster: ParsedRoster, mapping: RosterMapping): Promise<RosterAnalysis> {
  const problems = checkMapping(mapping, roster.headers.length);
  if (problems.length > 0) {
    const counts = { ...emptyCounts(), total: roster.rows.length, errors: roster.rows.length };
    return { counts, changes: [], errors: mappingErrors(problems, roster.headers, mapping) };
  }
  const state = await loadRosterState(db, organizationId);
  return analyseRoster(roster.rows, { headers: roster.headers, mapping, sites: state.sites }, state);
}

export interface DryRunResult {
  detected: { format: 'csv' | 'xlsx'; encoding: string | null; delimiter: string | null; headers: string[]; rows: number };
  /** Set when the headers were not recognised and no mapping was given: nothing was validated. */
  mappingRequired: Pick<AutoMapping, 'missing' | 'ambiguous'> | null;
  mapping: RosterMapping;
  counts: RosterCounts;
  errors: RosterRowError[];
  errorCount: number;
}

/**
 * A dry run that stores nothing (the API's ?dryRun=true): the file is read, validated and compared
 * with the roster; the answer lists the counts and the row-level errors.
 */
export async function dryRunRoster(db: DbTx, ra: RosterActor, input: { bytes: Uint8Array; mapping?: RosterMapping | null }): Promise<DryRunResult> {
  const roster = await parseOrRefuse(input.bytes);
  const suggestion = autoMapping(roster.headers);
  const detected = { format: roster.format, encoding: roster.encoding, delimiter: roster.delimiter, headers: roster.headers, rows: roster.rows.length };
  if (!input.mapping && suggestion.needsMappingStep) {
    return {
      detected,
      mappingRequired: { missing: suggestion.missing, ambiguous: suggestion.ambiguous },
      mapping: suggestion.mapping,
      counts: { ...emptyCounts(), total: roster.rows.length },
      errors: [],
      errorCount: 0,
    };
  }
  const mapping = input.mapping ?? suggestion.mapping;
  const analysis = await analyseParsedRoster(db, ra.organizationId, roster, mapping);
  return { detected, mappingRequired: null, mapping, counts: analysis.counts, errors: capErrors(analysis.errors), errorCount: analysis.errors.length };
}

/** Reads a file's header only (the API checks whether a mapping is needed before storing). */
export async function readRosterHeaders(bytes: Uint8Array): Promise<{ headers: string[]; suggestion: AutoMapping }> {
  const roster = await parseOrRefuse(bytes);
  return { headers: roster.headers, suggestion: autoMapping(roster.headers) };
}

// ---------------------------------------------------------------------------------------------
// Imports: upload, mapping, dry run

export interface RosterImportView {
  id: string;
  fileName: string;
  format: string;
  status: string;
  progress: number;
  counts: RosterCounts;
  errors: RosterRowError[];
  errorCount: number;
  headers: string[];
  encoding: string | null;
  delimiter: string | null;
  rowCount: number;
  mapping: RosterMapping;
  suggestion: Pick<AutoMapping, 'ambiguous' | 'missing'>;
  samples: string[][];
  /** The file is large: validation and commit run in the background. */
  background: boolean;
  failureReason: string | null;
  createdAt: string;
  validatedAt: string | null;
  committedAt: string | null;
  uploadedBy: string | null;
}

interface Detected {
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  rowCount: number;
  ambiguous: AutoMapping['ambiguous'];
  missing: AutoMapping['missing'];
  /** The first rows, shown beside the columns in the mapping step. */
  samples: string[][];
}

function asMapping(value: unknown): RosterMapping {
  const mapping: RosterMapping = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (isRosterField(k) && typeof v === 'number') mapping[k] = v;
  }
  return mapping;
}

const IMPORT_SELECT = {
  id: true,
  organizationId: true,
  fileName: true,
  format: true,
  status: true,
  progress: true,
  counts: true,
  errors: true,
  errorCount: true,
  detected: true,
  mapping: true,
  failureReason: true,
  createdAt: true,
  validatedAt: true,
  committedAt: true,
  uploadedBy: { select: { givenName: true, familyName: true } },
} as const satisfies Prisma.RosterImportSelect;

type ImportRow = Prisma.RosterImportGetPayload<{ select: typeof IMPORT_SELECT }>;

function viewOf(row: ImportRow): RosterImportView {
  const detected = row.detected as unknown as Partial<Detected>;
  return {
    id: row.id,
    fileName: row.fileName,
    format: row.format,
    status: row.status,
    progress: row.progress,
    counts: { ...emptyCounts(), ...(row.counts as Partial<RosterCounts>) },
    errors: row.errors as unknown as RosterRowError[],
    errorCount: row.errorCount,
    headers: detected.headers ?? [],
    encoding: detected.encoding ?? null,
    delimiter: detected.delimiter ?? null,
    rowCount: detected.rowCount ?? 0,
    mapping: asMapping(row.mapping),
    suggestion: { ambiguous: detected.ambiguous ?? {}, missing: detected.missing ?? [] },
    samples: detected.samples ?? [],
    background: (detected.rowCount ?? 0) > SYNC_ROW_LIMIT,
    failureReason: row.failureReason,
    createdAt: row.createdAt.toISOString(),
    validatedAt: row.validatedAt?.toISOString() ?? null,
    committedAt: row.committedAt?.toISOString() ?? null,
    uploadedBy: row.uploadedBy ? `${row.uploadedBy.givenName} ${row.uploadedBy.familyName}` : null,
  };
}

async function loadImport(db: DbTx, ra: RosterActor, importId: string): Promise<ImportRow> {
  if (!UUID_PATTERN.test(importId)) throw new NotFound('Import not found');
  const row = await db.rosterImport.findFirst({ where: { id: importId, organizationId: ra.organizationId }, select: IMPORT_SELECT });
  if (!row) throw new NotFound('Import not found');
  return row;
}

export async function getRosterImport(db: DbTx, ra: RosterActor, importId: string): Promise<RosterImportView> {
  return viewOf(await loadImport(db, ra, importId));
}

/** The company's latest imports, newest first. */
export async function listRosterImports(db: DbTx, ra: RosterActor, take = 10) {
  const rows = await db.rosterImport.findMany({
    where: { organizationId: ra.organizationId },
    orderBy: { createdAt: 'desc' },
    take,
    select: IMPORT_SELECT,
  });
  return rows.map(viewOf);
}

export interface UploadRosterInput {
  fileName: string;
  bytes: Uint8Array;
  /** A mapping chosen up front (the API); otherwise headers are recognised automatically. */
  mapping?: RosterMapping | null;
  /** Validate in this request whatever the size (the API answers the dry run's errors at once). */
  validateNow?: boolean;
  storage?: ObjectStorage;
}

/**
 * Stores an uploaded roster file and reads its header. When the columns are recognised (or a
 * mapping is given) the dry run starts at once: in the request for small files, in the roster
 * job for files over SYNC_ROW_LIMIT rows. Otherwise the import waits for the mapping step.
 * A file that cannot be read at all (empty, binary, legacy .xls, unreadable) is refused with a
 * field error on `file` and nothing is stored.
 */
export async function uploadRoster(db: Db, ra: RosterActor, input: UploadRosterInput): Promise<RosterImportView> {
  const roster = await parseOrRefuse(input.bytes);
  const suggestion = autoMapping(roster.headers);
  const mapping = input.mapping ?? suggestion.mapping;
  const ready = input.mapping ? true : !suggestion.needsMappingStep;
  const id = randomUUID();
  const storage = input.storage ?? getStorage();
  const storageKey = storageKeyFor(ra.organizationId, id);
  await storage.put(storageKey, input.bytes, CONTENT_TYPE[roster.format]);
  const detected: Detected = {
    encoding: roster.encoding,
    delimiter: roster.delimiter,
    headers: roster.headers,
    rowCount: roster.rows.length,
    ambiguous: suggestion.ambiguous,
    missing: suggestion.missing,
    samples: roster.rows.slice(0, 3).map((r) => r.cells.map((c) => c.slice(0, 60))),
  };
  try {
    await db.rosterImport.create({
      data: {
        id,
        organizationId: ra.organizationId,
        uploadedById: ra.userId,
        uploadedByApiKeyId: ra.apiKeyId,
        fileName: cleanFileName(input.fileName, roster.format),
        format: roster.format,
        sizeBytes: input.bytes.byteLength,
        sha256: createHash('sha256').update(input.bytes).digest('hex'),
        storageKey,
        detected: detected as unknown as Prisma.InputJsonValue,
        mapping: mapping as Prisma.InputJsonValue,
        counts: { ...emptyCounts(), total: roster.rows.length } as unknown as Prisma.InputJsonValue,
      },
    });
  } catch (error) {
    await discardObjects(storage, [storageKey]);
    throw error;
  }
  if (ready) {
    if (input.validateNow) await runRosterValidation(db, id, { storage, roster });
    else await startValidation(db, ra, id, roster, { storage });
  }
  return getRosterImport(db, ra, id);
}

function cleanFileName(name: string, format: 'csv' | 'xlsx'): string {
  const base = [...(name.split(/[\\/]/).pop() ?? '')].filter((c) => c.charCodeAt(0) >= 0x20).join('').trim().slice(0, 200);
  return base || `roster.${format}`;
}

async function startValidation(db: Db, ra: RosterActor, importId: string, roster: ParsedRoster, options: { storage?: ObjectStorage }) {
  if (roster.rows.length > SYNC_ROW_LIMIT) {
    await db.$transaction(async (tx) => {
      const moved = await tx.rosterImport.updateMany({
        where: { id: importId, organizationId: ra.organizationId, status: { in: ['UPLOADED', 'VALIDATED'] } },
        data: { status: 'VALIDATING', progress: 0 },
      });
      if (moved.count !== 1) throw new Conflict('The import is being processed', { fieldErrors: { form: 'roster.import.busy' } });
      await enqueueJob(tx, jobs.rosterProcess, { importId, phase: 'validate' });
    });
    return;
  }
  await runRosterValidation(db, importId, { storage: options.storage, roster });
}

/**
 * The mapping step: a person (or the API) says which column holds each field. Allowed before the
 * commit (also after a dry run, to try another mapping). Every required field, no column twice.
 */
export async function chooseRosterMapping(
  db: Db,
  ra: RosterActor,
  input: { importId: string; mapping: RosterMapping; storage?: ObjectStorage },
): Promise<RosterImportView> {
  const row = await loadImport(db, ra, input.importId);
  if (row.status !== 'UPLOADED' && row.status !== 'VALIDATED') throw new Conflict(`Import is ${row.status}`, { fieldErrors: { form: 'roster.import.busy' } });
  const headers = (row.detected as unknown as Partial<Detected>).headers ?? [];
  const problems = checkMapping(input.mapping, headers.length);
  if (problems.length > 0) {
    const fieldErrors: Record<string, string> = {};
    for (const p of problems) fieldErrors[`map.${p.field}`] ??= `roster.mapping.${p.code}`;
    throw new ValidationFailed('Invalid column mapping', fieldErrors);
  }
  await db.rosterImport.update({ where: { id: row.id }, data: { mapping: input.mapping as Prisma.InputJsonValue } });
  const roster = await readStoredRoster(db, row.id, input.storage);
  await startValidation(db, ra, row.id, roster, { storage: input.storage });
  return getRosterImport(db, ra, row.id);
}

async function readStoredRoster(db: DbTx, importId: string, storage: ObjectStorage = getStorage()): Promise<ParsedRoster> {
  const row = await db.rosterImport.findUniqueOrThrow({ where: { id: importId }, select: { storageKey: true } });
  const object = await storage.get(row.storageKey);
  if (!object) throw new Error(`Roster file of import ${importId} is missing from storage`);
  const parsed = await parseRosterFile(object.bytes);
  if (!parsed.ok) throw new Error(`Stored roster file of import ${importId} cannot be read (${parsed.problem})`);
  return parsed.roster;
}

export type ProgressReporter = (percent: number) => Promise<void> | void;

/**
 * The dry run of an import: validates every row and compares it with the roster, then records
 * the counts and the row-level errors (status VALIDATED). Writes nothing else. Idempotent: an
 * import already committing or committed is left alone.
 */
export async function runRosterValidation(
  db: Db,
  importId: string,
  options: { storage?: ObjectStorage; roster?: ParsedRoster; onProgress?: ProgressReporter } = {},
): Promise<{ outcome: 'validated' | 'skipped'; counts?: RosterCounts }> {
  const row = await db.rosterImport.findUnique({ where: { id: importId }, select: { status: true, organizationId: true, mapping: true } });
  if (!row || !['UPLOADED', 'VALIDATING', 'VALIDATED'].includes(row.status)) return { outcome: 'skipped' };
  const roster = options.roster ?? (await readStoredRoster(db, importId, options.storage));
  await options.onProgress?.(10);
  const analysis = await analyseParsedRoster(db, row.organizationId, roster, asMapping(row.mapping));
  await options.onProgress?.(90);
  const errors = capErrors(analysis.errors);
  const updated = await db.rosterImport.updateMany({
    where: { id: importId, status: { in: ['UPLOADED', 'VALIDATING', 'VALIDATED'] } },
    data: {
      status: 'VALIDATED',
      counts: analysis.counts as unknown as Prisma.InputJsonValue,
      errors: errors as unknown as Prisma.InputJsonValue,
      errorCount: analysis.errors.length,
      progress: 100,
      validatedAt: new Date(),
    },
  });
  return updated.count === 1 ? { outcome: 'validated', counts: analysis.counts } : { outcome: 'skipped' };
}

// ---------------------------------------------------------------------------------------------
// Commit

/**
 * Commits a validated import without errors. Small files are written in this request; larger
 * ones by the roster job (the page shows its progress). Refused (409) while errors remain.
 */
export async function commitRosterImport(db: Db, ra: RosterActor, input: { importId: string; storage?: ObjectStorage }): Promise<RosterImportView> {
  const row = await loadImport(db, ra, input.importId);
  if (row.status === 'COMMITTED') return viewOf(row);
  if (row.status !== 'VALIDATED') throw new Conflict(`Import is ${row.status}`, { fieldErrors: { form: 'roster.import.notValidated' } });
  if (row.errorCount > 0) throw new Conflict('The dry run found errors', { fieldErrors: { form: 'roster.import.hasErrors' } });
  const background = ((row.detected as unknown as Partial<Detected>).rowCount ?? 0) > SYNC_ROW_LIMIT;
  await db.$transaction(async (tx) => {
    const moved = await tx.rosterImport.updateMany({
      where: { id: row.id, status: 'VALIDATED', errorCount: 0 },
      data: { status: 'COMMITTING', progress: 0 },
    });
    if (moved.count !== 1) throw new Conflict('The import is being processed', { fieldErrors: { form: 'roster.import.busy' } });
    if (background) await enqueueJob(tx, jobs.rosterProcess, { importId: row.id, phase: 'commit' });
  });
  if (!background) await runRosterCommit(db, row.id, { storage: input.storage, actor: ra });
  return getRosterImport(db, ra, row.id);
}

/** The roster changed since the dry run in a way that makes a row invalid: nothing was written. */
class StaleRoster extends Error {
  constructor(readonly analysis: RosterAnalysis) {
    super('The roster changed since the dry run');
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function insertNewEmployees(tx: DbTx, organizationId: string, importId: string, rows: ReadonlyArray<{ employee: RosterEmployee }>) {
  const employees = rows.map((r) => r.employee);
  const emails = employees.map((e) => e.email);
  await tx.$executeRaw`
    INSERT INTO "User" ("id", "email", "givenName", "familyName", "updatedAt")
    SELECT gen_random_uuid(), t.email, t.given, t.family, now()
    FROM unnest(${emails}::text[], ${employees.map((e) => e.givenName)}::text[], ${employees.map((e) => e.familyName)}::text[]) AS t(email, given, family)
    ON CONFLICT ("email") DO NOTHING`;
  await tx.$executeRaw`
    INSERT INTO "Membership" ("id", "userId", "organizationId", "role", "status")
    SELECT gen_random_uuid(), u."id", ${organizationId}::uuid, 'EMPLOYEE', 'INVITED'
    FROM "User" u WHERE u."email" = ANY(${emails}::text[])
    ON CONFLICT ("userId", "organizationId", "role") DO NOTHING`;
  const inserted = await tx.$executeRaw`
    INSERT INTO "EmployeeProfile" ("membershipId", "organizationId", "codiceFiscale", "givenName", "familyName", "email", "hireDate",
      "terminationDate", "siteId", "category", "childrenCount", "dependentsCount", "createdByImportId", "updatedAt")
    SELECT m."id", ${organizationId}::uuid, t.cf, t.given, t.family, t.email, t.hire, t.term, t.site, t.category, t.children, t.dependents,
      ${importId}::uuid, now()
    FROM unnest(
      ${employees.map((e) => e.codiceFiscale)}::text[], ${employees.map((e) => e.givenName)}::text[], ${employees.map((e) => e.familyName)}::text[],
      ${emails}::text[], ${employees.map((e) => e.hireDate)}::date[], ${employees.map((e) => e.terminationDate)}::date[],
      ${employees.map((e) => e.siteId)}::uuid[], ${employees.map((e) => e.category)}::text[], ${employees.map((e) => e.childrenCount)}::int[],
      ${employees.map((e) => e.dependentsCount)}::int[]
    ) AS t(cf, given, family, email, hire, term, site, category, children, dependents)
    JOIN "User" u ON u."email" = t.email
    JOIN "Membership" m ON m."userId" = u."id" AND m."organizationId" = ${organizationId}::uuid AND m."role" = 'EMPLOYEE'`;
  if (inserted !== employees.length) throw new Error(`Expected ${employees.length} new employee profiles, wrote ${inserted}`);
}

async function updateEmployees(tx: DbTx, organizationId: string, rows: ReadonlyArray<{ employee: RosterEmployee; membershipId: string }>) {
  const e = rows.map((r) => r.employee);
  const updated = await tx.$executeRaw`
    UPDATE "EmployeeProfile" p SET
      "givenName" = t.given, "familyName" = t.family, "email" = t.email, "hireDate" = t.hire, "terminationDate" = t.term,
      "siteId" = t.site, "category" = t.category, "childrenCount" = t.children, "dependentsCount" = t.dependents, "updatedAt" = now()
    FROM unnest(
      ${rows.map((r) => r.membershipId)}::uuid[], ${e.map((x) => x.givenName)}::text[], ${e.map((x) => x.familyName)}::text[],
      ${e.map((x) => x.email)}::text[], ${e.map((x) => x.hireDate)}::date[], ${e.map((x) => x.terminationDate)}::date[],
      ${e.map((x) => x.siteId)}::uuid[], ${e.map((x) => x.category)}::text[], ${e.map((x) => x.childrenCount)}::int[],
      ${e.map((x) => x.dependentsCount)}::int[]
    ) AS t(membership, given, family, email, hire, term, site, category, children, dependents)
    WHERE p."membershipId" = t.membership AND p."organizationId" = ${organizationId}::uuid`;
  if (updated !== rows.length) throw new Error(`Expected ${rows.length} updated employee profiles, wrote ${updated}`);
}

/**
 * Writes an import in ONE transaction: the company's roster is locked, the file is analysed
 * again against the roster as it is now, and only if every row is still valid are the new people
 * (User when needed, Membership EMPLOYEE INVITED, EmployeeProfile) and the changes written, with
 * the audit event `roster.imported` and the invitation job. Any error: nothing is written. A row
 * made invalid by a change since the dry run sends the import back to VALIDATED with its errors.
 * Re-running a committed import does nothing; re-importing the same file changes nothing.
 */
export async function runRosterCommit(
  db: Db,
  importId: string,
  options: { storage?: ObjectStorage; onProgress?: ProgressReporter; actor?: RosterActor } = {},
): Promise<{ outcome: 'committed' | 'stale' | 'failed' | 'skipped'; counts?: RosterCounts }> {
  const row = await db.rosterImport.findUnique({
    where: { id: importId },
    select: { status: true, organizationId: true, mapping: true, uploadedById: true, uploadedByApiKeyId: true, fileName: true, sha256: true, company: { select: { organization: { select: { allianceId: true } } } } },
  });
  if (!row || row.status !== 'COMMITTING') return { outcome: 'skipped' };
  const organizationId = row.organizationId;
  const allianceId = row.company.organization.allianceId;
  try {
    const roster = await readStoredRoster(db, importId, options.storage);
    const mapping = asMapping(row.mapping);
    const counts = await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "CompanyProfile" WHERE "organizationId" = ${organizationId}::uuid FOR UPDATE`;
        const analysis = await analyseParsedRoster(tx, organizationId, roster, mapping);
        if (analysis.errors.length > 0) throw new StaleRoster(analysis);
        const created = analysis.changes.filter((c): c is Extract<RowChange, { kind: 'new' }> => c.kind === 'new');
        const updated = analysis.changes.filter((c): c is Extract<RowChange, { kind: 'updated' }> => c.kind === 'updated');
        const work = created.length + updated.length;
        let done = 0;
        for (const chunk of chunks(created, COMMIT_CHUNK)) {
          await insertNewEmployees(tx, organizationId, importId, chunk);
          done += chunk.length;
          await options.onProgress?.(percent(done, work));
        }
        for (const chunk of chunks(updated, COMMIT_CHUNK)) {
          await updateEmployees(tx, organizationId, chunk);
          done += chunk.length;
          await options.onProgress?.(percent(done, work));
        }
        const moved = await tx.rosterImport.updateMany({
          where: { id: importId, status: 'COMMITTING' },
          data: {
            status: 'COMMITTED',
            counts: analysis.counts as unknown as Prisma.InputJsonValue,
            errors: [],
            errorCount: 0,
            progress: 100,
            committedAt: new Date(),
          },
        });
        if (moved.count !== 1) throw new Conflict('Import committed by someone else');
        await recordAudit(tx, {
          action: 'roster.imported',
          allianceId,
          organizationId,
          actorUserId: options.actor?.userId ?? row.uploadedById,
          actorApiKeyId: options.actor?.apiKeyId ?? row.uploadedByApiKeyId,
          subjectType: 'RosterImport',
          subjectId: importId,
          ipAddress: options.actor?.ipAddress ?? null,
          metadata: { ...analysis.counts, sha256: row.sha256 },
        });
        if (created.length > 0) await enqueueJob(tx, jobs.rosterInvite, { importId });
        return analysis.counts;
      },
      { timeout: 15 * 60_000, maxWait: 30_000 },
    );
    return { outcome: 'committed', counts };
  } catch (error) {
    if (error instanceof StaleRoster) {
      await db.rosterImport.updateMany({
        where: { id: importId, status: 'COMMITTING' },
        data: {
          status: 'VALIDATED',
          counts: error.analysis.counts as unknown as Prisma.InputJsonValue,
          errors: capErrors(error.analysis.errors) as unknown as Prisma.InputJsonValue,
          errorCount: error.analysis.errors.length,
          progress: 100,
          validatedAt: new Date(),
        },
      });
      return { outcome: 'stale', counts: error.analysis.counts };
    }
    if (error instanceof Conflict) return { outcome: 'skipped' };
    await db.rosterImport.updateMany({
      where: { id: importId, status: 'COMMITTING' },
      data: { status: 'FAILED', failureReason: (error instanceof Error ? error.message : String(error)).slice(0, 500) },
    });
    return { outcome: 'failed' };
  }
}

/** The roster job: validation or commit of a large import, with progress on the import row and the BullMQ job. */
export async function processRosterJob(
  db: Db,
  payload: { importId: string; phase: 'validate' | 'commit' },
  options: { storage?: ObjectStorage; reportProgress?: (percent: number) => Promise<void> } = {},
) {
  let last = -1;
  const onProgress = async (value: number) => {
    if (value === last) return;
    last = value;
    await db.rosterImport.updateMany({
      where: { id: payload.importId, status: payload.phase === 'commit' ? 'COMMITTING' : 'VALIDATING' },
      data: { progress: Math.min(value, 99) },
    });
    await options.reportProgress?.(value);
  };
  return payload.phase === 'validate'
    ? runRosterValidation(db, payload.importId, { storage: options.storage, onProgress })
    : runRosterCommit(db, payload.importId, { storage: options.storage, onProgress });
}

/**
 * The invitation job of a committed import: each new employee without an active account gets the
 * invitation e-mail through inviteMember (token, e-mail in the outbox, audit), in batches. Each
 * profile is marked invited in the same transaction as its invitation, so a retry never sends twice.
 */
export async function sendRosterInvitations(db: Db, importId: string): Promise<{ invited: number }> {
  let invited = 0;
  for (;;) {
    const batch = await db.employeeProfile.findMany({
      where: { createdByImportId: importId, invitedAt: null, membership: { status: 'INVITED' } },
      select: { membershipId: true, organizationId: true, givenName: true, familyName: true, membership: { select: { user: { select: { email: true } } } } },
      orderBy: { membershipId: 'asc' },
      take: INVITE_BATCH,
    });
    if (batch.length === 0) return { invited };
    for (const profile of batch) {
      await db.$transaction(async (tx) => {
        const claimed = await tx.employeeProfile.updateMany({
          where: { membershipId: profile.membershipId, invitedAt: null },
          data: { invitedAt: new Date() },
        });
        if (claimed.count !== 1) return;
        try {
          await inviteMember(tx, {
            invitedBy: 'system',
            organizationId: profile.organizationId,
            email: profile.membership.user.email,
            givenName: profile.givenName,
            familyName: profile.familyName,
            role: 'EMPLOYEE',
          });
          invited++;
        } catch (error) {
          // Accepted in the meantime: nothing to send.
          if (!(error instanceof Conflict)) throw error;
        }
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The employees table and its export

function employeeWhere(organizationId: string, query: EmployeeListQuery): Prisma.EmployeeProfileWhereInput {
  const where: Prisma.EmployeeProfileWhereInput = { organizationId };
  const and: Prisma.EmployeeProfileWhereInput[] = [];
  if (query.q) {
    const q = query.q;
    const compact = q.replace(/\s+/g, '').toUpperCase();
    const words = q.split(/\s+/).filter(Boolean);
    and.push({
      OR: [
        { codiceFiscale: { startsWith: compact } },
        { email: { contains: q.toLowerCase() } },
        // "Rossi Mario" and "Mario Rossi" both find Mario Rossi: every word in a name.
        { AND: words.map((w) => ({ OR: [{ givenName: { contains: w, mode: 'insensitive' as const } }, { familyName: { contains: w, mode: 'insensitive' as const } }] })) },
      ],
    });
  }
  if (query.site === 'none') where.siteId = null;
  else if (query.site) where.siteId = query.site;
  if (query.category) where.category = query.category;
  const today = new Date(new Date().toISOString().slice(0, 10));
  if (query.status === 'active') and.push({ OR: [{ terminationDate: null }, { terminationDate: { gte: today } }] });
  if (query.status === 'leavers') where.terminationDate = { not: null };
  if (and.length) where.AND = and;
  return where;
}

const EMPLOYEE_ORDER: Record<EmployeeListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.EmployeeProfileOrderByWithRelationInput[]> = {
  name: (dir) => [{ familyName: dir }, { givenName: dir }],
  codiceFiscale: (dir) => [{ codiceFiscale: dir }],
  email: (dir) => [{ email: dir }],
  hireDate: (dir) => [{ hireDate: dir }, { familyName: 'asc' }],
  terminationDate: (dir) => [{ terminationDate: { sort: dir, nulls: 'last' } }, { familyName: 'asc' }],
  site: (dir) => [{ site: { name: dir } }, { familyName: 'asc' }],
  category: (dir) => [{ category: { sort: dir, nulls: 'last' } }, { familyName: 'asc' }],
};

const EMPLOYEE_SELECT = {
  membershipId: true,
  codiceFiscale: true,
  givenName: true,
  familyName: true,
  email: true,
  hireDate: true,
  terminationDate: true,
  category: true,
  childrenCount: true,
  dependentsCount: true,
  site: { select: { name: true } },
  membership: { select: { status: true } },
} as const satisfies Prisma.EmployeeProfileSelect;

type EmployeeRow = Prisma.EmployeeProfileGetPayload<{ select: typeof EMPLOYEE_SELECT }>;

function employeeView(e: EmployeeRow, balances: Map<string, number> | null) {
  return {
    id: e.membershipId,
    codiceFiscale: e.codiceFiscale,
    givenName: e.givenName,
    familyName: e.familyName,
    email: e.email,
    hireDate: isoDate(e.hireDate)!,
    terminationDate: isoDate(e.terminationDate),
    site: e.site?.name ?? null,
    category: e.category,
    children: e.childrenCount,
    dependents: e.dependentsCount,
    membershipStatus: e.membership.status,
    balanceCents: balances ? (balances.get(e.membershipId) ?? 0) : null,
  };
}
export type EmployeeView = ReturnType<typeof employeeView>;

/** The wallets (part P) answer per membership; memberships without a wallet are absent (0). */
function balancesFor(db: DbTx, membershipIds: readonly string[]): Promise<Map<string, number>> {
  return getWalletBalancesForMemberships(db, membershipIds);
}

/** One page of the company's employees: search, filters, sort, with the wallet balance of each. */
export async function listEmployees(db: DbTx, actor: Actor, query: EmployeeListQuery) {
  const company = await requireAdmittedCompany(db, actor);
  const where = employeeWhere(company.organizationId, query);
  const total = await db.employeeProfile.count({ where });
  const pages = Math.max(1, Math.ceil(total / EMPLOYEE_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const [rows, sites, categories] = await Promise.all([
    db.employeeProfile.findMany({
      where,
      orderBy: [...EMPLOYEE_ORDER[query.sort](query.dir), { membershipId: 'asc' }],
      skip: (page - 1) * EMPLOYEE_PAGE_SIZE,
      take: EMPLOYEE_PAGE_SIZE,
      select: EMPLOYEE_SELECT,
    }),
    db.companySite.findMany({ where: { organizationId: company.organizationId }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    db.employeeProfile.findMany({
      where: { organizationId: company.organizationId, category: { not: null } },
      distinct: ['category'],
      orderBy: { category: 'asc' },
      select: { category: true },
      take: 100,
    }),
  ]);
  const balances = await balancesFor(db, rows.map((r) => r.membershipId));
  return {
    company: { legalName: company.legalName },
    rows: rows.map((r) => employeeView(r, balances)),
    total,
    page,
    pages,
    pageSize: EMPLOYEE_PAGE_SIZE,
    sites,
    categories: categories.map((c) => c.category!).filter(Boolean),
  };
}

/** Every employee the filters select (no paging), for the CSV/XLSX export; audited as `roster.exported`. */
export async function exportEmployees(db: Db, actor: Actor, input: { query: EmployeeListQuery; format: 'csv' | 'xlsx'; ipAddress?: string | null }) {
  const company = await requireAdmittedCompany(db, actor);
  const rows = await db.employeeProfile.findMany({
    where: employeeWhere(company.organizationId, input.query),
    orderBy: [...EMPLOYEE_ORDER[input.query.sort](input.query.dir), { membershipId: 'asc' }],
    take: EXPORT_LIMIT,
    select: EMPLOYEE_SELECT,
  });
  const balances = await balancesFor(db, rows.map((r) => r.membershipId));
  await recordAudit(db, {
    action: 'roster.exported',
    allianceId: company.allianceId,
    organizationId: company.organizationId,
    actorUserId: actor.user.id,
    subjectType: 'CompanyProfile',
    subjectId: company.organizationId,
    ipAddress: input.ipAddress ?? null,
    metadata: { format: input.format, rows: rows.length },
  });
  return { legalName: company.legalName, rows: rows.map((r) => employeeView(r, balances)) };
}

// ---------------------------------------------------------------------------------------------
// For the plans (part P)

export interface EmployeeForAllocation {
  membershipId: string;
  userId: string;
  category: string | null;
  children: number;
  dependents: number;
  /** YYYY-MM-DD */
  hireDate: string;
  terminationDate: string | null;
}

/**
 * The company's employees on the roster who are employed on `asOf` (YYYY-MM-DD): hired on or
 * before, not terminated before; memberships not suspended. Ordered by membership id.
 */
export async function listEmployeesForAllocation(db: DbTx, input: { companyId: string; asOf: string }): Promise<EmployeeForAllocation[]> {
  const rows = await db.$queryRaw<Array<{ membershipId: string; userId: string; category: string | null; children: number; dependents: number; hireDate: Date; terminationDate: Date | null }>>`
    SELECT p."membershipId", m."userId", p."category", p."childrenCount" AS children, p."dependentsCount" AS dependents, p."hireDate", p."terminationDate"
    FROM "EmployeeProfile" p JOIN "Membership" m ON m."id" = p."membershipId"
    WHERE p."organizationId" = ${input.companyId}::uuid AND m."status" <> 'SUSPENDED'
      AND p."hireDate" <= ${input.asOf}::date AND (p."terminationDate" IS NULL OR p."terminationDate" >= ${input.asOf}::date)
    ORDER BY p."membershipId"`;
  return rows.map((r) => ({ ...r, hireDate: isoDate(r.hireDate)!, terminationDate: isoDate(r.terminationDate) }));
}
