import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { publicPageCacheHeaders } from '~/domain/catalogue/cache.server';
import { getPublicProvider } from '~/domain/catalogue/catalogue.server';
import { formatMoney } from '~/ui/format';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// /enti/:id — the public page of an admitted provider and its live offerings. A provider that is
// not admitted (pending, rejected, suspended) does not exist publicly: 404.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? [{ title: `${data.provider.profile.legalName} – Conciliamo` }] : pageTitle(matches, 'error.notFound.title');

export const headers: HeadersFunction = ({ loaderHeaders }) => ({
  'Cache-Control': loaderHeaders.get('Cache-Control') ?? 'no-store',
  Vary: loaderHeaders.get('Vary') ?? 'Cookie',
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const [provider, cacheHeaders] = await Promise.all([getPublicProvider(getDb(), params.id ?? ''), publicPageCacheHeaders(request)]);
    return json({ provider }, { headers: cacheHeaders });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export default function PublicProviderPage() {
  const { provider } = useLoaderData<typeof loader>();
  const { profile, alliance, offerings } = provider;
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <nav aria-label={t('catalogue.breadcrumb')} className="breadcrumb-container mb-2">
        <ol className="breadcrumb p-0">
          <li className="breadcrumb-item">
            <Link to="/">{t('nav.home')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item">
            <Link to={`/alleanze/${alliance.slug}`}>{alliance.shortName}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {profile.legalName}
          </li>
        </ol>
      </nav>
      <p className="small text-uppercase fw-semibold mb-1">{t(`catalogue.providerKind.${profile.providerKind}`)}</p>
      <h1 className="mb-2">{profile.legalName}</h1>
      <p className="lead">{t('providerPage.lead', { alliance: alliance.name })}</p>

      <div className="row g-4 mb-4">
        <div className="col-12 col-lg-7">
          {profile.descriptionHtml ? (
            <section aria-labelledby="about-title">
              <h2 id="about-title" className="h4">
                {t('providerPage.about')}
              </h2>
              {/* Rendered on the server from the safe Markdown subset: raw HTML is escaped. */}
              <div dangerouslySetInnerHTML={{ __html: profile.descriptionHtml }} />
            </section>
          ) : null}
        </div>
        <div className="col-12 col-lg-5">
          <dl className="mb-0">
            <div className="mb-3">
              <dt className="fw-semibold">{t('providerPage.office')}</dt>
              <dd className="mb-0">{profile.registeredOffice}</dd>
            </div>
            {profile.accreditationRef ? (
              <div className="mb-3">
                <dt className="fw-semibold">{t('providerPage.accreditation')}</dt>
                <dd className="mb-0">{profile.accreditationRef}</dd>
              </div>
            ) : null}
            {profile.website ? (
              <div className="mb-3">
                <dt className="fw-semibold">{t('providerPage.website')}</dt>
                <dd className="mb-0">
                  <a href={profile.website} rel="nofollow noopener noreferrer">
                    {profile.website.replace(/^https?:\/\//, '')}
                  </a>
                </dd>
              </div>
            ) : null}
            {profile.comuni.length ? (
              <div className="mb-3">
                <dt className="fw-semibold">{t('providerPage.comuni')}</dt>
                <dd className="mb-0">{profile.comuni.map((c) => c.name).join(', ')}</dd>
              </div>
            ) : null}
          </dl>
        </div>
      </div>

      <section aria-labelledby="offerings-title">
        <h2 id="offerings-title" className="h3">
          {t('providerPage.offerings', { count: offerings.length })}
        </h2>
        {offerings.length === 0 ? (
          <p>{t('providerPage.noOfferings')}</p>
        ) : (
          <ul className="row list-unstyled g-3">
            {offerings.map((o) => (
              <li key={o.offeringId} className="col-12 col-md-6">
                <article className="card card-bg shadow-sm h-100" aria-labelledby={`offering-${o.offeringId}`}>
                  <div className="card-body">
                    <p className="small text-uppercase fw-semibold mb-1">{locale === 'en' ? o.category.nameEn : o.category.nameIt}</p>
                    <h3 id={`offering-${o.offeringId}`} className="h5 card-title">
                      <Link to={`/catalogo/${o.offeringId}`}>{o.title}</Link>
                    </h3>
                    {o.summary ? <p className="card-text small">{o.summary}</p> : null}
                    <p className="small mb-0">
                      <span className="fw-semibold">{t('catalogue.hit.price')}:</span>{' '}
                      {o.allianceRateCents === null || o.priceUnit === null
                        ? t('catalogue.price.none')
                        : t(`catalogue.per.${o.priceUnit}`, { amount: formatMoney(o.allianceRateCents, locale), hours: o.packageHours ?? 0 })}
                    </p>
                  </div>
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
