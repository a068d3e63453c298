import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { centsToEuroInput } from '~/domain/offerings/offerings.fns';
import { formValues, premioFormSchema } from '~/domain/plans/plans.schema';
import { convertPremio, getMyPremioOffers, type PremioOffer } from '~/domain/plans/premio.server';
import { endRuleSentence } from '~/domain/plans/plans.ui';
import { formatDate, formatDateTime, formatMoney } from '~/ui/format';
import { Alert, CheckboxField, ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { isDomainError, ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// Premio di risultato → welfare credit: what conversion means in plain Italian, and for each plan
// that offers it the worker's declared premio, the window, and the choice (final once confirmed).

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'premio.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['EMPLOYEE'] });
  try {
    return json({ offers: await getMyPremioOffers(getDb(), actor) });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['EMPLOYEE'] });
  const formData = await request.formData();
  const parsed = await parseForm(formData, premioFormSchema);
  const planId = String(formData.get('planId') ?? '');
  if (!parsed.ok) return json({ ok: false as const, planId, fieldErrors: parsed.fieldErrors, values: parsed.values, message: null }, { status: 422 });
  try {
    const result = await convertPremio(getDb(), actor, { planId: parsed.data.planId, amountCents: parsed.data.amount }, { ipAddress: getClientIp(request) });
    return json({ ok: true as const, planId, result });
  } catch (error) {
    if (error instanceof ValidationFailed) {
      return json({ ok: false as const, planId, fieldErrors: error.fieldErrors, values: formValues(formData), message: null }, { status: 422 });
    }
    if (isDomainError(error) && error.status === 409) {
      const messageKey = (error.details as { messageKey?: string } | undefined)?.messageKey ?? 'premio.error.generic';
      return json({ ok: false as const, planId, fieldErrors: {}, values: formValues(formData), message: messageKey }, { status: 409 });
    }
    throw domainErrorResponse(error);
  }
}

function OfferCard({ offer, failed }: { offer: PremioOffer; failed?: { fieldErrors: Record<string, string>; values: Record<string, string>; message: string | null } }) {
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, locale);
  const headingId = `premio-${offer.planId}`;
  const labels = { amount: t('premio.form.amount'), confirm: t('premio.form.confirm') };
  return (
    <section aria-labelledby={headingId} className="card card-bg no-after mb-4">
      <div className="card-body">
        <h2 id={headingId} className="h4 card-title">
          {offer.planName}
        </h2>
        <dl className="dl-grid">
          <dt>{t('premio.agreement')}</dt>
          <dd>
            {t(`plans.agreementKind.${offer.agreementKind}`)}: {offer.agreementReference}
          </dd>
          <dt>{t('premio.window')}</dt>
          <dd>{t('plans.period', { from: formatDate(offer.windowStartsOn, locale), to: formatDate(offer.windowEndsOn, locale) })}</dd>
          <dt>{t('premio.declared')}</dt>
          <dd>{offer.declaredCents !== null ? money(offer.declaredCents) : t('premio.notDeclared')}</dd>
          {offer.declaredCents !== null && offer.capCents !== null ? (
            <>
              <dt>{t('premio.cap')}</dt>
              <dd>{money(offer.capCents)}</dd>
            </>
          ) : null}
        </dl>
        {offer.convertedCents !== null && offer.convertedAt ? (
          <Alert kind="success">
            {t('premio.converted', {
              amount: money(offer.convertedCents),
              date: formatDateTime(offer.convertedAt, locale),
              agreement: offer.convertedAgreementReference ?? offer.agreementReference,
            })}{' '}
            <Link to={`/lavoratore/portafoglio?piano=${offer.planId}`}>{t('premio.seeWallet')}</Link>
          </Alert>
        ) : offer.declaredCents === null ? (
          <p>{t('premio.noDeclaration')}</p>
        ) : offer.state === 'before' ? (
          <p>{t('premio.opensOn', { date: formatDate(offer.windowStartsOn, locale) })}</p>
        ) : offer.state !== 'open' ? (
          <p>{t('premio.closedOn', { date: formatDate(offer.windowEndsOn, locale) })}</p>
        ) : (
          <>
            <p>{t('premio.choose', { max: money(offer.maxCents), date: formatDate(offer.windowEndsOn, locale) })}</p>
            <p>{endRuleSentence(offer.endRule, offer.planEndsOn, offer.carryOverPlanName, locale, t)}</p>
            {failed?.message ? <Alert kind="danger">{t(failed.message)}</Alert> : null}
            <ErrorSummary fieldErrors={failed?.fieldErrors} labels={labels} />
            <Form method="post" noValidate>
              <input type="hidden" name="planId" value={offer.planId} />
              <TextField
                name="amount"
                label={labels.amount}
                inputMode="decimal"
                required
                defaultValue={failed?.values.amount ?? centsToEuroInput(offer.maxCents)}
                error={failed?.fieldErrors.amount}
                hint={t('premio.form.amountHint', { max: money(offer.maxCents) })}
              />
              <CheckboxField name="confirm" label={labels.confirm} error={failed?.fieldErrors.confirm} />
              <SubmitButton>{t('premio.form.submit')}</SubmitButton>
            </Form>
          </>
        )}
      </div>
    </section>
  );
}

export default function PremioPage() {
  const { offers } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <PageHeader title={t('premio.title')} lead={t('premio.lead')} />
      {result?.ok ? (
        <Alert kind="success" title={t(result.result.alreadyConverted ? 'premio.done.already' : 'premio.done.title')}>
          <p className="mb-0">
            {t('premio.done.body', {
              amount: formatMoney(result.result.convertedCents, locale),
              date: formatDateTime(result.result.convertedAt, locale),
              agreement: result.result.agreementReference,
            })}
          </p>
        </Alert>
      ) : null}

      <section aria-labelledby="premio-explain-title" className="mb-5">
        <h2 id="premio-explain-title" className="h3">
          {t('premio.explain.title')}
        </h2>
        <p>{t('premio.explain.what')}</p>
        <p>{t('premio.explain.tax')}</p>
        <p>{t('premio.explain.period')}</p>
        <p>{t('premio.explain.final')}</p>
        <p>{t('premio.explain.agreement')}</p>
      </section>

      {offers.length === 0 ? (
        <div className="alert alert-info" role="status">
          {t('premio.none')}
        </div>
      ) : (
        offers.map((offer) => (
          <OfferCard key={offer.planId} offer={offer} failed={result && !result.ok && result.planId === offer.planId ? result : undefined} />
        ))
      )}
    </>
  );
}
