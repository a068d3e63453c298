import { z } from 'zod';
import { ROLES } from '~/domain/auth/roles';

// Shared by the settings page, the CLI and createApiKey. Messages are i18n keys (apikeys.ts).
export const API_KEY_NAME_MAX = 100;

export const ApiKeyNameSchema = z
  .string({ error: 'apikeys.validation.nameRequired' })
  .trim()
  .min(1, { error: 'apikeys.validation.nameRequired' })
  .max(API_KEY_NAME_MAX, { error: 'apikeys.validation.nameTooLong' });

export const ApiKeyRoleSchema = z.enum(ROLES, { error: 'apikeys.validation.role' });

export const CreateApiKeyFormSchema = z.object({
  intent: z.literal('create'),
  name: ApiKeyNameSchema,
  // An empty select means "the default role for this organisation".
  role: z.preprocess((v) => (v === '' ? undefined : v), ApiKeyRoleSchema.optional()),
});

export const RevokeApiKeyFormSchema = z.object({
  intent: z.literal('revoke'),
  keyId: z.uuid({ error: 'apikeys.validation.keyId' }),
});
