import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ALLIANCE_LEVEL_ROLES } from '~/domain/auth/roles';
import { decisionNeedsReason, type ComparedField } from '~/domain/offerings/offerings.fns';
import { decisionFormSchema, offeringIdSchema } from '~/domain/offerings/offerings.schema';
import { decideOffering, getOfferingReview } from '~/domain/offerings/offerings.server';
import {
  bandsText,
  categoryName,
  moneyText,
  OfferingHistory,
  OfferingStatusBadge,
  priceUnitText,
  ScrollRegion,
  targetText,
  VersionDetails,
  VersionsTable,
  weekdaysText,
  type VersionLike,
} from '~/domain/offerings/offerings.ui';
import { translate, type Locale, type Translate } from '~/i18n/i18n';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextAreaField, fieldId } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { localeFromMatches } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { Conflict, ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp, getRequestLocale } from '~/utils/http.server';

// The curator's page for one offering: the submitted version beside the live one (changed fields
// highlighted, the description diffed word by word), the decision form, versions and history.
// The alliance's admin and auditor read it; only the curator decides. Other alliances: 404.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => {
  const title = data?.review.proposed?.title ?? data?.review.live?.title;
  return [{ title: `${title ?? translate(localeFromMatches(matches), 'offerings.queue.title')} – Conciliamo` }];
};

function offeringId(params: { id?: string }): string {
  const parsed = offeringIdSchema.safeParse(params.id);
  if (!parsed.success) throw new Response('Not found', { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ALLIANCE_LEVEL_ROLES });
  const id = offeringId(params);
  try {
    const review = await getOfferingReview(getDb(), actor, id, await getRequestLocale(request));
    return json({ review, decided: new URL(request.url).searchParams.get('esito') === 'decisa' });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['AMBITO_CURATOR'] });
  const id = offeringId(params);
  const parsed = await parseForm(request, decisionFormSchema);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, formError: null, values: parsed.values }, { status: 422 });
  try {
    await decideOffering(getDb(), actor, { offeringId: id, ...parsed.data, ipAddress: getClientIp(request) });
    return redirect(`/ambito/offerte/${id}?esito=decisa`);
  } catch (error) {
    const values = { decision: parsed.data.decision, reason: parsed.data.reason };
    if (error instanceof ValidationFailed) return json({ fieldErrors: error.fieldErrors, formError: null, values }, { status: 422 });
    if (error instanceof Conflict) return json({ fieldErrors: {}, formError: 'offerings.error.conflict', values }, { status: 409 });
    throw domainErrorResponse(error);
  }
}

type Review = ReturnType<typeof useLoaderData<typeof loader>>['review'];
type Version = NonNullable<Review['live']>;

function fieldText(v: Version & VersionLike, field: ComparedField, t: Translate, locale: Locale): string {
  switch (field) {
    case 'title':
      return v.title;
    case 'categoryName':
      return categoryName(v.category, locale);
    case 'target':
      return t(`offerings.target.${v.target}`);
    case 'ages':
      return v.target === 'CHILDREN' ? targetText(v, t) : '—';
    case 'priceUnit':
      return priceUnitText(v, t);
    case 'packageHours':
      return v.packageHours === null ? '—' : String(v.packageHours);
    case 'listPriceCents':
      return moneyText(v.listPriceCents, v, t, locale);
    case 'allianceRateCents':
      return moneyText(v.allianceRateCents, v, t, locale);
    case 'vatTreatment':
      return v.vatTreatment ? t(`offerings.vat.${v.vatTreatment}`) : '—';
    case 'weekdays':
      return weekdaysText(v.availability.weekdays, t);
    case 'bands':
      return bandsText(v.availability.bands, t);
    case 'bookingNoticeDays':
      return t('offerings.days', { days: v.bookingNoticeDays });
    case 'cancellationTerms':
      return v.cancellationTerms || '—';
    case 'capacityPerWeek':
      return v.capacityPerWeek === null ? '—' : String(v.capacityPerWeek);
    case 'comuni':
      return v.comuni.map((c) => c.name).join(', ') || '—';
    default:
      return v[field] ?? '—';
  }
}

