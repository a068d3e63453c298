import type { ReactNode } from 'react';
import { centsToEuroInput } from '~/domain/offerings/offerings.fns';
import type { Locale, Translate } from '~/i18n/i18n';
import { formatDate, formatMoney } from '~/ui/format';
import { CheckboxField, SelectField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { AGREEMENT_KINDS, fiscalBasisKey, PLAN_END_RULES, type PlanDraft, type PlanEndRuleName, type PlanStatusName } from './plans.fns';

// Plan pieces shared by the company's and the employee's pages: status badge, the plan form,
// the plan "in plain words". Browser-safe: no .server imports.

const STATUS_BADGE: Record<PlanStatusName, string> = { DRAFT: 'bg-secondary', ACTIVE: 'bg-success', CLOSED: 'bg-dark' };

export function PlanStatusBadge({ status }: { status: PlanStatusName }) {
  const t = useT();
  return <span className={`badge ${STATUS_BADGE[status]}`}>{t(`plans.status.${status}`)}</span>;
}

export function periodText(startsOn: string, endsOn: string, locale: Locale, t: Translate): string {
  return t('plans.period', { from: formatDate(startsOn, locale), to: formatDate(endsOn, locale) });
}

/** The end rule in one sentence, for the employee: where unspent credit goes after `lastDay`. */
export function endRuleSentence(endRule: PlanEndRuleName, lastDay: string, carryOverPlanName: string | null, locale: Locale, t: Translate): string {
  return t(`plans.endRule.explain.${endRule}`, { date: formatDate(lastDay, locale), plan: carryOverPlanName ?? '' });
}

export const PLAN_FORM_LABEL_KEYS: Record<string, string> = {
  name: 'plans.form.name',
  startsOn: 'plans.form.startsOn',
  endsOn: 'plans.form.endsOn',
  companyFunding: 'plans.form.companyFunding',
  publicFunding: 'plans.form.publicFunding',
  publicFundingSource: 'plans.form.publicFundingSource',
  premioConversion: 'plans.form.premioConversion',
  agreementKind: 'plans.form.agreementKind',
  agreementReference: 'plans.form.agreementReference',
  premioWindowStartsOn: 'plans.form.premioWindowStartsOn',
  premioWindowEndsOn: 'plans.form.premioWindowEndsOn',
  premioCap: 'plans.form.premioCap',
  reimbursementsAllowed: 'plans.form.reimbursementsAllowed',
  leaverGraceDays: 'plans.form.leaverGraceDays',
  endRule: 'plans.form.endRule',
  carryOverPlanId: 'plans.form.carryOverPlanId',
};

export function planFormLabels(t: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(PLAN_FORM_LABEL_KEYS).map(([field, key]) => [field, t(key)]));
}

/** What the form starts from: a failed submit's values, else the plan's, else defaults. */
export function planFormValues(plan: PlanDraft | null, failed?: Record<string, string>): Record<string, string> {
  if (failed) return failed;
  if (!plan) return { leaverGraceDays: '90', endRule: 'RETURN_TO_COMPANY' };
  const euro = (cents: number) => (cents > 0 ? centsToEuroInput(cents) : '');
  return {
    name: plan.name,
    startsOn: plan.startsOn,
    endsOn: plan.endsOn,
    companyFunding: euro(plan.companyFundingCents),
    publicFunding: euro(plan.publicFundingCents),
    publicFundingSource: plan.publicFundingSource ?? '',
    premioConversion: plan.premioConversion ? 'on' : '',
    agreementKind: plan.agreementKind ?? '',
    agreementReference: plan.agreementReference ?? '',
    premioWindowStartsOn: plan.premioWindowStartsOn ?? '',
    premioWindowEndsOn: plan.premioWindowEndsOn ?? '',
    premioCap: plan.premioCapCents ? centsToEuroInput(plan.premioCapCents) : '',
    reimbursementsAllowed: plan.reimbursementsAllowed ? 'on' : '',
    leaverGraceDays: String(plan.leaverGraceDays),
    endRule: plan.endRule,
    carryOverPlanId: plan.carryOverPlanId ?? '',
  };
}

function Fieldset({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="mb-4">
      <legend className="h5">{legend}</legend>
      {children}
    </fieldset>
  );
}

