// Prisma 7 reads the connection from here, not from schema.prisma.
// Migrations are applied by our own runner (scripts/lib + app/utils/migrations.server.ts):
// the schema engine binary is not available everywhere we run.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/conciliamo',
  },
});
