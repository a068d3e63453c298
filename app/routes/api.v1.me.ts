import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requireApiActor } from '~/api/auth.server';
import { methodNotAllowed, withApi } from '~/api/errors.server';
import { displayPrefix } from '~/domain/api-keys/api-keys.fns';
import { describeApiActor } from '~/domain/api-keys/api-keys.server';
import { getDb } from '~/utils/db.server';

// GET /api/v1/me — the calling key and its organisation (shape: MeResponseSchema in ~/api/endpoints).
export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireApiActor(request);
  const { organization, apiKey } = await describeApiActor(getDb(), actor);
  return { organization, apiKey: { ...apiKey, prefix: displayPrefix(apiKey.prefix) } };
});

export const action = withApi(async ({ request }: ActionFunctionArgs) => methodNotAllowed(request, ['GET']));
