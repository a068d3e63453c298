import path from 'node:path';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { kitFontFaceCss } from '~/utils/fonts.server';

let cached: { version: string; css: string } | undefined;

export async function loader({ context }: LoaderFunctionArgs) {
  const version = (context as { kitVersion?: string }).kitVersion ?? 'current';
  if (cached?.version !== version) {
    cached = {
      version,
      css: kitFontFaceCss(path.resolve('node_modules/bootstrap-italia/dist/fonts'), `/vendor/bootstrap-italia/${version}/fonts`),
    };
  }
  return new Response(cached.css, {
    headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=86400' },
  });
}