/** The plan's own fields (create and edit). Field names match planFormSchema. */
export function PlanFields({
  values,
  errors,
  carryOverOptions,
}: {
  values: Record<string, string>;
  errors?: Record<string, string>;
  carryOverOptions: Array<{ id: string; name: string; startsOn: string; endsOn: string }>;
}) {
  const t = useT();
  const locale = useLocale();
  const e = errors ?? {};
  const labels = planFormLabels(t);
  return (
    <>
      <Fieldset legend={t('plans.form.general')}>
        <TextField name="name" label={labels.name!} required maxLength={120} defaultValue={values.name ?? ''} error={e.name} hint={t('plans.form.nameHint')} />
        <div className="row">
          <div className="col-md-6">
            <TextField name="startsOn" type="date" label={labels.startsOn!} required defaultValue={values.startsOn ?? ''} error={e.startsOn} />
          </div>
          <div className="col-md-6">
            <TextField name="endsOn" type="date" label={labels.endsOn!} required defaultValue={values.endsOn ?? ''} error={e.endsOn} hint={t('plans.form.endsOnHint')} />
          </div>
        </div>
      </Fieldset>
      <Fieldset legend={t('plans.form.funding')}>
        <p className="small">{t('plans.form.fundingHint')}</p>
        <TextField name="companyFunding" label={labels.companyFunding!} inputMode="decimal" defaultValue={values.companyFunding ?? ''} error={e.companyFunding} hint={t('plans.form.euroHint')} />
        <TextField name="publicFunding" label={labels.publicFunding!} inputMode="decimal" defaultValue={values.publicFunding ?? ''} error={e.publicFunding} hint={t('plans.form.euroHint')} />
        <TextField name="publicFundingSource" label={labels.publicFundingSource!} maxLength={200} defaultValue={values.publicFundingSource ?? ''} error={e.publicFundingSource} hint={t('plans.form.publicFundingSourceHint')} />
      </Fieldset>
      <Fieldset legend={t('plans.form.premio')}>
        <p className="small">{t('plans.form.premioHint')}</p>
        <CheckboxField name="premioConversion" label={labels.premioConversion!} defaultChecked={values.premioConversion === 'on'} error={e.premioConversion} />
        <SelectField
          name="agreementKind"
          label={labels.agreementKind!}
          placeholder={t('plans.form.choose')}
          options={AGREEMENT_KINDS.map((k) => ({ value: k, label: t(`plans.agreementKind.${k}`) }))}
          defaultValue={values.agreementKind ?? ''}
          error={e.agreementKind}
        />
        <TextField name="agreementReference" label={labels.agreementReference!} maxLength={200} defaultValue={values.agreementReference ?? ''} error={e.agreementReference} hint={t('plans.form.agreementReferenceHint')} />
        <div className="row">
          <div className="col-md-6">
            <TextField name="premioWindowStartsOn" type="date" label={labels.premioWindowStartsOn!} defaultValue={values.premioWindowStartsOn ?? ''} error={e.premioWindowStartsOn} />
          </div>
          <div className="col-md-6">
            <TextField name="premioWindowEndsOn" type="date" label={labels.premioWindowEndsOn!} defaultValue={values.premioWindowEndsOn ?? ''} error={e.premioWindowEndsOn} />
          </div>
        </div>
        <TextField name="premioCap" label={labels.premioCap!} inputMode="decimal" defaultValue={values.premioCap ?? ''} error={e.premioCap} hint={t('plans.form.premioCapHint')} />
      </Fieldset>
      <Fieldset legend={t('plans.form.rulesOfUse')}>
        <CheckboxField
          name="reimbursementsAllowed"
          label={labels.reimbursementsAllowed!}
          defaultChecked={values.reimbursementsAllowed === 'on'}
          error={e.reimbursementsAllowed}
          hint={t('plans.form.reimbursementsHint')}
        />
        <TextField
          name="leaverGraceDays"
          type="number"
          inputMode="numeric"
          label={labels.leaverGraceDays!}
          required
          defaultValue={values.leaverGraceDays ?? '90'}
          error={e.leaverGraceDays}
          hint={t('plans.form.leaverGraceDaysHint')}
        />
        <SelectField
          name="endRule"
          label={labels.endRule!}
          required
          options={PLAN_END_RULES.map((r) => ({ value: r, label: t(`plans.endRule.${r}`) }))}
          defaultValue={values.endRule ?? 'RETURN_TO_COMPANY'}
          error={e.endRule}
          hint={t('plans.form.endRuleHint')}
        />
        <SelectField
          name="carryOverPlanId"
          label={labels.carryOverPlanId!}
          placeholder={carryOverOptions.length ? t('plans.form.choose') : t('plans.form.noOtherPlan')}
          options={carryOverOptions.map((o) => ({ value: o.id, label: `${o.name} (${periodText(o.startsOn, o.endsOn, locale, t)})` }))}
          defaultValue={values.carryOverPlanId ?? ''}
          error={e.carryOverPlanId}
          hint={t('plans.form.carryOverHint')}
        />
      </Fieldset>
    </>
  );
}

