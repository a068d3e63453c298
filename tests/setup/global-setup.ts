import { ensureTemplateDatabase } from './template-db';

export default async function globalSetup(): Promise<void> {
  await ensureTemplateDatabase();
}
