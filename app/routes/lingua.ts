import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { setUserLocale } from '~/domain/account/preferences.server';
import { LOCALES } from '~/i18n/i18n';
import { getOptionalActor } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { localeCookie, safeRedirectPath } from '~/utils/http.server';

const schema = z.object({ locale: z.enum(LOCALES).catch('it'), redirectTo: z.string().optional() });

export async function action({ request }: ActionFunctionArgs) {
  const form = schema.parse(Object.fromEntries(await request.formData()));
  const actor = await getOptionalActor(request);
  if (actor) await setUserLocale(getDb(), actor.user.id, form.locale);
  return redirect(safeRedirectPath(form.redirectTo, '/'), {
    headers: { 'Set-Cookie': await localeCookie.serialize(form.locale) },
  });
}

export async function loader() {
  return redirect('/');
}
