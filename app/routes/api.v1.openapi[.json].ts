import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { buildOpenApiDocument } from '~/api/endpoints';
import { apiJson, methodNotAllowed, withApi } from '~/api/errors.server';

// GET /api/v1/openapi.json — public: the description of the API is not a secret.
export const loader = withApi(async (_args: LoaderFunctionArgs) =>
  apiJson(buildOpenApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } }),
);

export const action = withApi(async ({ request }: ActionFunctionArgs) => methodNotAllowed(request, ['GET']));