export interface PlainPlan {
  startsOn: string;
  endsOn: string;
  lastDay: string;
  terminationDate: string | null;
  leaverGraceDays: number;
  endRule: PlanEndRuleName;
  carryOverPlanName: string | null;
  reimbursementsAllowed: boolean;
  carnet: Array<{ categoryId: string; nameIt: string; nameEn: string; fiscalBasis: string | null; capCents: number | null; reimbursable: boolean }>;
  offerings: Array<{ offeringId: string; title: string; providerName: string }>;
}

/** The plan in plain words, for the employee: what the credit buys, limits, reimbursements, the end. */
export function PlanInPlainWords({ plan, headingId }: { plan: PlainPlan; headingId: string }) {
  const t = useT();
  const locale = useLocale();
  const reimbursable = plan.carnet.filter((c) => c.reimbursable);
  const name = (c: { nameIt: string; nameEn: string }) => (locale === 'en' ? c.nameEn : c.nameIt);
  return (
    <section aria-labelledby={headingId} className="mb-5">
      <h2 id={headingId} className="h3">
        {t('wallets.plain.title')}
      </h2>
      <ul className="plain-words">
        <li>{t('wallets.plain.period', { from: formatDate(plan.startsOn, locale), to: formatDate(plan.endsOn, locale) })}</li>
        <li>{t('wallets.plain.until', { date: formatDate(plan.lastDay, locale) })}</li>
        <li>{endRuleSentence(plan.endRule, plan.lastDay, plan.carryOverPlanName, locale, t)}</li>
        <li>
          {plan.terminationDate
            ? t('wallets.plain.leaverNow', { date: formatDate(plan.terminationDate, locale), days: plan.leaverGraceDays })
            : t('wallets.plain.leaver', { days: plan.leaverGraceDays })}
        </li>
        <li>
          {plan.reimbursementsAllowed && reimbursable.length > 0
            ? t('wallets.plain.reimbursementsYes', { categories: reimbursable.map(name).join(', ') })
            : t('wallets.plain.reimbursementsNo')}
        </li>
      </ul>
      <h3 className="h5">{t('wallets.plain.buys')}</h3>
      {plan.carnet.length === 0 && plan.offerings.length === 0 ? <p>{t('wallets.plain.buysNothing')}</p> : null}
      {plan.carnet.length > 0 ? (
        <TableRegion label={t('wallets.plain.carnetCaption')}>
          <table className="table">
            <caption className="visually-hidden">{t('wallets.plain.carnetCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallets.plain.col.category')}</th>
                <th scope="col">{t('wallets.plain.col.cap')}</th>
                <th scope="col">{t('wallets.plain.col.fiscal')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.carnet.map((c) => (
                <tr key={c.categoryId}>
                  <th scope="row">{name(c)}</th>
                  <td>{c.capCents ? t('wallets.plain.capUpTo', { amount: formatMoney(c.capCents, locale) }) : t('wallets.plain.noCap')}</td>
                  <td className="small">{t(fiscalBasisKey(c.fiscalBasis))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {plan.offerings.length > 0 ? (
        <>
          <p className="mb-1">{t('wallets.plain.offerings')}</p>
          <ul>
            {plan.offerings.map((o) => (
              <li key={o.offeringId}>
                <a href={`/catalogo/${o.offeringId}`}>{o.title}</a> – {o.providerName}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** A table's horizontal scrolling box on small screens: focusable and named, so keyboard users can scroll it. */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-responsive" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
