import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkSchemaAgainstDatabase } from '~/utils/schema-check.server';
import { useTestDatabase } from '../setup/database';

// The migrated database must match prisma/schema.prisma exactly. The later cases change this
// file's own database, one drift at a time, and expect the check to name it.

const ctx = useTestDatabase();

async function sql(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Applies a drift, checks what is reported, undoes it, and checks the database is clean again. */
async function expectDrift(change: string, expected: string[], undo?: string): Promise<void> {
  await sql(change);
  try {
    const result = await checkSchemaAgainstDatabase(ctx.databaseUrl);
    expect(result.differences).toEqual(expected);
    expect(result.ok).toBe(false);
  } finally {
    // Undone even when the expectation fails, so one failure does not cascade into the next cases.
    if (undo) await sql(undo);
  }
  if (undo) expect(await checkSchemaAgainstDatabase(ctx.databaseUrl)).toEqual({ ok: true, differences: [] });
}

describe('schema.prisma against the migrated database', () => {
  it('matches: no differences', async () => {
    expect(await checkSchemaAgainstDatabase(ctx.databaseUrl)).toEqual({ ok: true, differences: [] });
  });

  it('reports a dropped column', async () => {
    await expectDrift(
      `ALTER TABLE "Organization" DROP COLUMN "address"`,
      ['Organization.address: column missing in the database'],
      `ALTER TABLE "Organization" ADD COLUMN "address" TEXT`,
    );
  });

  it('reports a column the schema does not have', async () => {
    await expectDrift(
      `ALTER TABLE "Organization" ADD COLUMN "fax" TEXT`,
      ['Organization.fax: column in the database but not in schema.prisma'],
      `ALTER TABLE "Organization" DROP COLUMN "fax"`,
    );
  });

  it('reports changed nullability', async () => {
    await expectDrift(
      `ALTER TABLE "Organization" ALTER COLUMN "partitaIva" SET NOT NULL`,
      ['Organization.partitaIva: schema says nullable text, database has text NOT NULL'],
      `ALTER TABLE "Organization" ALTER COLUMN "partitaIva" DROP NOT NULL`,
    );
    await expectDrift(
      `ALTER TABLE "User" ALTER COLUMN "email" DROP NOT NULL`,
      ['User.email: schema says text NOT NULL, database has nullable text'],
      `ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL`,
    );
  });

  it('reports a changed type, native types included', async () => {
    await expectDrift(
      `ALTER TABLE "Comune" ALTER COLUMN "province" TYPE TEXT`,
      ['Comune.province: schema says character(2) NOT NULL, database has text NOT NULL'],
      `ALTER TABLE "Comune" ALTER COLUMN "province" TYPE CHAR(2)`,
    );
    await expectDrift(
      `ALTER TABLE "Session" ALTER COLUMN "expiresAt" TYPE TIMESTAMP(3)`,
      ['Session.expiresAt: schema says timestamp(3) with time zone NOT NULL, database has timestamp(3) without time zone NOT NULL'],
      `ALTER TABLE "Session" ALTER COLUMN "expiresAt" TYPE TIMESTAMPTZ(3)`,
    );
  });

  it('reports a missing default', async () => {
    await expectDrift(
      `ALTER TABLE "Membership" ALTER COLUMN "status" DROP DEFAULT`,
      ['Membership.status: schema.prisma declares a default, the database column has none'],
      `ALTER TABLE "Membership" ALTER COLUMN "status" SET DEFAULT 'ACTIVE'`,
    );
  });

  it('reports a dropped index and a dropped unique index', async () => {
    await expectDrift(
      `DROP INDEX "Comune_ambitoId_idx"`,
      ['Comune: index Comune_ambitoId_idx on (ambitoId) missing in the database'],
      `CREATE INDEX "Comune_ambitoId_idx" ON "Comune"("ambitoId")`,
    );
    await expectDrift(
      `DROP INDEX "Organization_allianceId_codiceFiscale_key"`,
      ['Organization: unique index Organization_allianceId_codiceFiscale_key on (allianceId, codiceFiscale) missing in the database'],
      `CREATE UNIQUE INDEX "Organization_allianceId_codiceFiscale_key" ON "Organization"("allianceId", "codiceFiscale")`,
    );
  });

  it('reports an index that lost its uniqueness or changed columns', async () => {
    await expectDrift(
      `DROP INDEX "User_email_key"; CREATE INDEX "User_email_key" ON "User"("email")`,
      ['User: User_email_key is a unique index on (email) in schema.prisma, an index on (email) in the database'],
      `DROP INDEX "User_email_key"; CREATE UNIQUE INDEX "User_email_key" ON "User"("email")`,
    );
  });

  it('reports an extra plain index but not a partial one written by hand', async () => {
    await expectDrift(
      `CREATE INDEX "Organization_legalName_idx" ON "Organization"("legalName")`,
      ['Organization: index Organization_legalName_idx on (legalName) in the database but not in schema.prisma'],
      `DROP INDEX "Organization_legalName_idx"`,
    );
    await sql(`CREATE INDEX "OutboxEvent_pending_idx" ON "OutboxEvent"("availableAt") WHERE "status" = 'PENDING'`);
    expect(await checkSchemaAgainstDatabase(ctx.databaseUrl)).toEqual({ ok: true, differences: [] });
    await sql(`DROP INDEX "OutboxEvent_pending_idx"`);
  });

  it('reports a dropped primary key and a dropped or changed foreign key', async () => {
    await expectDrift(
      `ALTER TABLE "Session" DROP CONSTRAINT "Session_pkey"`,
      ['Session: primary key (id) missing in the database'],
      `ALTER TABLE "Session" ADD CONSTRAINT "Session_pkey" PRIMARY KEY ("id")`,
    );
    await expectDrift(
      `ALTER TABLE "Membership" DROP CONSTRAINT "Membership_userId_fkey"`,
      ['Membership: foreign key Membership_userId_fkey (userId) → User(id) missing in the database'],
      `ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await expectDrift(
      `ALTER TABLE "Membership" DROP CONSTRAINT "Membership_userId_fkey";
       ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE`,
      ['Membership: foreign key Membership_userId_fkey is ON DELETE Cascade in schema.prisma, Restrict in the database'],
      `ALTER TABLE "Membership" DROP CONSTRAINT "Membership_userId_fkey";
       ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
  });

  it('reports tables: an extra one, and a missing one', async () => {
    await expectDrift(
      `CREATE TABLE "Stray" ("id" INTEGER PRIMARY KEY)`,
      ['table "Stray": in the database but not in schema.prisma'],
      `DROP TABLE "Stray"`,
    );
    await expectDrift(
      `ALTER TABLE "MailMessage" RENAME TO "Mail"`,
      ['MailMessage: table "MailMessage" missing in the database', 'table "Mail": in the database but not in schema.prisma'],
      `ALTER TABLE "Mail" RENAME TO "MailMessage"`,
    );
  });

  it('ignores the migrations table', async () => {
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
      expect(rows[0]?.exists).toBe(true);
    } finally {
      await client.end();
    }
    expect((await checkSchemaAgainstDatabase(ctx.databaseUrl)).ok).toBe(true);
  });

  // Last: an enum value cannot be removed again.
  it('reports an enum value added in the database, and an enum type the schema lacks', async () => {
    await expectDrift(`CREATE TYPE "Colour" AS ENUM ('RED')`, ['enum Colour: in the database but not in schema.prisma'], `DROP TYPE "Colour"`);
    await expectDrift(`ALTER TYPE "Role" ADD VALUE 'SUPERUSER'`, ['enum Role: value SUPERUSER in the database but not in schema.prisma']);
  });

  it('fails with a clear error when the schema file is missing', async () => {
    await expect(checkSchemaAgainstDatabase(ctx.databaseUrl, 'prisma/no-such.prisma')).rejects.toThrow(/no-such\.prisma/);
  });
});
