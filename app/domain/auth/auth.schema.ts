import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './auth.fns';
import { ROLES } from './roles';

// Form and input schemas of accounts and memberships. Messages are i18n keys (app/i18n/messages/auth.ts)
// that the pages translate. The password policy itself needs the e-mail, so the domain functions
// check it and answer with the same kind of field error.

const email = z
  .string({ error: 'auth.validation.emailRequired' })
  .trim()
  .min(1, { error: 'auth.validation.emailRequired' })
  .max(254, { error: 'auth.validation.email' })
  .pipe(z.email({ error: 'auth.validation.email' }))
  .transform((value) => value.toLowerCase());

const typedPassword = z
  .string({ error: 'auth.validation.passwordRequired' })
  .min(1, { error: 'auth.validation.passwordRequired' })
  .max(PASSWORD_MAX_LENGTH, { error: 'auth.password.tooLong' });

const newPassword = z
  .string({ error: 'auth.validation.newPasswordRequired' })
  .min(1, { error: 'auth.validation.newPasswordRequired' })
  .max(PASSWORD_MAX_LENGTH, { error: 'auth.password.tooLong' });

const totpCode = z
  .string({ error: 'auth.validation.codeRequired' })
  .trim()
  .min(1, { error: 'auth.validation.codeRequired' })
  .transform((value) => value.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, { error: 'auth.validation.codeFormat' }));

const redirectTo = z.string().max(2048).optional();

export const LoginSchema = z.object({ email, password: typedPassword, redirectTo });
export type LoginForm = z.infer<typeof LoginSchema>;

export const SecondFactorSchema = z.object({ code: totpCode, redirectTo });

export const ForgotPasswordSchema = z.object({ email });

export const NewPasswordSchema = z
  .object({
    password: newPassword,
    passwordConfirmation: z.string({ error: 'auth.validation.confirmationRequired' }).min(1, { error: 'auth.validation.confirmationRequired' }),
  })
  .refine((v) => v.password === v.passwordConfirmation, {
    path: ['passwordConfirmation'],
    error: 'auth.validation.passwordsDiffer',
  });

export const ChangePasswordSchema = z
  .object({
    currentPassword: typedPassword,
    password: newPassword,
    passwordConfirmation: z.string({ error: 'auth.validation.confirmationRequired' }).min(1, { error: 'auth.validation.confirmationRequired' }),
  })
  .refine((v) => v.password === v.passwordConfirmation, {
    path: ['passwordConfirmation'],
    error: 'auth.validation.passwordsDiffer',
  });

/** An invitee who already has an account confirms with the password they use today. */
export const ExistingAccountSchema = z.object({ currentPassword: typedPassword });

export const EnableTotpSchema = z.object({ code: totpCode });

/** Its own field name: the password-change form on the same page already has `currentPassword`. */
export const DisableTotpSchema = z.object({ disablePassword: typedPassword, code: totpCode });

export const SwitchMembershipSchema = z.object({
  membershipId: z.uuid({ error: 'auth.validation.membership' }),
});

const personName = (required: string) =>
  z
    .string({ error: required })
    .trim()
    .min(1, { error: required })
    .max(100, { error: 'auth.validation.nameTooLong' });

/** What inviteMember accepts (from the CLI, the people pages, the API). */
export const InviteMemberSchema = z.object({
  organizationId: z.uuid({ error: 'auth.validation.organization' }),
  email,
  givenName: personName('auth.validation.givenNameRequired'),
  familyName: personName('auth.validation.familyNameRequired'),
  role: z.enum(ROLES, { error: 'auth.validation.role' }),
});
export type InviteMemberFields = z.infer<typeof InviteMemberSchema>;
