import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import type { ReactNode } from 'react';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { publicPageCacheHeaders } from '~/domain/catalogue/cache.server';
import { getPublicOffering } from '~/domain/catalogue/catalogue.server';
import { formatMoney } from '~/ui/format';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// /catalogo/:id — one public offering: its live (approved) version only. A suspended or retired
// offering, one never approved, or one of a provider that is not admitted answers 404.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? [{ title: `${data.offering.title} – Conciliamo` }] : pageTitle(matches, 'error.notFound.title');

export const headers: HeadersFunction = ({ loaderHeaders }) => ({
  'Cache-Control': loaderHeaders.get('Cache-Control') ?? 'no-store',
  Vary: loaderHeaders.get('Vary') ?? 'Cookie',
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const [offering, cacheHeaders] = await Promise.all([getPublicOffering(getDb(), params.id ?? ''), publicPageCacheHeaders(request)]);
    return json({ offering }, { headers: cacheHeaders });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="mb-3">
      <dt className="fw-semibold">{label}</dt>
      <dd className="mb-0">{children}</dd>
    </div>
  );
}

export default function CatalogueOffering() {
  const { offering } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const o = offering;
  const category = locale === 'en' ? o.category.nameEn : o.category.nameIt;
  const priced = o.priceUnit !== null && o.allianceRateCents !== null && o.listPriceCents !== null;
  const weekdays = o.availability.weekdays.map((d) => t(`offerings.weekday.${d}`));

  return (
    <article aria-labelledby="offering-title">
      <nav aria-label={t('catalogue.breadcrumb')} className="breadcrumb-container mb-2">
        <ol className="breadcrumb p-0">
          <li className="breadcrumb-item">
            <Link to="/">{t('nav.home')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item">
            <Link to="/catalogo">{t('catalogue.title')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {o.title}
          </li>
        </ol>
      </nav>

      <p className="small text-uppercase fw-semibold mb-1">{category}</p>
      <h1 id="offering-title" className="mb-2">
        {o.title}
      </h1>
      <p className="lead">
        {t('catalogue.offering.by')} <Link to={`/enti/${o.provider.id}`}>{o.provider.legalName}</Link>
        {' · '}
        <Link to={`/alleanze/${o.alliance.slug}`}>{o.alliance.name}</Link>
      </p>

      <div className="row g-4">
        {/* The facts first on a phone; beside the description on a wide screen. */}
        <div className="col-12 col-lg-5 order-lg-2">
          <aside aria-labelledby="facts-title" className="card card-bg shadow-sm">
            <div className="card-body">
              <h2 id="facts-title" className="h4">
                {t('catalogue.offering.facts')}
              </h2>
              <dl className="mb-0">
                <Fact label={t('catalogue.offering.price')}>
                  {priced ? (
                    <>
                      <span className="fs-4 fw-bold d-block">
                        {t(`catalogue.per.${o.priceUnit!}`, { amount: formatMoney(o.allianceRateCents!, locale), hours: o.packageHours ?? 0 })}
                      </span>
                      <span className="d-block">{t('catalogue.offering.allianceRate')}</span>
                      {o.listPriceCents! > o.allianceRateCents! ? (
                        <span className="d-block">
                          {t('catalogue.offering.listPrice', { amount: formatMoney(o.listPriceCents!, locale) })}{' '}
                          {t('catalogue.offering.saving', { amount: formatMoney(o.listPriceCents! - o.allianceRateCents!, locale) })}
                        </span>
                      ) : null}
                    </>
                  ) : (
                    t('catalogue.price.none')
                  )}
                </Fact>
                {o.vatTreatment ? <Fact label={t('catalogue.offering.vat')}>{t(`offerings.vat.${o.vatTreatment}`)}</Fact> : null}
                <Fact label={t('catalogue.offering.for')}>
                  {t(`offerings.target.${o.target}`)}
                  {o.ageMin !== null && o.ageMax !== null ? `, ${t('catalogue.ageRange', { min: o.ageMin, max: o.ageMax })}` : ''}
                </Fact>
                <Fact label={t('catalogue.offering.availability')}>
                  {weekdays.length ? <span className="d-block">{weekdays.join(', ')}</span> : null}
                  {o.availability.bands.length ? (
                    <span className="d-block">{o.availability.bands.map((b) => t('catalogue.offering.band', { from: b.from, to: b.to })).join('; ')}</span>
                  ) : null}
                  {!weekdays.length && !o.availability.bands.length ? t('catalogue.offering.availabilityAsk') : null}
                </Fact>
                {!o.isOrientamento ? (
                  <Fact label={t('catalogue.offering.notice')}>
                    {o.bookingNoticeDays === 0
                      ? t('catalogue.offering.noticeNone')
                      : o.bookingNoticeDays === 1
                        ? t('catalogue.offering.noticeOne')
                        : t('catalogue.offering.noticeDays', { days: o.bookingNoticeDays })}
                  </Fact>
                ) : null}
                {o.contactName || o.contactEmail || o.contactPhone || o.contactAddress ? (
                  <Fact label={t('catalogue.offering.contacts')}>
                    {o.contactName ? <span className="d-block">{o.contactName}</span> : null}
                    {o.contactAddress ? <span className="d-block">{o.contactAddress}</span> : null}
                    {o.contactPhone ? (
                      <span className="d-block">
                        <a href={`tel:${o.contactPhone.replace(/[^+\d]/g, '')}`}>{o.contactPhone}</a>
                      </span>
                    ) : null}
                    {o.contactEmail ? (
                      <span className="d-block">
                        <a href={`mailto:${o.contactEmail}`}>{o.contactEmail}</a>
                      </span>
                    ) : null}
                  </Fact>
                ) : null}
              </dl>
            </div>
          </aside>
        </div>
        <div className="col-12 col-lg-7 order-lg-1">
          <section aria-labelledby="description-title" className="mb-4">
            <h2 id="description-title" className="h4">
              {t('catalogue.offering.description')}
            </h2>
            {/* Rendered on the server from the safe Markdown subset: raw HTML is escaped. */}
            <div className="offering-description" dangerouslySetInnerHTML={{ __html: o.descriptionHtml }} />
          </section>

          {o.cancellationTerms.trim() ? (
            <section aria-labelledby="cancellation-title" className="mb-4">
              <h2 id="cancellation-title" className="h4">
                {t('catalogue.offering.cancellation')}
              </h2>
              <p style={{ whiteSpace: 'pre-line' }}>{o.cancellationTerms}</p>
            </section>
          ) : null}

          <section aria-labelledby="comuni-title" className="mb-4">
            <h2 id="comuni-title" className="h4">
              {t('catalogue.offering.comuni')}
            </h2>
            {o.comuni.length ? (
              <ul className="list-inline mb-0">
                {o.comuni.map((c) => (
                  <li key={c.id} className="list-inline-item">
                    <Link to={`/catalogo?comune=${c.istatCode}`}>{c.name}</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('catalogue.offering.noComuni')}</p>
            )}
          </section>
        </div>

      </div>

      <p className="mt-4">
        <Link to={`/catalogo?alliance=${o.alliance.slug}`}>{t('catalogue.offering.back', { alliance: o.alliance.shortName })}</Link>
      </p>
    </article>
  );
}
