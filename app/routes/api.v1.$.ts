import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { apiNotFound, withApi } from '~/api/errors.server';

// Any /api/v1 path without a route of its own: a JSON 404, not the HTML error page.
export const loader = withApi(async ({ request }: LoaderFunctionArgs) => apiNotFound(request));
export const action = withApi(async ({ request }: ActionFunctionArgs) => apiNotFound(request));
