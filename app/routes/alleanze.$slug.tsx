import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import type { ReactNode } from 'react';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { getAlliancePublicPage, type AlliancePublicPage } from '~/domain/catalogue/alliance-page.server';
import { publicPageCacheHeaders } from '~/domain/catalogue/cache.server';
import { formatDate, formatNumber } from '~/ui/format';
import { TextField } from '~/ui/forms';
import { Icon } from '~/ui/Icon';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// /alleanze/:slug — the public page of an alliance: the project, its territory and partners, the
// latest published news and good practices, and a search box into its catalogue.
// ?notizia=<slug> shows one published post in full at the top (its permanent link).

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data
    ? [{ title: `${data.page.featured ? `${data.page.featured.title} – ` : ''}${data.page.alliance.name} – Conciliamo` }]
    : pageTitle(matches, 'error.notFound.title');

export const headers: HeadersFunction = ({ loaderHeaders }) => ({
  'Cache-Control': loaderHeaders.get('Cache-Control') ?? 'no-store',
  Vary: loaderHeaders.get('Vary') ?? 'Cookie',
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const newsSlug = new URL(request.url).searchParams.get('notizia');
  try {
    const [page, cacheHeaders] = await Promise.all([
      getAlliancePublicPage(getDb(), { slug: params.slug ?? '', newsSlug }),
      publicPageCacheHeaders(request),
    ]);
    return json({ page }, { headers: cacheHeaders });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

type Post = AlliancePublicPage['news'][number];

function PostArticle({ post, allianceSlug, headingLevel }: { post: Post; allianceSlug: string; headingLevel: 'h2' | 'h3' }) {
  const t = useT();
  const locale = useLocale();
  const Heading = headingLevel;
  return (
    <article id={`notizia-${post.slug}`} aria-labelledby={`title-${post.slug}`} className="mb-4">
      <Heading id={`title-${post.slug}`} className={headingLevel === 'h2' ? 'h3' : 'h5'}>
        <Link to={`/alleanze/${allianceSlug}?notizia=${post.slug}`}>{post.title}</Link>
      </Heading>
      <p className="small text-muted mb-2">
        {t(`news.kind.${post.kind}`)} · <time dateTime={post.publishedAt}>{formatDate(post.publishedAt, locale)}</time>
      </p>
      {/* Rendered on the server from the safe Markdown subset: raw HTML is escaped. */}
      <div dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
    </article>
  );
}

function PartnerList({ id, title, names }: { id: string; title: string; names: Array<{ key: string; node: ReactNode }> }) {
  if (names.length === 0) return null;
  return (
    <div className="col-12 col-md-4">
      <h3 id={id} className="h5">
        {title}
      </h3>
      <ul aria-labelledby={id}>
        {names.map((n) => (
          <li key={n.key}>{n.node}</li>
        ))}
      </ul>
    </div>
  );
}

export default function AlliancePublic() {
  const { page } = useLoaderData<typeof loader>();
  const { alliance, partners, news, practices, featured, offeringCount } = page;
  const t = useT();
  const locale = useLocale();
  const comuniCount = alliance.ambiti.reduce((n, a) => n + a.comuni.length, 0);

  return (
    <>
      <nav aria-label={t('catalogue.breadcrumb')} className="breadcrumb-container mb-2">
        <ol className="breadcrumb p-0">
          <li className="breadcrumb-item">
            <Link to="/">{t('nav.home')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {alliance.shortName}
          </li>
        </ol>
      </nav>
      <h1 className="mb-2">{alliance.name}</h1>
      <p className="lead">{alliance.description}</p>

      {featured ? (
        <section aria-label={t('alliancePage.featured')} className="callout mb-5">
          <PostArticle post={featured} allianceSlug={alliance.slug} headingLevel="h2" />
          <Link to={`/alleanze/${alliance.slug}`}>{t('alliancePage.allNews')}</Link>
        </section>
      ) : null}

      <div className="row g-4 mb-5">
        <div className="col-12 col-lg-7">
          <section aria-labelledby="project-title">
            <h2 id="project-title" className="h3">
              {t('alliancePage.project')}
            </h2>
            <dl>
              <div className="mb-2">
                <dt className="fw-semibold">{t('public.alliance.capofila')}</dt>
                <dd className="mb-0">{alliance.capofila}</dd>
              </div>
              <div className="mb-2">
                <dt className="fw-semibold">{t('public.alliance.territory')}</dt>
                <dd className="mb-0">{alliance.territory}</dd>
              </div>
              <div className="mb-2">
                <dt className="fw-semibold">{t('public.alliance.ambiti')}</dt>
                <dd className="mb-0">{alliance.ambiti.map((a) => a.name).join('; ')}</dd>
              </div>
            </dl>
          </section>
        </div>
        <div className="col-12 col-lg-5">
          <section aria-labelledby="search-title" className="card card-bg shadow-sm">
            <div className="card-body">
              <h2 id="search-title" className="h4">
                {t('alliancePage.search.title')}
              </h2>
              <p>{t('alliancePage.search.body', { count: formatNumber(offeringCount, locale) })}</p>
              <Form method="get" action="/catalogo" role="search" aria-labelledby="search-title">
                <input type="hidden" name="alliance" value={alliance.slug} />
                <TextField name="q" type="search" label={t('catalogue.search.label')} hint={t('catalogue.search.hint')} autoComplete="off" />
                <button type="submit" className="btn btn-primary">
                  <Icon name="it-search" className="icon-white icon-sm me-1" />
                  {t('catalogue.search.submit')}
                </button>
              </Form>
              <p className="mt-3 mb-0">
                <Link to={`/catalogo?alliance=${alliance.slug}`}>{t('alliancePage.search.all')}</Link>
              </p>
            </div>
          </section>
        </div>
      </div>

      <div className="row g-4 mb-5">
        <section aria-labelledby="news-title" className="col-12 col-lg-6">
          <h2 id="news-title" className="h3">
            {t('alliancePage.news')}
          </h2>
          {news.length === 0 ? <p>{t('alliancePage.noNews')}</p> : news.map((post) => <PostArticle key={post.slug} post={post} allianceSlug={alliance.slug} headingLevel="h3" />)}
        </section>
        <section aria-labelledby="practices-title" className="col-12 col-lg-6">
          <h2 id="practices-title" className="h3">
            {t('alliancePage.practices')}
          </h2>
          {practices.length === 0 ? (
            <p>{t('alliancePage.noPractices')}</p>
          ) : (
            practices.map((post) => <PostArticle key={post.slug} post={post} allianceSlug={alliance.slug} headingLevel="h3" />)
          )}
        </section>
      </div>

      <section aria-labelledby="partners-title" className="mb-5">
        <h2 id="partners-title" className="h3">
          {t('alliancePage.partners')}
        </h2>
        <div className="row g-4">
          <PartnerList id="partners-public" title={t('alliancePage.partners.public')} names={partners.publicBodies.map((n) => ({ key: n, node: n }))} />
          <PartnerList
            id="partners-providers"
            title={t('alliancePage.partners.providers')}
            names={partners.providers.map((p) => ({ key: p.id, node: <Link to={`/enti/${p.id}`}>{p.name}</Link> }))}
          />
          <PartnerList id="partners-companies" title={t('alliancePage.partners.companies')} names={partners.companies.map((n) => ({ key: n, node: n }))} />
        </div>
      </section>

      <section aria-labelledby="territory-title">
        <h2 id="territory-title" className="h3">
          {t('alliancePage.territory', { count: comuniCount })}
        </h2>
        <div className="row g-4">
          {alliance.ambiti.map((ambito) => (
            <div key={ambito.id} className="col-12 col-md-6">
              <h3 className="h5">{ambito.name}</h3>
              <p>
                {ambito.comuni.map((c, i) => (
                  <span key={c.istatCode}>
                    {i > 0 ? ', ' : ''}
                    <Link to={`/catalogo?comune=${c.istatCode}`}>{c.name}</Link>
                  </span>
                ))}
              </p>
            </div>
          ))}
        </div>
      </section>
    </>
  );
}
