import { Form } from '@remix-run/react';
import { formatNumber } from '~/ui/format';
import { ErrorSummary, SubmitButton } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { REQUIRED_FIELDS, ROSTER_FIELDS, type RosterCounts, type RosterField, type RosterMapping, type RosterRowError } from './roster.fns';

// Pieces of the roster import pages (browser-safe: no server imports).

/** The column as people see it: its header, or "column C" when the header is blank. */
export function columnLabel(headers: readonly string[], index: number, t: (key: string, params?: Record<string, string | number>) => string): string {
  const header = headers[index]?.trim();
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return header ? `${header} (${letters})` : t('roster.mapping.column', { letter: letters });
}

export function ImportCounts({ counts, committed }: { counts: RosterCounts; committed: boolean }) {
  const t = useT();
  const locale = useLocale();
  const items: Array<[string, number, string]> = [
    ['new', counts.new, 'text-success'],
    ['updated', counts.updated, ''],
    ['unchanged', counts.unchanged, 'text-muted'],
    ['leavers', counts.leavers, ''],
    ['errors', counts.errors, counts.errors > 0 ? 'text-danger' : 'text-muted'],
  ];
  return (
    <section aria-labelledby="counts-title" className="mb-4">
      <h2 id="counts-title" className="h4">
        {t(committed ? 'roster.import.countsCommitted' : 'roster.import.countsDryRun', { total: formatNumber(counts.total, locale) })}
      </h2>
      <ul className="row g-3 mb-0 list-unstyled">
        {items.map(([key, value, tone]) => (
          <li key={key} className="col-6 col-md-4 col-lg-2">
            <div className="border rounded p-3 h-100">
              <span className="d-block small">{t(`roster.counts.${key}`)}</span>
              <span className={`d-block h3 mb-0 ${tone}`}>{formatNumber(value, locale)}</span>
            </div>
          </li>
        ))}
      </ul>
      <p className="small mt-2 mb-0">{t('roster.counts.leaversNote')}</p>
    </section>
  );
}

export function ImportErrors({ errors, errorCount }: { errors: readonly RosterRowError[]; errorCount: number }) {
  const t = useT();
  const locale = useLocale();
  if (errorCount === 0) return null;
  return (
    <section aria-labelledby="errors-title" className="mb-4">
      <h2 id="errors-title" className="h4">
        {t('roster.errors.title', { count: formatNumber(errorCount, locale) })}
      </h2>
      {errors.length < errorCount ? <p>{t('roster.errors.capped', { shown: formatNumber(errors.length, locale) })}</p> : null}
      <div className="table-responsive">
        <table className="table table-sm align-middle">
          <caption className="visually-hidden">{t('roster.errors.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('roster.errors.row')}</th>
              <th scope="col">{t('roster.errors.column')}</th>
              <th scope="col">{t('roster.errors.problem')}</th>
              <th scope="col">{t('roster.errors.value')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={`${e.row}-${e.field}-${e.code}-${i}`}>
                <td>{e.row}</td>
                <td>{e.column ?? (e.field ? t(`roster.field.${e.field}`) : '—')}</td>
                <td>{t(`roster.error.${e.code}`, { firstRow: e.firstRow ?? '', field: e.field ? t(`roster.field.${e.field}`) : '' })}</td>
                <td className="font-monospace small text-break">{e.value ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The job's progress: a native <progress> with its text, announced politely as it changes. */
export function ImportProgress({ status, progress }: { status: 'VALIDATING' | 'COMMITTING'; progress: number }) {
  const t = useT();
  const label = t(status === 'VALIDATING' ? 'roster.progress.validating' : 'roster.progress.committing');
  return (
    <section className="mb-4" aria-labelledby="progress-label">
      <label id="progress-label" htmlFor="import-progress" className="form-label fw-semibold">
        {label}
      </label>
      <progress id="import-progress" className="w-100 d-block" max={100} value={progress} aria-valuetext={t('roster.progress.percent', { percent: progress })}>
        {progress}%
      </progress>
      <p className="mt-2 mb-0" aria-live="polite" role="status">
        {t('roster.progress.percent', { percent: progress })} · {t('roster.progress.background')}
      </p>
    </section>
  );
}

export function MappingForm({
  headers,
  mapping,
  suggestion,
  samples,
  fieldErrors,
}: {
  headers: readonly string[];
  mapping: RosterMapping;
  suggestion: { ambiguous: Partial<Record<RosterField, number[]>>; missing: RosterField[] };
  samples: readonly string[][];
  fieldErrors: Record<string, string>;
}) {
  const t = useT();
  const labels = Object.fromEntries(ROSTER_FIELDS.map((f) => [`map.${f}`, t(`roster.field.${f}`)]));
  const options = headers.map((_, i) => ({ value: String(i), label: columnLabel(headers, i, t) }));
  return (
    <Form method="post" noValidate className="mb-5">
      <input type="hidden" name="intent" value="mapping" />
      <ErrorSummary fieldErrors={fieldErrors} labels={labels} />
      <p>{t('roster.mapping.lead')}</p>
      {suggestion.missing.length > 0 ? (
        <p>{t('roster.mapping.missing', { fields: suggestion.missing.map((f) => t(`roster.field.${f}`)).join(', ') })}</p>
      ) : null}
      {Object.keys(suggestion.ambiguous).length > 0 ? (
        <p>{t('roster.mapping.ambiguous', { fields: Object.keys(suggestion.ambiguous).map((f) => t(`roster.field.${f}`)).join(', ') })}</p>
      ) : null}
      <div className="row">
        {ROSTER_FIELDS.map((field) => {
          const name = `map.${field}`;
          const id = `field-map-${field}`;
          const error = fieldErrors[name];
          const required = REQUIRED_FIELDS.includes(field);
          const current = mapping[field] ?? suggestion.ambiguous[field]?.[0];
          const sample = current !== undefined ? samples.map((r) => r[current] ?? '').filter(Boolean).slice(0, 2).join(' · ') : '';
          return (
            <div key={field} className="col-12 col-md-6">
              <div className="select-wrapper mb-4">
                <label htmlFor={id} className="form-label">
                  {t(`roster.field.${field}`)}
                  {required ? (
                    <span aria-hidden="true" className="text-danger">
                      {' '}
                      *
                    </span>
                  ) : (
                    <span className="visually-hidden"> ({t('form.optional')})</span>
                  )}
                </label>
                <select
                  id={id}
                  name={name}
                  defaultValue={current !== undefined ? String(current) : ''}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={[sample ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
                  className={error ? 'is-invalid' : undefined}
                >
                  <option value="">{t('roster.mapping.notInFile')}</option>
                  {options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
                {sample ? (
                  <small id={`${id}-hint`} className="form-text d-block">
                    {t('roster.mapping.sample', { sample })}
                  </small>
                ) : null}
                {error ? (
                  <div id={`${id}-error`} className="invalid-feedback d-block" role="alert">
                    {t(error)}
                  </div>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      <SubmitButton>{t('roster.mapping.submit')}</SubmitButton>
    </Form>
  );
}
