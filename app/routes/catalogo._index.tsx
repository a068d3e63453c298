import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { publicPageCacheHeaders } from '~/domain/catalogue/cache.server';
import { pagerItems, searchHref } from '~/domain/catalogue/catalogue.fns';
import { catalogueParamsOf, MAX_QUERY_LENGTH, parseCatalogueParamsLeniently, PROVIDER_KINDS } from '~/domain/catalogue/catalogue.schema';
import { getCatalogueFacets, searchCatalogue, type CatalogueHit } from '~/domain/catalogue/catalogue.server';
import { formatMoney, formatNumber } from '~/ui/format';
import { ErrorSummary, SelectField, TextField } from '~/ui/forms';
import { Icon } from '~/ui/Icon';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';

// /catalogo — the public catalogue: full-text search in Italian with filters, server-rendered.
// The URL holds the whole state (a GET form), so it works without JavaScript, can be bookmarked
// and shared; GET /api/v1/catalogue answers the same search as JSON.

const PATH = '/catalogo';

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data?.params.q ? 'catalogue.titleWithQuery' : 'catalogue.title', { q: data?.params.q ?? '' });

export const headers: HeadersFunction = ({ loaderHeaders }) => ({
  'Cache-Control': loaderHeaders.get('Cache-Control') ?? 'no-store',
  Vary: loaderHeaders.get('Vary') ?? 'Cookie',
});

export async function loader({ request }: LoaderFunctionArgs) {
  const params = catalogueParamsOf(new URL(request.url));
  const { search, fieldErrors } = parseCatalogueParamsLeniently(params);
  const db = getDb();
  const [results, facets, cacheHeaders] = await Promise.all([searchCatalogue(db, search, { cache: true }), getCatalogueFacets(db, { cache: true }), publicPageCacheHeaders(request)]);
  // Only what a result card shows: the page's data is also sent to the browser for hydration.
  return json({ params, fieldErrors, results: { ...results, hits: results.hits.map(toCard) }, facets }, { headers: cacheHeaders });
}

function toCard(hit: CatalogueHit) {
  return {
    id: hit.offeringId,
    title: hit.title,
    summary: hit.summary,
    categoryIt: hit.category.nameIt,
    categoryEn: hit.category.nameEn,
    provider: hit.provider.name,
    rateCents: hit.allianceRateCents,
    priceUnit: hit.priceUnit,
    packageHours: hit.packageHours,
    ageMin: hit.ageMin,
    ageMax: hit.ageMax,
    target: hit.target,
    comuni: hit.comuni.slice(0, 3).map((c) => c.name),
    moreComuni: Math.max(0, hit.comuni.length - 3),
  };
}
type Card = ReturnType<typeof toCard>;

type Params = ReturnType<typeof useLoaderData<typeof loader>>['params'];

const FILTERS = ['category', 'comune', 'alliance', 'age', 'minPrice', 'maxPrice', 'providerKind'] as const;

function ResultCard({ hit }: { hit: Card }) {
  const t = useT();
  const locale = useLocale();
  return (
    <article className="card card-bg shadow-sm h-100" aria-labelledby={`hit-${hit.id}`}>
      <div className="card-body">
        <p className="small text-uppercase fw-semibold mb-1">{locale === 'en' ? hit.categoryEn : hit.categoryIt}</p>
        <h3 id={`hit-${hit.id}`} className="h5 card-title">
          <Link to={`/catalogo/${hit.id}`}>{hit.title}</Link>
        </h3>
        <p className="mb-2">
          <span className="visually-hidden">{t('catalogue.hit.provider')}: </span>
          {hit.provider}
        </p>
        {hit.summary ? <p className="card-text small">{hit.summary}</p> : null}
        <dl className="small mb-0">
          <div>
            <dt className="d-inline fw-semibold">{t('catalogue.hit.price')}:</dt>{' '}
            <dd className="d-inline">
              {hit.rateCents === null || hit.priceUnit === null
                ? t('catalogue.price.none')
                : t(`catalogue.per.${hit.priceUnit}`, { amount: formatMoney(hit.rateCents, locale), hours: hit.packageHours ?? 0 })}
            </dd>
          </div>
          <div>
            <dt className="d-inline fw-semibold">{t('catalogue.hit.for')}:</dt>{' '}
            <dd className="d-inline">
              {hit.ageMin !== null && hit.ageMax !== null ? t('catalogue.ages', { min: hit.ageMin, max: hit.ageMax }) : t(`offerings.target.${hit.target}`)}
            </dd>
          </div>
          {hit.comuni.length ? (
            <div>
              <dt className="d-inline fw-semibold">{t('catalogue.hit.where')}:</dt>{' '}
              <dd className="d-inline">
                {hit.comuni.join(', ')}
                {hit.moreComuni > 0 ? ` ${t('catalogue.hit.moreComuni', { count: hit.moreComuni })}` : ''}
              </dd>
            </div>
          ) : null}
        </dl>
      </div>
    </article>
  );
}

