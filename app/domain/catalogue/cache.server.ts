import { readSessionId } from '~/utils/session.server';

// Cache headers of the public catalogue pages and API. An anonymous visitor's page holds only
// public data, so browsers and shared caches may keep it for a minute; a signed-in visitor's page
// carries their name in the header, so it is private. Pages vary by cookie (session, language)
// and by Accept-Language (the language chosen without a cookie).

export const PUBLIC_MAX_AGE_SECONDS = 60;

export async function publicPageCacheHeaders(request: Request): Promise<Record<string, string>> {
  const signedIn = Boolean(await readSessionId(request));
  return {
    'Cache-Control': signedIn ? 'private, no-store' : `public, max-age=${PUBLIC_MAX_AGE_SECONDS}, stale-while-revalidate=300`,
    Vary: 'Cookie, Accept-Language',
  };
}

/** The JSON API answer is the same for everyone (no key, no session). */
export const PUBLIC_API_CACHE_HEADERS: Record<string, string> = {
  'Cache-Control': `public, max-age=${PUBLIC_MAX_AGE_SECONDS}, stale-while-revalidate=300`,
};
