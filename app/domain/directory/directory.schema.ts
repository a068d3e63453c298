import { z } from 'zod';
import { ROLES } from '~/domain/auth/roles';

const page = z.coerce.number().int().min(1).max(100_000).catch(1);
const dir = z.enum(['asc', 'desc']).catch('asc');

export const memberListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  page,
  sort: z.enum(['name', 'email', 'role', 'status', 'createdAt']).catch('name'),
  dir,
});
export type MemberListQuery = z.infer<typeof memberListQuerySchema>;

export const organizationListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  kind: z.enum(['AMBITO', 'COMPANY', 'PROVIDER', 'PUBLIC_BODY', 'OTHER']).optional().catch(undefined),
  page,
  sort: z.enum(['legalName', 'kind', 'comune', 'members']).catch('legalName'),
  dir,
});
export type OrganizationListQuery = z.infer<typeof organizationListQuerySchema>;

export const auditListQuerySchema = z.object({
  action: z.string().trim().max(80).optional().catch(undefined),
  page,
  sort: z.enum(['createdAt', 'action']).catch('createdAt'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
});
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;

export const inviteFormSchema = z.object({
  email: z
    .string({ error: 'validation.required' })
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: 'validation.email' }).max(254, { error: 'validation.email' })),
  givenName: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(100),
  familyName: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(100),
  role: z.enum(ROLES, { error: 'validation.role' }),
});

export function searchParamsObject(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}