function Pager({ params, page, pages }: { params: Params; page: number; pages: number }) {
  const t = useT();
  if (pages <= 1) return null;
  const href = (p: number) => searchHref(PATH, params, { page: p });
  return (
    <nav className="pagination-wrapper mt-4" aria-label={t('catalogue.pagination')}>
      <ul className="pagination flex-wrap">
        <li className={`page-item${page <= 1 ? ' disabled' : ''}`}>
          {page <= 1 ? (
            <span className="page-link" aria-disabled="true">
              <Icon name="it-chevron-left" className="icon-primary" />
              <span className="visually-hidden">{t('table.previous')}</span>
            </span>
          ) : (
            <Link className="page-link" to={href(page - 1)} rel="prev">
              <Icon name="it-chevron-left" className="icon-primary" />
              <span className="visually-hidden">{t('table.previous')}</span>
            </Link>
          )}
        </li>
        {pagerItems(page, pages).map((item, i) =>
          item === null ? (
            <li key={`gap-${i}`} className="page-item">
              <span className="page-link" aria-hidden="true">
                …
              </span>
            </li>
          ) : (
            <li key={item} className="page-item">
              {item === page ? (
                <span className="page-link" aria-current="page">
                  <span className="visually-hidden">{t('catalogue.page')} </span>
                  {item}
                </span>
              ) : (
                <Link className="page-link" to={href(item)}>
                  <span className="visually-hidden">{t('catalogue.page')} </span>
                  {item}
                </Link>
              )}
            </li>
          ),
        )}
        <li className={`page-item${page >= pages ? ' disabled' : ''}`}>
          {page >= pages ? (
            <span className="page-link" aria-disabled="true">
              <span className="visually-hidden">{t('table.next')}</span>
              <Icon name="it-chevron-right" className="icon-primary" />
            </span>
          ) : (
            <Link className="page-link" to={href(page + 1)} rel="next">
              <span className="visually-hidden">{t('table.next')}</span>
              <Icon name="it-chevron-right" className="icon-primary" />
            </Link>
          )}
        </li>
      </ul>
    </nav>
  );
}

