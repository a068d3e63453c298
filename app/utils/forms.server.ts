import type { z } from 'zod';

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, string> };

/**
 * Parses a submitted form with a zod schema. Field errors are keyed by field name and carry the
 * schema's message (an i18n key such as `validation.email`); `values` gives back what was typed,
 * except passwords, so the page can refill the form.
 */
export async function parseForm<S extends z.ZodType>(
  input: Request | FormData,
  schema: S,
): Promise<FormResult<z.output<S>>> {
  const formData = input instanceof Request ? await input.formData() : input;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string') {
      raw[key] = value;
      continue;
    }
    const existing = raw[key];
    if (existing === undefined) raw[key] = value;
    else raw[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    fieldErrors[key] ??= issue.message;
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && !/password|token|code/i.test(key)) values[key] = value;
  }
  return { ok: false, fieldErrors, values };
}
