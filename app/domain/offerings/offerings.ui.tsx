import type { ReactNode } from 'react';
import type { Locale, Translate } from '~/i18n/i18n';
import { formatDateTime, formatMoney } from '~/ui/format';
import { fieldId, SelectField, TextAreaField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { MAX_BANDS, PRICE_UNITS, TARGETS, VAT_TREATMENTS, type OfferingStatusName, type VersionStatusName } from './offerings.fns';

// The offering pieces shared by the provider's and the curator's pages: status badges, the form,
// a version's details, the version list and the history. Browser-safe (no .server imports); the
// server renders descriptions to safe HTML (offerings.text.ts) before they get here.

const OFFERING_BADGE: Record<OfferingStatusName, string> = {
  DRAFT: 'bg-secondary',
  SUBMITTED: 'bg-primary',
  APPROVED: 'bg-success',
  CHANGES_REQUESTED: 'bg-dark',
  REJECTED: 'bg-danger',
  SUSPENDED: 'bg-dark',
  RETIRED: 'bg-secondary',
};
const VERSION_BADGE: Record<VersionStatusName, string> = {
  DRAFT: 'bg-secondary',
  SUBMITTED: 'bg-primary',
  APPROVED: 'bg-success',
  CHANGES_REQUESTED: 'bg-dark',
  REJECTED: 'bg-danger',
  SUPERSEDED: 'bg-secondary',
};

export function OfferingStatusBadge({ status }: { status: OfferingStatusName }) {
  const t = useT();
  return <span className={`badge ${OFFERING_BADGE[status]}`}>{t(`offerings.status.${status}`)}</span>;
}

export function VersionStatusBadge({ status }: { status: VersionStatusName }) {
  const t = useT();
  return <span className={`badge ${VERSION_BADGE[status]}`}>{t(`offerings.versionStatus.${status}`)}</span>;
}

/** A wide table's scrolling box: focusable and named, so keyboard users can scroll it. */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-responsive" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

export function categoryName(category: { nameIt: string; nameEn: string }, locale: Locale): string {
  return locale === 'en' ? category.nameEn : category.nameIt;
}

// ---------------------------------------------------------------------------------------------
// Reading a version

export interface VersionLike {
  target: string;
  ageMin: number | null;
  ageMax: number | null;
  priceUnit: string | null;
  packageHours: number | null;
  listPriceCents: number | null;
  allianceRateCents: number | null;
  vatTreatment: string | null;
  availability: { weekdays: number[]; bands: Array<{ from: string; to: string }> };
  bookingNoticeDays: number;
  cancellationTerms: string;
  capacityPerWeek: number | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  contactAddress: string | null;
  comuni: Array<{ id: string; name: string }>;
  category: { nameIt: string; nameEn: string; isOrientamento: boolean };
  title: string;
  descriptionHtml: string;
}

export function targetText(v: Pick<VersionLike, 'target' | 'ageMin' | 'ageMax'>, t: Translate): string {
  const target = t(`offerings.target.${v.target}`);
  return v.target === 'CHILDREN' && v.ageMin !== null ? t('offerings.targetAges', { target, min: v.ageMin, max: v.ageMax ?? v.ageMin }) : target;
}

export function priceUnitText(v: Pick<VersionLike, 'priceUnit' | 'packageHours'>, t: Translate): string {
  if (!v.priceUnit) return '—';
  return v.priceUnit === 'PACKAGE' && v.packageHours ? t('offerings.packageOf', { hours: v.packageHours }) : t(`offerings.per.${v.priceUnit}`);
}

export function moneyText(cents: number | null, unit: Pick<VersionLike, 'priceUnit' | 'packageHours'>, t: Translate, locale: Locale): string {
  if (cents === null) return '—';
  return `${formatMoney(cents, locale)} ${priceUnitText(unit, t)}`;
}

export function weekdaysText(weekdays: readonly number[], t: Translate): string {
  return weekdays.length ? weekdays.map((d) => t(`offerings.weekday.${d}`)).join(', ') : t('offerings.notStated');
}

export function bandsText(bands: ReadonlyArray<{ from: string; to: string }>, t: Translate): string {
  return bands.length ? bands.map((b) => `${b.from}–${b.to}`).join(', ') : t('offerings.notStated');
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Every field of a version, as a description list. */
export function VersionDetails({ version, headingId }: { version: VersionLike; headingId?: string }) {
  const t = useT();
  const locale = useLocale();
  const v = version;
  return (
    <div aria-labelledby={headingId}>
      <dl className="dl-grid mb-3">
        <Row label={t('offerings.field.title')}>{v.title}</Row>
        <Row label={t('offerings.field.categoryId')}>{categoryName(v.category, locale)}</Row>
        <Row label={t('offerings.field.target')}>{targetText(v, t)}</Row>
        {v.category.isOrientamento ? (
          <Row label={t('offerings.section.price')}>{t('offerings.noPrice')}</Row>
        ) : (
          <>
            <Row label={t('offerings.field.listPrice')}>{moneyText(v.listPriceCents, v, t, locale)}</Row>
            <Row label={t('offerings.field.allianceRate')}>{moneyText(v.allianceRateCents, v, t, locale)}</Row>
            <Row label={t('offerings.field.vatTreatment')}>{v.vatTreatment ? t(`offerings.vat.${v.vatTreatment}`) : '—'}</Row>
          </>
        )}
        <Row label={t('offerings.field.weekdays')}>{weekdaysText(v.availability.weekdays, t)}</Row>
        <Row label={t('offerings.compare.bands')}>{bandsText(v.availability.bands, t)}</Row>
        <Row label={t('offerings.field.bookingNoticeDays')}>{t('offerings.days', { days: v.bookingNoticeDays })}</Row>
        <Row label={t('offerings.field.cancellationTerms')}>{v.cancellationTerms || t('offerings.notStated')}</Row>
        <Row label={t('offerings.field.capacityPerWeek')}>{v.capacityPerWeek ?? t('offerings.notStated')}</Row>
        {v.contactName ? <Row label={t('offerings.field.contactName')}>{v.contactName}</Row> : null}
        {v.contactEmail ? <Row label={t('offerings.field.contactEmail')}>{v.contactEmail}</Row> : null}
        {v.contactPhone ? <Row label={t('offerings.field.contactPhone')}>{v.contactPhone}</Row> : null}
        {v.contactAddress ? <Row label={t('offerings.field.contactAddress')}>{v.contactAddress}</Row> : null}
        <Row label={t('offerings.field.comuni')}>{v.comuni.map((c) => c.name).join(', ') || t('offerings.none')}</Row>
      </dl>
      <h4 className="h6">{t('offerings.field.description')}</h4>
      {/* Rendered on the server by renderDescription: raw HTML escaped, no images, safe links only. */}
      <div className="offering-description border-start ps-3" dangerouslySetInnerHTML={{ __html: v.descriptionHtml }} />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Versions and history

export interface VersionSummary {
  id: string;
  versionNumber: number;
  status: VersionStatusName;
  title: string;
  createdAt: string;
  createdByName: string | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewedByName: string | null;
  reviewReason: string | null;
}

export function VersionsTable({ versions }: { versions: VersionSummary[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ScrollRegion label={t('offerings.detail.versionsCaption')}>
      <table className="table table-sm align-middle">
        <caption className="visually-hidden">{t('offerings.detail.versionsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('offerings.col.version')}</th>
            <th scope="col">{t('offerings.col.title')}</th>
            <th scope="col">{t('offerings.col.status')}</th>
            <th scope="col">{t('offerings.col.submittedAt')}</th>
            <th scope="col">{t('offerings.history.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id}>
              <th scope="row">{t('offerings.versionLabel', { version: v.versionNumber })}</th>
              <td>{v.title}</td>
              <td>
                <VersionStatusBadge status={v.status} />
              </td>
              <td>{v.submittedAt ? formatDateTime(v.submittedAt, locale) : '—'}</td>
              <td>{v.reviewReason ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

export interface HistoryRow {
  id: string;
  kind: string;
  reason: string | null;
  createdAt: string;
  versionNumber: number | null;
  actorName: string | null;
}

export function OfferingHistory({ history }: { history: HistoryRow[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="offering-history-title" className="mb-5">
      <h2 id="offering-history-title" className="h4">
        {t('offerings.history.title')}
      </h2>
      {history.length === 0 ? (
        <p>{t('offerings.history.empty')}</p>
      ) : (
        <ScrollRegion label={t('offerings.history.caption')}>
          <table className="table table-sm align-middle">
            <caption className="visually-hidden">{t('offerings.history.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('offerings.history.when')}</th>
                <th scope="col">{t('offerings.history.what')}</th>
                <th scope="col">{t('offerings.history.who')}</th>
                <th scope="col">{t('offerings.history.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.createdAt, locale)}</td>
                  <th scope="row">{t(`offerings.event.${e.kind}`, { version: e.versionNumber ?? '' })}</th>
                  <td>{e.actorName ?? t('offerings.history.system')}</td>
                  <td>{e.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// The provider's form

export type FormValues = Record<string, string | string[] | undefined>;

export interface OfferingFormOptions {
  categories: Array<{ id: string; nameIt: string; nameEn: string; isOrientamento: boolean }>;
  comuni: Array<{ id: string; name: string }>;
}

const str = (values: FormValues, name: string): string => {
  const v = values[name];
  return typeof v === 'string' ? v : '';
};
const list = (values: FormValues, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
};

function CheckboxGroup({
  name,
  legend,
  options,
  checked,
  error,
  hint,
  required,
}: {
  name: string;
  legend: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  checked: string[];
  error?: string;
  hint?: string;
  required?: boolean;
}) {
  const t = useT();
  const id = fieldId(name);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset id={id} className="mb-4" tabIndex={-1} aria-describedby={describedBy}>
      <legend className="form-label fs-6 fw-semibold">
        {legend}
        {required ? (
          <span aria-hidden="true" className="text-danger">
            {' '}
            *
          </span>
        ) : null}
      </legend>
      {hint ? (
        <small id={`${id}-hint`} className="form-text d-block mb-2">
          {hint}
        </small>
      ) : null}
      <div className="d-flex flex-wrap gap-3">
        {options.map((o) => (
          <div key={o.value} className="form-check form-check-inline m-0">
            <input
              id={`${id}-${o.value}`}
              name={name}
              type="checkbox"
              value={o.value}
              defaultChecked={checked.includes(o.value)}
              aria-invalid={error ? true : undefined}
            />
            <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
          </div>
        ))}
      </div>
      {error ? (
        <div id={`${id}-error`} className="invalid-feedback d-block" role="alert">
          {t(error)}
        </div>
      ) : null}
    </fieldset>
  );
}

/** Labels of the form's fields, for the error summary. */
export function offeringFieldLabels(t: Translate): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const name of [
    'title',
    'description',
    'categoryId',
    'target',
    'ageMin',
    'ageMax',
    'priceUnit',
    'packageHours',
    'listPrice',
    'allianceRate',
    'vatTreatment',
    'weekdays',
    'bookingNoticeDays',
    'cancellationTerms',
    'capacityPerWeek',
    'contactName',
    'contactEmail',
    'contactPhone',
    'contactAddress',
    'comuni',
  ]) {
    labels[name] = t(`offerings.field.${name}`);
  }
  for (let i = 1; i <= MAX_BANDS; i++) {
    labels[`band${i}From`] = t('offerings.field.bandFrom', { n: i });
    labels[`band${i}To`] = t('offerings.field.bandTo', { n: i });
  }
  return labels;
}

/** Every field of an offering; the caller wraps it in a <Form> with its own buttons. */
export function OfferingFields({ options, values, errors }: { options: OfferingFormOptions; values: FormValues; errors: Record<string, string> }) {
  const t = useT();
  const locale = useLocale();
  const labels = offeringFieldLabels(t);
  const text = (name: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField name={name} label={labels[name] ?? name} defaultValue={str(values, name)} error={errors[name]} {...extra} />
  );
  return (
    <>
      <fieldset className="mb-4">
        <legend className="h5">{t('offerings.section.what')}</legend>
        {text('title', { required: true, maxLength: 160 })}
        <SelectField
          name="categoryId"
          label={labels.categoryId!}
          required
          placeholder={t('offerings.choose')}
          options={options.categories.map((c) => ({ value: c.id, label: categoryName(c, locale) }))}
          defaultValue={str(values, 'categoryId')}
          error={errors.categoryId}
        />
        <TextAreaField
          name="description"
          label={labels.description!}
          hint={t('offerings.field.descriptionHint')}
          required
          rows={6}
          maxLength={10_000}
          defaultValue={str(values, 'description')}
          error={errors.description}
        />
        <SelectField
          name="target"
          label={labels.target!}
          required
          options={TARGETS.map((v) => ({ value: v, label: t(`offerings.target.${v}`) }))}
          defaultValue={str(values, 'target') || 'EVERYONE'}
          error={errors.target}
        />
        <div className="row">
          <div className="col-12 col-md-6">{text('ageMin', { inputMode: 'numeric', hint: t('offerings.field.agesHint') })}</div>
          <div className="col-12 col-md-6">{text('ageMax', { inputMode: 'numeric' })}</div>
        </div>
      </fieldset>

      <fieldset className="mb-4">
        <legend className="h5">{t('offerings.section.price')}</legend>
        <p className="small">{t('offerings.section.priceHint')}</p>
        <div className="row">
          <div className="col-12 col-md-6">
            <SelectField
              name="priceUnit"
              label={labels.priceUnit!}
              placeholder={t('offerings.none')}
              options={PRICE_UNITS.map((v) => ({ value: v, label: t(`offerings.priceUnit.${v}`) }))}
              defaultValue={str(values, 'priceUnit')}
              error={errors.priceUnit}
            />
          </div>
          <div className="col-12 col-md-6">{text('packageHours', { inputMode: 'numeric' })}</div>
          <div className="col-12 col-md-6">{text('listPrice', { inputMode: 'decimal', placeholder: '15,00', autoComplete: 'off' })}</div>
          <div className="col-12 col-md-6">
            {text('allianceRate', { inputMode: 'decimal', placeholder: '12,50', autoComplete: 'off', hint: t('offerings.field.allianceRateHint') })}
          </div>
          <div className="col-12 col-md-6">
            <SelectField
              name="vatTreatment"
              label={labels.vatTreatment!}
              placeholder={t('offerings.none')}
              options={VAT_TREATMENTS.map((v) => ({ value: v, label: t(`offerings.vat.${v}`) }))}
              defaultValue={str(values, 'vatTreatment')}
              error={errors.vatTreatment}
            />
          </div>
        </div>
      </fieldset>

      <fieldset className="mb-4">
        <legend className="h5">{t('offerings.section.availability')}</legend>
        <CheckboxGroup
          name="weekdays"
          legend={labels.weekdays!}
          options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`offerings.weekday.${d}`) }))}
          checked={list(values, 'weekdays')}
          error={errors.weekdays}
        />
        <p className="small" id="bands-hint">
          {t('offerings.field.bandsHint')}
        </p>
        <div className="row">
          {Array.from({ length: MAX_BANDS }, (_, i) => i + 1).map((n) => (
            <div key={n} className="col-12 col-md-4">
              {text(`band${n}From`, { inputMode: 'numeric', placeholder: '08:30', maxLength: 5 })}
              {text(`band${n}To`, { inputMode: 'numeric', placeholder: '12:30', maxLength: 5 })}
            </div>
          ))}
        </div>
        <div className="row">
          <div className="col-12 col-md-6">{text('bookingNoticeDays', { inputMode: 'numeric' })}</div>
          <div className="col-12 col-md-6">{text('capacityPerWeek', { inputMode: 'numeric' })}</div>
        </div>
        <TextAreaField
          name="cancellationTerms"
          label={labels.cancellationTerms!}
          rows={2}
          maxLength={2000}
          defaultValue={str(values, 'cancellationTerms')}
          error={errors.cancellationTerms}
        />
      </fieldset>

      <fieldset className="mb-4">
        <legend className="h5">{t('offerings.section.contact')}</legend>
        <p className="small">{t('offerings.section.contactHint')}</p>
        <div className="row">
          <div className="col-12 col-md-6">{text('contactName', { maxLength: 200 })}</div>
          <div className="col-12 col-md-6">{text('contactEmail', { type: 'email', autoComplete: 'off' })}</div>
          <div className="col-12 col-md-6">{text('contactPhone', { type: 'tel', autoComplete: 'off' })}</div>
          <div className="col-12 col-md-6">{text('contactAddress', { maxLength: 300 })}</div>
        </div>
      </fieldset>

      <CheckboxGroup
        name="comuni"
        legend={labels.comuni!}
        hint={t('offerings.field.comuniHint')}
        required
        options={options.comuni.map((c) => ({ value: c.id, label: c.name }))}
        checked={list(values, 'comuni')}
        error={errors.comuni}
      />
    </>
  );
}
