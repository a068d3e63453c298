import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { listPublicAlliances } from '~/domain/directory/directory.server';
import { TextField } from '~/ui/forms';
import { Icon } from '~/ui/Icon';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getOptionalActor } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { homePathFor } from '~/utils/permissions.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'public.title');

export async function loader({ request }: LoaderFunctionArgs) {
  // A signed-in person always starts from their own home.
  const actor = await getOptionalActor(request);
  if (actor) throw redirect(homePathFor(actor));
  return json({ alliances: await listPublicAlliances(getDb()) });
}

export default function PublicHome() {
  const { alliances } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <div className="row mb-5">
        <div className="col-12 col-lg-8">
          <h1>{t('public.title')}</h1>
          <p className="lead">{t('public.lead')}</p>
        </div>
        <div className="col-12 col-lg-4">
          <div className="callout">
            <div className="callout-title">{t('public.login.title')}</div>
            <p>{t('public.login.body')}</p>
            <Link to="/accedi" className="btn btn-primary">
              {t('public.login.cta')}
            </Link>
          </div>
        </div>
      </div>

      <section aria-labelledby="catalogue-search-title" className="card card-bg shadow-sm mb-5">
        <div className="card-body">
          <h2 id="catalogue-search-title" className="h3">
            {t('publicHome.catalogue.title')}
          </h2>
          <p>{t('publicHome.catalogue.body')}</p>
          <Form method="get" action="/catalogo" role="search" aria-labelledby="catalogue-search-title" className="row g-2 align-items-end">
            <div className="col-12 col-md-9">
              <TextField name="q" type="search" label={t('catalogue.search.label')} hint={t('catalogue.search.hint')} autoComplete="off" />
            </div>
            <div className="col-12 col-md-3 mb-4">
              <button type="submit" className="btn btn-primary w-100">
                <Icon name="it-search" className="icon-white icon-sm me-1" />
                {t('catalogue.search.submit')}
              </button>
            </div>
          </Form>
        </div>
      </section>

      <section aria-labelledby="alliances-title" className="mb-5">
        <h2 id="alliances-title">{t('public.alliances.title')}</h2>
        <ul className="row list-unstyled g-4">
          {alliances.map((alliance) => (
            <li key={alliance.slug} className="col-12 col-md-6">
              <article className="card shadow-sm h-100" aria-labelledby={`alliance-${alliance.slug}`}>
                <div className="card-body">
                  <h3 id={`alliance-${alliance.slug}`} className="h4 card-title">
                    <Link to={`/alleanze/${alliance.slug}`}>{alliance.name}</Link>
                  </h3>
                  <p className="card-text">{alliance.description}</p>
                  <dl className="dl-grid">
                    <dt>{t('public.alliance.capofila')}</dt>
                    <dd>{alliance.capofila}</dd>
                    <dt>{t('public.alliance.territory')}</dt>
                    <dd>{alliance.territory}</dd>
                    <dt>{t('public.alliance.ambiti')}</dt>
                    <dd>{alliance.ambiti.join(', ')}</dd>
                  </dl>
                  <p className="text-muted">{t('public.alliance.comuni', { count: alliance.comuniCount })}</p>
                  <p className="mb-0 d-flex flex-wrap gap-3">
                    <Link to={`/alleanze/${alliance.slug}`}>{t('publicHome.alliance.open', { name: alliance.shortName })}</Link>
                    <Link to={`/catalogo?alliance=${alliance.slug}`}>{t('alliancePage.search.all')}</Link>
                  </p>
                </div>
              </article>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="who-title">
        <h2 id="who-title">{t('public.who.title')}</h2>
        <ul>
          <li>{t('public.who.employee')}</li>
          <li>{t('public.who.company')}</li>
          <li>{t('public.who.provider')}</li>
          <li>{t('public.who.ambito')}</li>
        </ul>
      </section>
    </>
  );
}