export default function Catalogue() {
  const { params, fieldErrors, results, facets } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const filtersActive = FILTERS.some((f) => params[f]);
  const labels: Record<string, string> = {
    q: t('catalogue.search.label'),
    category: t('catalogue.filter.category'),
    comune: t('catalogue.filter.comune'),
    alliance: t('catalogue.filter.alliance'),
    age: t('catalogue.filter.age'),
    minPrice: t('catalogue.filter.minPrice'),
    maxPrice: t('catalogue.filter.maxPrice'),
    providerKind: t('catalogue.filter.providerKind'),
    page: t('catalogue.page'),
  };
  const apiHref = searchHref('/api/v1/catalogue', params);
  const countText =
    results.total === 0
      ? t('catalogue.results.none')
      : results.total === 1
        ? t('catalogue.results.one')
        : t('catalogue.results.many', { count: formatNumber(results.total, locale) });
  const firstShown = (results.page - 1) * results.pageSize + 1;

  return (
    <>
      <nav aria-label={t('catalogue.breadcrumb')} className="breadcrumb-container mb-2">
        <ol className="breadcrumb p-0">
          <li className="breadcrumb-item">
            <Link to="/">{t('nav.home')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {t('catalogue.title')}
          </li>
        </ol>
      </nav>
      <h1 className="mb-2">{t('catalogue.title')}</h1>
      <p className="lead">{t('catalogue.lead')}</p>

      <ErrorSummary fieldErrors={fieldErrors} labels={labels} />

      <Form method="get" action={PATH} role="search" aria-label={t('catalogue.search.region')} className="mb-4">
        <div className="row g-2 align-items-end">
          <div className="col-12 col-md-9">
            <TextField
              name="q"
              type="search"
              label={labels.q!}
              hint={t('catalogue.search.hint')}
              defaultValue={params.q ?? ''}
              maxLength={MAX_QUERY_LENGTH}
              autoComplete="off"
              spellCheck={false}
              error={fieldErrors.q}
            />
          </div>
          <div className="col-12 col-md-3 mb-4">
            <button type="submit" className="btn btn-primary w-100">
              <Icon name="it-search" className="icon-white icon-sm me-1" />
              {t('catalogue.search.submit')}
            </button>
          </div>
        </div>

        <details className="catalogue-filters border rounded p-3" open={filtersActive || Object.keys(fieldErrors).length > 0}>
          <summary className="fw-semibold">
            {t('catalogue.filters.title')}
            {filtersActive ? ` (${t('catalogue.filters.active', { count: FILTERS.filter((f) => params[f]).length })})` : ''}
          </summary>
          <div className="row mt-3">
            <div className="col-12 col-md-6 col-lg-4">
              <SelectField
                name="category"
                label={labels.category!}
                placeholder={t('catalogue.filter.any')}
                options={facets.categories.map((c) => ({ value: c.slug, label: locale === 'en' ? c.nameEn : c.nameIt }))}
                defaultValue={params.category ?? ''}
                error={fieldErrors.category}
              />
            </div>
            <div className="col-12 col-md-6 col-lg-4">
              <SelectField
                name="comune"
                label={labels.comune!}
                placeholder={t('catalogue.filter.any')}
                options={facets.comuni.map((c) => ({ value: c.istatCode, label: c.name }))}
                defaultValue={params.comune ?? ''}
                error={fieldErrors.comune}
              />
            </div>
            <div className="col-12 col-md-6 col-lg-4">
              <SelectField
                name="alliance"
                label={labels.alliance!}
                placeholder={t('catalogue.filter.anyAlliance')}
                options={facets.alliances.map((a) => ({ value: a.slug, label: a.name }))}
                defaultValue={params.alliance ?? ''}
                error={fieldErrors.alliance}
              />
            </div>
            <div className="col-12 col-md-6 col-lg-4">
              <SelectField
                name="providerKind"
                label={labels.providerKind!}
                placeholder={t('catalogue.filter.any')}
                options={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`catalogue.providerKind.${k}`) }))}
                defaultValue={params.providerKind ?? ''}
                error={fieldErrors.providerKind}
              />
            </div>
            <div className="col-12 col-md-6 col-lg-4">
              <TextField
                name="age"
                type="number"
                inputMode="numeric"
                label={labels.age!}
                hint={t('catalogue.filter.ageHint')}
                defaultValue={params.age ?? ''}
                error={fieldErrors.age}
              />
            </div>
            <div className="col-6 col-lg-2">
              <TextField
                name="minPrice"
                inputMode="decimal"
                label={labels.minPrice!}
                hint={t('catalogue.filter.priceHint')}
                defaultValue={params.minPrice ?? ''}
                error={fieldErrors.minPrice}
              />
            </div>
            <div className="col-6 col-lg-2">
              <TextField name="maxPrice" inputMode="decimal" label={labels.maxPrice!} defaultValue={params.maxPrice ?? ''} error={fieldErrors.maxPrice} />
            </div>
          </div>
          <div className="d-flex flex-wrap gap-2">
            <button type="submit" className="btn btn-outline-primary">
              {t('catalogue.filters.apply')}
            </button>
            {filtersActive ? (
              <Link to={searchHref(PATH, { q: params.q })} className="btn btn-link">
                {t('catalogue.filters.clear')}
              </Link>
            ) : null}
          </div>
        </details>
      </Form>

      <section aria-labelledby="results-title">
        <h2 id="results-title" className="h4">
          {t('catalogue.results.title')}
        </h2>
        <p role="status" className="mb-3" data-testid="result-count">
          <strong>{countText}</strong>
          {results.total > results.pageSize
            ? ` ${t('catalogue.results.range', { from: firstShown, to: firstShown + results.hits.length - 1, page: results.page, pages: results.pages })}`
            : ''}
        </p>
        {results.total === 0 ? (
          <div className="callout">
            <div className="callout-title">{t('catalogue.empty.title')}</div>
            <p className="mb-0">{t('catalogue.empty.body')}</p>
          </div>
        ) : (
          <ul className="row list-unstyled g-3">
            {results.hits.map((hit) => (
              <li key={hit.id} className="col-12 col-lg-6">
                <ResultCard hit={hit} />
              </li>
            ))}
          </ul>
        )}
        <Pager params={params} page={results.page} pages={results.pages} />
      </section>

      <p className="small mt-4">
        <a href={apiHref}>{t('catalogue.api')}</a>
      </p>
    </>
  );
}