function Comparison({ review }: { review: Review }) {
  const t = useT();
  const locale = useLocale();
  const { comparison, live, proposed } = review;
  if (!comparison || !live || !proposed) return null;
  const changedCount = comparison.fields.filter((f) => f.changed).length;
  const descriptionChanged = comparison.description.some((p) => p.kind !== 'same');
  return (
    <section aria-labelledby="compare-title" className="mb-5">
      <h2 id="compare-title" className="h4">
        {t('offerings.review.compareTitle')}
      </h2>
      <p>{t('offerings.review.changedCount', { count: changedCount + (descriptionChanged ? 1 : 0) })}</p>
      <ScrollRegion label={t('offerings.review.compareCaption')}>
        <table className="table table-sm align-middle">
          <caption className="visually-hidden">{t('offerings.review.compareCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('offerings.review.field')}</th>
              <th scope="col">{t('offerings.review.live', { version: live.versionNumber })}</th>
              <th scope="col">{t('offerings.review.proposed', { version: proposed.versionNumber })}</th>
              <th scope="col">
                <span className="visually-hidden">{t('offerings.review.changed')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {comparison.fields.map(({ field, changed }) => (
              <tr key={field} className={changed ? 'table-warning fw-semibold' : undefined}>
                <th scope="row">{t(`offerings.compare.${field}`)}</th>
                <td>{fieldText(live, field, t, locale)}</td>
                <td>{fieldText(proposed, field, t, locale)}</td>
                <td>{changed ? <span className="badge bg-dark">{t('offerings.review.changed')}</span> : <span className="text-muted small">{t('offerings.review.unchanged')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <h3 className="h5">{t('offerings.review.descriptionDiff')}</h3>
      <p className="small">{t('offerings.review.legend')}</p>
      <div className="row g-3">
        <div className="col-12 col-lg-6">
          <h4 className="h6">{t('offerings.review.live', { version: live.versionNumber })}</h4>
          <p className="border rounded p-2 mb-0" style={{ whiteSpace: 'pre-wrap' }}>
            {comparison.description
              .filter((p) => p.kind !== 'added')
              .map((p, i) =>
                p.kind === 'removed' ? (
                  <del key={i} className="bg-warning-subtle">
                    <span className="visually-hidden">[{t('offerings.review.removed')}: </span>
                    {p.text}
                    <span className="visually-hidden">]</span>
                  </del>
                ) : (
                  <span key={i}>{p.text}</span>
                ),
              )}
          </p>
        </div>
        <div className="col-12 col-lg-6">
          <h4 className="h6">{t('offerings.review.proposed', { version: proposed.versionNumber })}</h4>
          <p className="border rounded p-2 mb-0" style={{ whiteSpace: 'pre-wrap' }}>
            {comparison.description
              .filter((p) => p.kind !== 'removed')
              .map((p, i) =>
                p.kind === 'added' ? (
                  <ins key={i} className="bg-success-subtle">
                    <span className="visually-hidden">[{t('offerings.review.added')}: </span>
                    {p.text}
                    <span className="visually-hidden">]</span>
                  </ins>
                ) : (
                  <span key={i}>{p.text}</span>
                ),
              )}
          </p>
        </div>
      </div>
    </section>
  );
}

interface DecisionFailure {
  fieldErrors: Record<string, string>;
  formError: string | null;
  values: Record<string, string>;
}

function DecisionForm({ review, failed }: { review: Review; failed?: DecisionFailure }) {
  const t = useT();
  const labels = { decision: t('offerings.review.decision'), reason: t('offerings.review.reason') };
  // Nothing is preselected: a decision is always a deliberate choice.
  const chosen = failed?.values.decision;
  const decisionId = fieldId('decision');
  return (
    <section aria-labelledby="decision-title" className="mb-5">
      <h2 id="decision-title" className="h4">
        {review.proposed && review.decisions.includes('approve')
          ? t('offerings.review.decisionFor', { version: review.proposed.versionNumber })
          : t('offerings.review.decision')}
      </h2>
      <ErrorSummary fieldErrors={failed?.fieldErrors} formError={failed?.formError} labels={labels} />
      {review.decisions.length === 0 ? (
        <p>{t('offerings.review.noDecisions')}</p>
      ) : (
        <Form method="post" noValidate>
          {review.proposed && review.decisions.includes('approve') ? <input type="hidden" name="versionId" value={review.proposed.id} /> : null}
          <fieldset
            id={decisionId}
            className="mb-4"
            tabIndex={-1}
            aria-describedby={failed?.fieldErrors.decision ? `${decisionId}-error` : undefined}
          >
            <legend className="form-label fs-6 fw-semibold">
              {labels.decision}
              <span aria-hidden="true" className="text-danger">
                {' '}
                *
              </span>
            </legend>
            {review.decisions.map((decision) => (
              <div key={decision} className="form-check">
                <input id={`${decisionId}-${decision}`} type="radio" name="decision" value={decision} defaultChecked={decision === chosen} />
                <label htmlFor={`${decisionId}-${decision}`}>
                  {t(`offerings.decision.${decision}`)}
                  {decisionNeedsReason(decision) ? (
                    <span aria-hidden="true" className="text-danger">
                      {' '}
                      *
                    </span>
                  ) : null}
                </label>
              </div>
            ))}
            {failed?.fieldErrors.decision ? (
              <div id={`${decisionId}-error`} className="invalid-feedback d-block" role="alert">
                {t(failed.fieldErrors.decision)}
              </div>
            ) : null}
          </fieldset>
          <TextAreaField
            name="reason"
            label={labels.reason}
            hint={t('offerings.review.reasonHint')}
            rows={3}
            maxLength={2000}
            defaultValue={failed?.values.reason ?? ''}
            error={failed?.fieldErrors.reason}
          />
          <SubmitButton>{t('offerings.review.record')}</SubmitButton>
        </Form>
      )}
    </section>
  );
}

export default function OfferingReview() {
  const { review, decided } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as DecisionFailure | undefined;
  const t = useT();
  const { live, proposed } = review;
  const shown = proposed ?? live;
  return (
    <>
      <PageHeader title={shown?.title ?? t('offerings.queue.title')} lead={t('offerings.review.lead', { provider: review.provider.legalName })}>
        <p className="d-flex flex-wrap align-items-center gap-2">
          <span>{t('offerings.detail.status')}:</span>
          <OfferingStatusBadge status={review.status} />
        </p>
        <p>
          <Link to="/ambito/offerte">{t('offerings.review.back')}</Link>
        </p>
      </PageHeader>
      {decided ? <Alert kind="success">{t('offerings.review.decided')}</Alert> : null}

      <Comparison review={review} />

      <div className="row g-4 mb-4">
        {proposed ? (
          <section aria-labelledby="proposed-title" className={live ? 'col-12 col-lg-6' : 'col-12'}>
            <h2 id="proposed-title" className="h4">
              {t('offerings.review.proposed', { version: proposed.versionNumber })}
            </h2>
            {!live ? <p>{t('offerings.review.firstVersion')}</p> : null}
            <VersionDetails version={proposed} headingId="proposed-title" />
          </section>
        ) : null}
        {live ? (
          <section aria-labelledby="live-version-title" className={proposed ? 'col-12 col-lg-6' : 'col-12'}>
            <h2 id="live-version-title" className="h4">
              {t('offerings.review.live', { version: live.versionNumber })}
            </h2>
            <VersionDetails version={live} headingId="live-version-title" />
          </section>
        ) : null}
      </div>

      {review.canDecide ? <DecisionForm review={review} failed={failed} /> : <Alert kind="info">{t('offerings.review.readOnly')}</Alert>}

      <section aria-labelledby="versions-title" className="mb-5">
        <h2 id="versions-title" className="h4">
          {t('offerings.detail.versions')}
        </h2>
        <VersionsTable versions={review.versions} />
      </section>
      <OfferingHistory history={review.history} />
    </>
  );
}
