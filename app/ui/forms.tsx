import { useNavigation } from '@remix-run/react';
import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from './i18n';

// Bootstrap Italia form markup with static labels above fields (no JS needed), errors tied to
// their field with aria-describedby, and an error summary that takes focus after a failed submit.

export function fieldId(name: string): string {
  return `field-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

interface FieldBaseProps {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
}

function FieldMessages({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  const t = useT();
  return (
    <>
      {hint ? (
        <small id={`${id}-hint`} className="form-text d-block">
          {hint}
        </small>
      ) : null}
      {error ? (
        <div id={`${id}-error`} className="invalid-feedback d-block" role="alert">
          {t(error)}
        </div>
      ) : null}
    </>
  );
}

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function LabelText({ label, required }: { label: string; required?: boolean }) {
  const t = useT();
  return (
    <>
      {label}
      {required ? (
        <span aria-hidden="true" className="text-danger">
          {' '}
          *
        </span>
      ) : (
        <span className="visually-hidden"> ({t('form.optional')})</span>
      )}
    </>
  );
}

export interface TextFieldProps extends FieldBaseProps {
  type?: 'text' | 'email' | 'password' | 'tel' | 'number' | 'date' | 'search' | 'url';
  autoComplete?: string;
  defaultValue?: string;
  inputMode?: 'text' | 'numeric' | 'email' | 'tel' | 'search' | 'decimal' | 'url' | 'none';
  autoFocus?: boolean;
  maxLength?: number;
  pattern?: string;
  placeholder?: string;
  spellCheck?: boolean;
}

export function TextField({ name, label, error, hint, required, type = 'text', ...rest }: TextFieldProps) {
  const id = fieldId(name);
  return (
    <div className="form-group mb-4">
      <label htmlFor={id} className="active form-label">
        <LabelText label={label} required={required} />
      </label>
      <input
        id={id}
        name={name}
        type={type}
        className={`form-control${error ? ' is-invalid' : ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        required={required}
        {...rest}
      />
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

export interface TextAreaFieldProps extends FieldBaseProps {
  defaultValue?: string;
  rows?: number;
  maxLength?: number;
}

export function TextAreaField({ name, label, error, hint, required, rows = 4, ...rest }: TextAreaFieldProps) {
  const id = fieldId(name);
  return (
    <div className="form-group mb-4">
      <label htmlFor={id} className="active form-label">
        <LabelText label={label} required={required} />
      </label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        className={`form-control${error ? ' is-invalid' : ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        required={required}
        {...rest}
      />
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

export interface SelectFieldProps extends FieldBaseProps {
  options: ReadonlyArray<{ value: string; label: string }>;
  defaultValue?: string;
  placeholder?: string;
}

export function SelectField({ name, label, error, hint, required, options, defaultValue, placeholder }: SelectFieldProps) {
  const id = fieldId(name);
  return (
    <div className="select-wrapper mb-4">
      <label htmlFor={id} className="form-label">
        <LabelText label={label} required={required} />
      </label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue ?? ''}
        className={error ? 'is-invalid' : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        required={required}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

export interface CheckboxFieldProps {
  name: string;
  label: string;
  defaultChecked?: boolean;
  error?: string;
  value?: string;
  hint?: string;
}

export function CheckboxField({ name, label, defaultChecked, error, value = 'on', hint }: CheckboxFieldProps) {
  const id = fieldId(name);
  return (
    <div className="form-check mb-4">
      <input
        id={id}
        name={name}
        type="checkbox"
        value={value}
        defaultChecked={defaultChecked}
        className={error ? 'is-invalid' : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
      />
      <label htmlFor={id}>{label}</label>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

/** Lists every field error as a link to the field; focused after a failed submit. */
export function ErrorSummary({
  fieldErrors,
  labels,
  formError,
}: {
  fieldErrors?: Record<string, string> | null;
  labels?: Record<string, string>;
  formError?: string | null;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(fieldErrors ?? {});
  const hasErrors = entries.length > 0 || Boolean(formError);
  useEffect(() => {
    if (hasErrors) ref.current?.focus();
  }, [hasErrors, fieldErrors, formError]);
  if (!hasErrors) return null;
  return (
    <div ref={ref} className="alert alert-danger mb-4" role="alert" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" className="h5">
        {t('form.errorSummaryTitle')}
      </h2>
      {formError ? <p className="mb-2">{t(formError)}</p> : null}
      {entries.length > 0 ? (
        <>
          <p className="mb-1">{t('form.errorSummaryIntro')}</p>
          <ul className="mb-0">
            {entries.map(([name, message]) => (
              <li key={name}>
                <a href={`#${fieldId(name)}`}>
                  {labels?.[name] ? `${labels[name]}: ` : ''}
                  {t(message)}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function SubmitButton({
  children,
  variant = 'primary',
  name,
  value,
  className,
}: {
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'outline-primary' | 'danger' | 'outline-danger';
  name?: string;
  value?: string;
  className?: string;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting';
  return (
    <button
      type="submit"
      name={name}
      value={value}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      aria-disabled={busy || undefined}
    >
      {children}
    </button>
  );
}

export function Alert({ kind, children, title }: { kind: 'success' | 'danger' | 'info' | 'warning'; children: ReactNode; title?: string }) {
  return (
    <div className={`alert alert-${kind} mb-4`} role={kind === 'danger' || kind === 'warning' ? 'alert' : 'status'}>
      {title ? <h2 className="h5">{title}</h2> : null}
      {children}
    </div>
  );
}

export function PageHeader({ title, lead, children }: { title: string; lead?: ReactNode; children?: ReactNode }) {
  return (
    <div className="mb-4">
      <h1 className="mb-2">{title}</h1>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </div>
  );
}
