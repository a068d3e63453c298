import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { DEFAULT_LOCALE, translator, type Locale } from '~/i18n/i18n';
import { useT } from '~/ui/i18n';
import { Footer } from '~/ui/layout/Footer';
import { Header, type HeaderActor } from '~/ui/layout/Header';
import { useNonce } from '~/ui/nonce';
import { getOptionalActor } from '~/utils/auth.server';
import { getRequestLocale, hasExplicitLocale } from '~/utils/http.server';
import appStyles from '~/ui/app.css';

export const links: LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  { rel: 'stylesheet', href: '/fonts.css' },
];

export const meta: MetaFunction = () => [{ title: 'Conciliamo' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getOptionalActor(request);
  let locale: Locale = await getRequestLocale(request);
  if (actor && !(await hasExplicitLocale(request)) && (actor.user.locale === 'it' || actor.user.locale === 'en')) {
    locale = actor.user.locale;
  }
  const header: HeaderActor | null = actor
    ? {
        name: `${actor.user.givenName} ${actor.user.familyName}`,
        role: actor.membership?.role ?? null,
        organizationName: actor.membership?.organizationName ?? null,
        allianceName: actor.membership?.allianceName ?? null,
      }
    : null;
  const kitVersion = (context as { kitVersion?: string }).kitVersion ?? 'current';
  return json({ locale, actor: header, kitVersion });
}

function Document({ children, locale, kitVersion, title }: { children: ReactNode; locale: Locale; kitVersion: string; title?: string }) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {title ? <title>{title}</title> : null}
        <link rel="stylesheet" href={`/vendor/bootstrap-italia/${kitVersion}/css/bootstrap-italia.min.css`} />
        <link rel="stylesheet" href={appStyles} />
        <Meta />
        <Links />
      </head>
      <body>
        <div className="skiplinks">
          <a className="visually-hidden-focusable" href="#main-content">
            {translator(locale)('nav.skipToContent')}
          </a>
          <a className="visually-hidden-focusable" href="#main-navigation">
            {translator(locale)('nav.skipToNavigation')}
          </a>
        </div>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale, actor, kitVersion } = useLoaderData<typeof loader>();
  return (
    <Document locale={locale} kitVersion={kitVersion}>
      <Header actor={actor} />
      <main id="main-content" tabIndex={-1} className="container my-4 my-md-5">
        <Outlet />
      </main>
      <Footer allianceName={actor?.allianceName ?? null} />
    </Document>
  );
}

function ErrorContent({ status, requestId }: { status: number; requestId?: string }) {
  const t = useT();
  const kind = status === 404 ? 'notFound' : status === 403 ? 'forbidden' : 'server';
  return (
    <div className="row">
      <div className="col-12 col-lg-8">
        <p className="text-muted mb-1">{status}</p>
        <h1>{t(`error.${kind}.title`)}</h1>
        <p className="lead">{status === 429 ? t('error.rateLimited', { minutes: 15 }) : status === 503 ? t('error.unavailable') : t(`error.${kind}.body`)}</p>
        {requestId && status >= 500 ? <p className="small">{t('error.reference', { id: requestId })}</p> : null}
        <p className="d-flex gap-3 flex-wrap">
          <Link to="/" className="btn btn-primary">
            {t('error.goHome')}
          </Link>
        </p>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const locale = data?.locale ?? DEFAULT_LOCALE;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const t = translator(locale);
  const kind = status === 404 ? 'notFound' : status === 403 ? 'forbidden' : 'server';
  return (
    <Document locale={locale} kitVersion={data?.kitVersion ?? 'current'} title={`${t(`error.${kind}.title`)} – Conciliamo`}>
      <Header actor={data?.actor ?? null} />
      <main id="main-content" tabIndex={-1} className="container my-4 my-md-5">
        <ErrorContent status={status} />
      </main>
      <Footer allianceName={data?.actor?.allianceName ?? null} />
    </Document>
  );
}
