import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { centsToEuroInput } from '~/domain/offerings/offerings.fns';
import { fiscalBasisKey } from '~/domain/plans/plans.fns';
import { amountLinesFormSchema, carnetFromForm, formValues, planFormSchema, rulesFormSchema, rulesFromForm } from '~/domain/plans/plans.schema';
import {
  activatePlan,
  declarePremi,
  getPlanDetail,
  LineErrors,
  setCarnet,
  setManualAmounts,
  setRules,
  updatePlan,
} from '~/domain/plans/plans.server';
import { periodText, PlanFields, planFormLabels, planFormValues, PlanStatusBadge, TableRegion } from '~/domain/plans/plans.ui';
import { formatDateTime, formatMoney } from '~/ui/format';
import { Alert, CheckboxField, ErrorSummary, fieldId, PageHeader, SubmitButton, TextAreaField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// One plan of the company: its fields, allocation rules, carnet with caps, manual amounts, declared
// premi, and activation. Each section is its own form (intent), so a mistake in one never loses
// what was typed in another. A closed plan is read-only.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'plans.detail.title', { name: (data as { detail?: { plan: { name: string } } } | undefined)?.detail?.plan.name ?? '' });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    const detail = await getPlanDetail(getDb(), actor, params.id ?? '');
    const url = new URL(request.url);
    return json({ detail, notice: url.searchParams.get('creato') ? 'created' : url.searchParams.get('attivato') ? 'activated' : null });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

type Intent = 'plan' | 'rules' | 'carnet' | 'manual' | 'premi' | 'activate';
interface ActionResult {
  intent: Intent;
  ok: boolean;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  lineErrors?: Array<{ line: number; messageKey: string; text: string }>;
  message?: string;
  params?: Record<string, string | number>;
  /** Carnet: the categories that were checked. */
  checked?: string[];
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const planId = params.id ?? '';
  const db = getDb();
  const context = { ipAddress: getClientIp(request) };
  const formData = await request.formData();
  const intent = String(formData.get('intent') ?? '') as Intent;
  const failed = (fieldErrors: Record<string, string>, extra: Partial<ActionResult> = {}) =>
    json<ActionResult>(
      { intent, ok: false, fieldErrors, values: formValues(formData), checked: formData.getAll('category').map(String), ...extra },
      { status: 422 },
    );
  try {
    switch (intent) {
      case 'plan': {
        const parsed = await parseForm(formData, planFormSchema);
        if (!parsed.ok) return failed(parsed.fieldErrors);
        await updatePlan(db, actor, planId, parsed.data, context);
        return json<ActionResult>({ intent, ok: true, message: 'plans.detail.saved' });
      }
      case 'rules': {
        const parsed = await parseForm(formData, rulesFormSchema);
        if (!parsed.ok) return failed(parsed.fieldErrors);
        const { rules, fieldErrors } = rulesFromForm(parsed.data);
        if (Object.keys(fieldErrors).length > 0) return failed(fieldErrors);
        await setRules(db, actor, planId, rules, context);
        return json<ActionResult>({ intent, ok: true, message: 'plans.rules.saved' });
      }
      case 'carnet': {
        const carnet = carnetFromForm(formData);
        if (Object.keys(carnet.fieldErrors).length > 0) return failed(carnet.fieldErrors);
        await setCarnet(db, actor, planId, carnet, context);
        return json<ActionResult>({ intent, ok: true, message: 'plans.carnet.saved' });
      }
      case 'manual': {
        const parsed = await parseForm(formData, amountLinesFormSchema);
        if (!parsed.ok) return failed(parsed.fieldErrors);
        const result = await setManualAmounts(db, actor, planId, parsed.data.lines, context);
        return json<ActionResult>({ intent, ok: true, message: 'plans.manual.saved', params: { count: result.count, total: result.totalCents } });
      }
      case 'premi': {
        const parsed = await parseForm(formData, amountLinesFormSchema);
        if (!parsed.ok) return failed(parsed.fieldErrors);
        const result = await declarePremi(db, actor, planId, parsed.data.lines, context);
        return json<ActionResult>({ intent, ok: true, message: 'plans.premi.saved', params: { declared: result.declared, converted: result.alreadyConverted } });
      }
      case 'activate': {
        await activatePlan(db, actor, planId, context);
        return redirect(`/azienda/piani/${planId}?attivato=1`);
      }
      default:
        throw new Response('Bad Request', { status: 400 });
    }
  } catch (error) {
    if (error instanceof LineErrors) return failed({ lines: 'plans.lines.invalid' }, { lineErrors: error.lineErrors });
    if (error instanceof ValidationFailed) return failed(error.fieldErrors);
    if (error instanceof Response) throw error;
    const details = (error as { details?: { messageKey?: string } }).details;
    if (details?.messageKey && (error as { status?: number }).status === 409) {
      return json<ActionResult>({ intent, ok: false, message: details.messageKey }, { status: 409 });
    }
    throw domainErrorResponse(error);
  }
}

function SectionMessage({ result, intent }: { result: ActionResult | undefined; intent: Intent }) {
  const t = useT();
  const locale = useLocale();
  if (!result || result.intent !== intent || !result.message) return null;
  const params = { ...result.params };
  if (typeof params.total === 'number') params.total = formatMoney(params.total, locale);
  return <Alert kind={result.ok ? 'success' : 'danger'}>{t(result.message, params)}</Alert>;
}

function LineErrorList({ errors }: { errors?: ActionResult['lineErrors'] }) {
  const t = useT();
  if (!errors?.length) return null;
  return (
    <div className="alert alert-danger mb-4" role="alert">
      <h3 className="h5">{t('plans.lines.errorsTitle')}</h3>
      <ul className="mb-0">
        {errors.map((e) => (
          <li key={`${e.line}-${e.messageKey}`}>
            {t('plans.lines.lineN', { line: e.line })}: {t(e.messageKey)}
            {e.text ? ` («${e.text}»)` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function PlanDetailPage() {
  const { detail, notice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const locale = useLocale();
  const { plan } = detail;
  const editable = plan.status !== 'CLOSED';
  const failedFor = (intent: Intent) => (result && !result.ok && result.intent === intent ? result : undefined);
  const planFailed = failedFor('plan');
  const rulesFailed = failedFor('rules');
  const carnetFailed = failedFor('carnet');
  const manualFailed = failedFor('manual');
  const premiFailed = failedFor('premi');
  const activateFailed = failedFor('activate');

  const ruleAmount = (kind: string) => detail.rules.find((r) => r.kind === kind)?.amountCents ?? null;
  const categoryLines = detail.rules
    .filter((r) => r.kind === 'BY_CATEGORY')
    .map((r) => `${r.employeeCategory}; ${centsToEuroInput(r.amountCents)}`)
    .join('\n');
  const hasManual = detail.rules.some((r) => r.kind === 'MANUAL');
  const carnetBy = new Map(detail.carnet.map((c) => [c.categoryId, c]));
  const categoryName = (c: { nameIt: string; nameEn: string }) => (locale === 'en' ? c.nameEn : c.nameIt);

  return (
    <>
      <nav aria-label={t('plans.breadcrumb')} className="breadcrumb-container mb-2">
        <ol className="breadcrumb">
          <li className="breadcrumb-item">
            <Link to="/azienda/piani">{t('plans.list.title')}</Link>
            <span className="separator" aria-hidden="true">
              /
            </span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {plan.name}
          </li>
        </ol>
      </nav>
      <PageHeader title={plan.name} lead={periodText(plan.startsOn, plan.endsOn, locale, t)}>
        <p className="d-flex flex-wrap gap-2 align-items-center">
          <PlanStatusBadge status={plan.status} />
          {plan.status !== 'DRAFT' ? (
            <Link to={`/azienda/piani/${plan.id}/assegnazioni`} className="btn btn-primary btn-sm">
              {t('plans.detail.allocations')}
            </Link>
          ) : null}
          <span>{t('plans.detail.budget', { amount: formatMoney(detail.budgetCents, locale) })}</span>
        </p>
      </PageHeader>

      {notice === 'created' ? <Alert kind="success">{t('plans.detail.created')}</Alert> : null}
      {notice === 'activated' ? <Alert kind="success">{t('plans.detail.activated')}</Alert> : null}
      {plan.status === 'CLOSED' ? <Alert kind="info">{t('plans.detail.closedNotice', { date: plan.closedAt ? formatDateTime(plan.closedAt, locale) : '' })}</Alert> : null}

      {plan.status === 'DRAFT' ? (
        <section aria-labelledby="activate-title" className="card card-bg no-after mb-5">
          <div className="card-body">
            <h2 id="activate-title" className="h4 card-title">
              {t('plans.activate.title')}
            </h2>
            {activateFailed?.fieldErrors?.activate ? <Alert kind="danger">{t(activateFailed.fieldErrors.activate)}</Alert> : null}
            {activateFailed?.message ? <Alert kind="danger">{t(activateFailed.message)}</Alert> : null}
            {detail.activationProblems.length > 0 ? (
              <>
                <p>{t('plans.activate.missing')}</p>
                <ul>
                  {detail.activationProblems.map((p) => (
                    <li key={p}>{t(p)}</li>
                  ))}
                </ul>
              </>
            ) : (
              <>
                <p>{t('plans.activate.ready')}</p>
                <Form method="post">
                  <input type="hidden" name="intent" value="activate" />
                  <SubmitButton>{t('plans.activate.submit')}</SubmitButton>
                </Form>
              </>
            )}
          </div>
        </section>
      ) : null}

      <section aria-labelledby="plan-fields-title" className="mb-5">
        <h2 id="plan-fields-title" className="h3">
          {t('plans.detail.fields')}
        </h2>
        <SectionMessage result={result} intent="plan" />
        {editable ? (
          <>
            <ErrorSummary fieldErrors={planFailed?.fieldErrors} labels={planFormLabels(t)} />
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="plan" />
              <PlanFields values={planFormValues(plan, planFailed?.values)} errors={planFailed?.fieldErrors} carryOverOptions={detail.carryOverOptions} />
              <SubmitButton>{t('plans.detail.save')}</SubmitButton>
            </Form>
          </>
        ) : (
          <dl className="dl-grid">
            <dt>{t('plans.form.endRule')}</dt>
            <dd>{t(`plans.endRule.${plan.endRule}`)}{detail.carryOverPlanName ? ` – ${detail.carryOverPlanName}` : ''}</dd>
            <dt>{t('plans.form.leaverGraceDays')}</dt>
            <dd>{plan.leaverGraceDays}</dd>
            <dt>{t('plans.form.agreementReference')}</dt>
            <dd>{plan.agreementReference ?? '—'}</dd>
          </dl>
        )}
      </section>

      <section aria-labelledby="rules-title" className="mb-5">
        <h2 id="rules-title" className="h3">
          {t('plans.rules.title')}
        </h2>
        <p>{t('plans.rules.lead')}</p>
        <SectionMessage result={result} intent="rules" />
        {editable ? (
          <>
            <ErrorSummary
              fieldErrors={rulesFailed?.fieldErrors}
              labels={{ flat: t('plans.rules.flat'), perChild: t('plans.rules.perChild'), perDependent: t('plans.rules.perDependent'), byCategory: t('plans.rules.byCategory') }}
            />
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="rules" />
              <TextField
                name="flat"
                label={t('plans.rules.flat')}
                inputMode="decimal"
                defaultValue={rulesFailed?.values?.flat ?? centsToEuroInput(ruleAmount('FLAT'))}
                error={rulesFailed?.fieldErrors?.flat}
                hint={t('plans.rules.flatHint')}
              />
              <TextField
                name="perChild"
                label={t('plans.rules.perChild')}
                inputMode="decimal"
                defaultValue={rulesFailed?.values?.perChild ?? centsToEuroInput(ruleAmount('PER_CHILD'))}
                error={rulesFailed?.fieldErrors?.perChild}
                hint={t('plans.rules.perChildHint')}
              />
              <TextField
                name="perDependent"
                label={t('plans.rules.perDependent')}
                inputMode="decimal"
                defaultValue={rulesFailed?.values?.perDependent ?? centsToEuroInput(ruleAmount('PER_DEPENDENT'))}
                error={rulesFailed?.fieldErrors?.perDependent}
                hint={t('plans.rules.perDependentHint')}
              />
              <TextAreaField
                name="byCategory"
                label={t('plans.rules.byCategory')}
                rows={4}
                defaultValue={rulesFailed?.values?.byCategory ?? categoryLines}
                error={rulesFailed?.fieldErrors?.byCategory}
                hint={t('plans.rules.byCategoryHint', { categories: detail.rosterCategories.join(', ') || '—' })}
              />
              <CheckboxField
                name="manual"
                label={t('plans.rules.manual')}
                defaultChecked={rulesFailed ? rulesFailed.values?.manual === 'on' : hasManual}
                hint={t('plans.rules.manualHint')}
              />
              <SubmitButton>{t('plans.rules.save')}</SubmitButton>
            </Form>
          </>
        ) : (
          <RulesSummary rules={detail.rules} />
        )}
      </section>

      <section aria-labelledby="carnet-title" className="mb-5">
        <h2 id="carnet-title" className="h3">
          {t('plans.carnet.title')}
        </h2>
        <p>{t('plans.carnet.lead')}</p>
        <SectionMessage result={result} intent="carnet" />
        <ErrorSummary fieldErrors={carnetFailed?.fieldErrors} />
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="carnet" />
          <fieldset disabled={!editable}>
            <legend className="visually-hidden">{t('plans.carnet.categories')}</legend>
            <div className="table-responsive" tabIndex={0} role="region" aria-label={t('plans.carnet.categories')}>
              <table className="table align-middle">
                <caption className="visually-hidden">{t('plans.carnet.categories')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('plans.carnet.col.category')}</th>
                    <th scope="col">{t('plans.carnet.col.cap')}</th>
                    <th scope="col">{t('plans.carnet.col.reimbursable')}</th>
                    <th scope="col">{t('plans.carnet.col.fiscal')}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.categories
                    .filter((c) => !c.isOrientamento)
                    .map((c) => {
                      const current = carnetBy.get(c.id);
                      const values = carnetFailed?.values;
                      const capField = `cap_${c.id}`;
                      const capError = carnetFailed?.fieldErrors?.[capField] ?? carnetFailed?.fieldErrors?.[`reimbursable_${c.id}`];
                      return (
                        <tr key={c.id}>
                          <th scope="row">
                            <div className="form-check mb-0">
                              <input
                                id={fieldId(`category-${c.id}`)}
                                type="checkbox"
                                name="category"
                                value={c.id}
                                defaultChecked={carnetFailed?.checked ? carnetFailed.checked.includes(c.id) : Boolean(current)}
                              />
                              <label htmlFor={fieldId(`category-${c.id}`)}>{categoryName(c)}</label>
                            </div>
                          </th>
                          <td>
                            <label htmlFor={fieldId(capField)} className="visually-hidden">
                              {t('plans.carnet.capFor', { category: categoryName(c) })}
                            </label>
                            <input
                              id={fieldId(capField)}
                              name={capField}
                              className={`form-control${capError ? ' is-invalid' : ''}`}
                              inputMode="decimal"
                              defaultValue={values ? (values[capField] ?? '') : centsToEuroInput(current?.capCents ?? null)}
                              aria-invalid={capError ? true : undefined}
                              aria-describedby={capError ? `${fieldId(capField)}-error` : undefined}
                            />
                            {capError ? (
                              <div id={`${fieldId(capField)}-error`} className="invalid-feedback d-block">
                                {t(capError)}
                              </div>
                            ) : null}
                          </td>
                          <td>
                            <div className="form-check mb-0">
                              <input
                                id={fieldId(`reimbursable_${c.id}`)}
                                type="checkbox"
                                name={`reimbursable_${c.id}`}
                                defaultChecked={values ? values[`reimbursable_${c.id}`] === 'on' : Boolean(current?.reimbursable)}
                              />
                              <label htmlFor={fieldId(`reimbursable_${c.id}`)}>
                                <span className="visually-hidden">{t('plans.carnet.reimbursableFor', { category: categoryName(c) })}</span>
                                <span aria-hidden="true">{t('plans.carnet.yes')}</span>
                              </label>
                            </div>
                          </td>
                          <td className="small">{t(fiscalBasisKey(c.fiscalBasis))}</td>
                        </tr>
                      );
                    })}
                </tbody>
              </table>
            </div>
          </fieldset>
          {detail.offerings.length > 0 ? (
            <fieldset disabled={!editable} className="mb-4">
              <legend className="h5">{t('plans.carnet.offerings')}</legend>
              <p className="small">{t('plans.carnet.offeringsHint')}</p>
              {detail.offerings.map((o) => (
                <div className="form-check" key={o.offeringId}>
                  <input id={fieldId(`offering-${o.offeringId}`)} type="checkbox" name="offering" value={o.offeringId} defaultChecked={detail.offeringIds.includes(o.offeringId)} />
                  <label htmlFor={fieldId(`offering-${o.offeringId}`)}>
                    {o.title} – {o.providerName}
                  </label>
                </div>
              ))}
            </fieldset>
          ) : null}
          {editable ? <SubmitButton>{t('plans.carnet.save')}</SubmitButton> : null}
        </Form>
      </section>

      {hasManual ? (
        <section aria-labelledby="manual-title" className="mb-5">
          <h2 id="manual-title" className="h3">
            {t('plans.manual.title')}
          </h2>
          <p>{t('plans.manual.lead')}</p>
          <SectionMessage result={result} intent="manual" />
          <LineErrorList errors={manualFailed?.lineErrors} />
          {detail.manualAmounts.length > 0 ? <PeopleAmounts rows={detail.manualAmounts.map((m) => ({ ...m, cents: m.amountCents }))} caption={t('plans.manual.caption')} /> : null}
          {editable ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="manual" />
              <TextAreaField
                name="lines"
                label={t('plans.manual.lines')}
                rows={6}
                defaultValue={manualFailed?.values?.lines ?? detail.manualAmounts.map((m) => `${m.email}; ${centsToEuroInput(m.amountCents)}`).join('\n')}
                error={manualFailed?.fieldErrors?.lines}
                hint={t('plans.lines.hint')}
              />
              <SubmitButton>{t('plans.manual.save')}</SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}

      {plan.premioConversion ? (
        <section aria-labelledby="premi-title" className="mb-5">
          <h2 id="premi-title" className="h3">
            {t('plans.premi.title')}
          </h2>
          <p>{t('plans.premi.lead', { agreement: plan.agreementReference ?? '' })}</p>
          <SectionMessage result={result} intent="premi" />
          <LineErrorList errors={premiFailed?.lineErrors} />
          {premiFailed?.message ? <Alert kind="danger">{t(premiFailed.message)}</Alert> : null}
          {detail.premi.length > 0 ? (
            <TableRegion label={t('plans.premi.caption')}>
              <table className="table">
                <caption className="visually-hidden">{t('plans.premi.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('plans.people.name')}</th>
                    <th scope="col" className="text-end">
                      {t('plans.premi.declared')}
                    </th>
                    <th scope="col">{t('plans.premi.choice')}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.premi.map((p) => (
                    <tr key={p.membershipId}>
                      <th scope="row">
                        {p.name} <span className="small text-muted">{p.email}</span>
                      </th>
                      <td className="text-end">{formatMoney(p.declaredCents, locale)}</td>
                      <td>
                        {p.convertedCents !== null && p.convertedAt
                          ? t('plans.premi.converted', { amount: formatMoney(p.convertedCents, locale), date: formatDateTime(p.convertedAt, locale) })
                          : t('plans.premi.pending')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          ) : null}
          {editable ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="premi" />
              <TextAreaField name="lines" label={t('plans.premi.lines')} rows={6} defaultValue={premiFailed?.values?.lines ?? ''} error={premiFailed?.fieldErrors?.lines} hint={t('plans.lines.hint')} />
              <SubmitButton>{t('plans.premi.save')}</SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function RulesSummary({ rules }: { rules: Array<{ id: string; kind: string; employeeCategory: string | null; amountCents: number | null }> }) {
  const t = useT();
  const locale = useLocale();
  if (rules.length === 0) return <p>{t('plans.rules.none')}</p>;
  return (
    <ul>
      {rules.map((r) => (
        <li key={r.id}>
          {t(`plans.ruleKind.${r.kind}`)}
          {r.employeeCategory ? ` «${r.employeeCategory}»` : ''}
          {r.amountCents !== null ? `: ${formatMoney(r.amountCents, locale)}` : ''}
        </li>
      ))}
    </ul>
  );
}

function PeopleAmounts({ rows, caption }: { rows: Array<{ membershipId: string; name: string; email: string; cents: number }>; caption: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <TableRegion label={caption}>
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plans.people.name')}</th>
            <th scope="col">{t('plans.people.email')}</th>
            <th scope="col" className="text-end">
              {t('plans.people.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.membershipId}>
              <th scope="row">{r.name}</th>
              <td>{r.email}</td>
              <td className="text-end">{formatMoney(r.cents, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
