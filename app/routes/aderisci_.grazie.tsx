import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { allianceSlugSchema, listAdhesionAlliances } from '~/domain/providers/providers.server';
import { PageHeader } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';

// After a provider's adhesion request (/aderisci/grazie, not nested in the form's page): what
// happens next. Nothing here confirms which body applied; the alliance name only comes from the
// public list.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'providers.thanks.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const slug = allianceSlugSchema.safeParse(new URL(request.url).searchParams.get('alleanza') ?? '');
  const alliance = slug.success ? (await listAdhesionAlliances(getDb())).find((a) => a.slug === slug.data) : undefined;
  return json({ allianceName: alliance?.name ?? null });
}

export default function AdhesionThanks() {
  const { allianceName } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="row">
      <div className="col-12 col-lg-8">
        <PageHeader
          title={t('providers.thanks.title')}
          lead={allianceName ? t('providers.thanks.leadAlliance', { alliance: allianceName }) : t('providers.thanks.lead')}
        />
        <h2 className="h4">{t('providers.thanks.nextTitle')}</h2>
        <ol>
          <li>{t('providers.thanks.step1')}</li>
          <li>{t('providers.thanks.step2')}</li>
          <li>{t('providers.thanks.step3')}</li>
        </ol>
        <p>
          <Link to="/">{t('error.goHome')}</Link>
        </p>
      </div>
    </div>
  );
}
