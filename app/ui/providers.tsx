import type { ReactNode } from 'react';
import { formatIban, PROVIDER_KINDS, type ProviderStatusName } from '~/domain/providers/providers.fns';
import { UPLOAD_ACCEPT_ATTRIBUTE } from '~/domain/storage/limits';
import { formatDate, formatDateTime, formatNumber } from './format';
import { fieldId, SelectField, TextAreaField, TextField, CheckboxField } from './forms';
import { useLocale, useT } from './i18n';

// Pieces shared by the providers' pages: the adhesion form (/aderisci), the provider's own profile
// (/ente/profilo) and the curator's review (/ambito/enti). Browser-safe: only pure imports.

export type FormValues = Record<string, string | string[] | undefined>;

export interface AmbitoComuni {
  id: string;
  name: string;
  comuni: Array<{ id: string; name: string }>;
}

export interface DocumentView {
  id: string;
  kind: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
}

const STATUS_BADGE: Record<ProviderStatusName, string> = {
  PENDING: 'bg-warning text-dark',
  CHANGES_REQUESTED: 'bg-info text-dark',
  ADMITTED: 'bg-success',
  REJECTED: 'bg-danger',
  SUSPENDED: 'bg-secondary',
};

export function ProviderStatusBadge({ status }: { status: ProviderStatusName }) {
  const t = useT();
  return <span className={`badge ${STATUS_BADGE[status]}`}>{t(`providers.status.${status}`)}</span>;
}

function text(values: FormValues, name: string): string {
  const v = values[name];
  return typeof v === 'string' ? v : '';
}

function list(values: FormValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : [];
}

/** The labels of every field, for the error summary. */
export function useProviderFieldLabels(): Record<string, string> {
  const t = useT();
  return {
    legalName: t('providers.field.legalName'),
    providerKind: t('providers.field.providerKind'),
    codiceFiscale: t('providers.field.codiceFiscale'),
    partitaIva: t('providers.field.partitaIva'),
    registeredOffice: t('providers.field.registeredOffice'),
    accreditationRef: t('providers.field.accreditationRef'),
    alsoEmployer: t('providers.field.alsoEmployer'),
    website: t('providers.field.website'),
    description: t('providers.field.description'),
    comuneIds: t('providers.field.comuni'),
    iban: t('providers.field.iban'),
    contactGivenName: t('providers.field.contactGivenName'),
    contactFamilyName: t('providers.field.contactFamilyName'),
    contactEmail: t('providers.field.contactEmail'),
    contactPhone: t('providers.field.contactPhone'),
    documentSTATUTO: t('providers.document.STATUTO'),
    documentACCREDITAMENTO: t('providers.document.ACCREDITAMENTO'),
    documentVISURA: t('providers.document.VISURA'),
    documentOTHER: t('providers.document.OTHER'),
    removeDocumentIds: t('providers.field.removeDocuments'),
    privacy: t('providers.field.privacy'),
  };
}

function Section({ id, title, children, lead }: { id: string; title: string; lead?: string; children: ReactNode }) {
  return (
    <fieldset className="mb-5" aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`} className="h4 mb-3 float-none w-auto px-0">
        {title}
      </legend>
      {lead ? <p>{lead}</p> : null}
      {children}
    </fieldset>
  );
}

/** The body itself: name, kind, registered office, accreditation, description. */
export function OrganisationFields({
  values,
  errors,
  taxIds,
}: {
  values: FormValues;
  errors: Record<string, string>;
  /** Editable tax ids (adhesion) or the registered ones, shown read-only (corrections). */
  taxIds: 'editable' | { codiceFiscale: string; partitaIva: string | null };
}) {
  const t = useT();
  return (
    <Section id="provider-organisation" title={t('providers.section.organisation')}>
      <TextField name="legalName" label={t('providers.field.legalName')} required maxLength={200} autoComplete="organization" defaultValue={text(values, 'legalName')} error={errors.legalName} />
      <SelectField
        name="providerKind"
        label={t('providers.field.providerKind')}
        required
        placeholder={t('providers.field.providerKindPlaceholder')}
        options={PROVIDER_KINDS.map((kind) => ({ value: kind, label: t(`providers.kind.${kind}`) }))}
        defaultValue={text(values, 'providerKind')}
        error={errors.providerKind}
      />
      {taxIds === 'editable' ? (
        <div className="row">
          <div className="col-12 col-md-6">
            <TextField
              name="codiceFiscale"
              label={t('providers.field.codiceFiscale')}
              hint={t('providers.field.codiceFiscaleHint')}
              required
              maxLength={20}
              autoComplete="off"
              spellCheck={false}
              defaultValue={text(values, 'codiceFiscale')}
              error={errors.codiceFiscale}
            />
          </div>
          <div className="col-12 col-md-6">
            <TextField
              name="partitaIva"
              label={t('providers.field.partitaIva')}
              hint={t('providers.field.partitaIvaHint')}
              maxLength={16}
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              defaultValue={text(values, 'partitaIva')}
              error={errors.partitaIva}
            />
          </div>
        </div>
      ) : (
        <dl className="dl-grid mb-4">
          <dt>{t('providers.field.codiceFiscale')}</dt>
          <dd className="font-monospace">{taxIds.codiceFiscale}</dd>
          {taxIds.partitaIva ? (
            <>
              <dt>{t('providers.field.partitaIva')}</dt>
              <dd className="font-monospace">{taxIds.partitaIva}</dd>
            </>
          ) : null}
        </dl>
      )}
      <TextField
        name="registeredOffice"
        label={t('providers.field.registeredOffice')}
        hint={t('providers.field.registeredOfficeHint')}
        required
        maxLength={300}
        autoComplete="street-address"
        defaultValue={text(values, 'registeredOffice')}
        error={errors.registeredOffice}
      />
      <TextField
        name="accreditationRef"
        label={t('providers.field.accreditationRef')}
        hint={t('providers.field.accreditationRefHint')}
        maxLength={200}
        defaultValue={text(values, 'accreditationRef')}
        error={errors.accreditationRef}
      />
      <CheckboxField
        name="alsoEmployer"
        label={t('providers.field.alsoEmployer')}
        hint={t('providers.field.alsoEmployerHint')}
        defaultChecked={text(values, 'alsoEmployer') === 'on' || text(values, 'alsoEmployer') === 'true'}
        error={errors.alsoEmployer}
      />
    </Section>
  );
}

/** Public presentation: website and description (safe Markdown). */
export function PresentationFields({ values, errors }: { values: FormValues; errors: Record<string, string> }) {
  const t = useT();
  return (
    <Section id="provider-presentation" title={t('providers.section.presentation')} lead={t('providers.section.presentationLead')}>
      <TextField name="website" type="url" label={t('providers.field.website')} hint={t('providers.field.websiteHint')} maxLength={300} autoComplete="url" defaultValue={text(values, 'website')} error={errors.website} />
      <TextAreaField name="description" label={t('providers.field.description')} hint={t('providers.field.descriptionHint')} rows={6} maxLength={2000} defaultValue={text(values, 'description')} error={errors.description} />
    </Section>
  );
}

/** "Comuni served": one group of checkboxes per Ambito. */
export function ComuniFieldset({ ambiti, values, error }: { ambiti: AmbitoComuni[]; values: FormValues; error?: string }) {
  const t = useT();
  const selected = new Set(list(values, 'comuneIds'));
  const id = fieldId('comuneIds');
  return (
    <fieldset id={id} tabIndex={-1} className="mb-5" aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
      <legend className="h4 mb-2 float-none w-auto px-0">
        {t('providers.field.comuni')}
        <span aria-hidden="true" className="text-danger">
          {' '}
          *
        </span>
      </legend>
      <p id={`${id}-hint`} className="form-text">
        {t('providers.field.comuniHint')}
      </p>
      {error ? (
        <div id={`${id}-error`} className="invalid-feedback d-block mb-2" role="alert">
          {t(error)}
        </div>
      ) : null}
      {ambiti.map((ambito) => (
        <fieldset key={ambito.id} className="mb-3">
          <legend className="h6 float-none w-auto px-0">{ambito.name}</legend>
          <div className="row">
            {ambito.comuni.map((comune) => (
              <div key={comune.id} className="col-12 col-sm-6 col-lg-4">
                <div className="form-check my-1">
                  <input id={`comune-${comune.id}`} type="checkbox" name="comuneIds" value={comune.id} defaultChecked={selected.has(comune.id)} />
                  <label htmlFor={`comune-${comune.id}`}>{comune.name}</label>
                </div>
              </div>
            ))}
          </div>
        </fieldset>
      ))}
    </fieldset>
  );
}

/** Contact person and payments. */
export function ContactFields({ values, errors }: { values: FormValues; errors: Record<string, string> }) {
  const t = useT();
  return (
    <>
      <Section id="provider-contact" title={t('providers.section.contact')} lead={t('providers.section.contactLead')}>
        <div className="row">
          <div className="col-12 col-md-6">
            <TextField name="contactGivenName" label={t('providers.field.contactGivenName')} required maxLength={100} autoComplete="given-name" defaultValue={text(values, 'contactGivenName')} error={errors.contactGivenName} />
          </div>
          <div className="col-12 col-md-6">
            <TextField name="contactFamilyName" label={t('providers.field.contactFamilyName')} required maxLength={100} autoComplete="family-name" defaultValue={text(values, 'contactFamilyName')} error={errors.contactFamilyName} />
          </div>
          <div className="col-12 col-md-6">
            <TextField name="contactEmail" type="email" label={t('providers.field.contactEmail')} hint={t('providers.field.contactEmailHint')} required maxLength={254} autoComplete="email" defaultValue={text(values, 'contactEmail')} error={errors.contactEmail} />
          </div>
          <div className="col-12 col-md-6">
            <TextField name="contactPhone" type="tel" label={t('providers.field.contactPhone')} maxLength={20} autoComplete="tel" defaultValue={text(values, 'contactPhone')} error={errors.contactPhone} />
          </div>
        </div>
      </Section>
      <Section id="provider-payments" title={t('providers.section.payments')}>
        <TextField
          name="iban"
          label={t('providers.field.iban')}
          hint={t('providers.field.ibanHint')}
          required
          maxLength={40}
          autoComplete="off"
          spellCheck={false}
          defaultValue={text(values, 'iban')}
          error={errors.iban}
        />
      </Section>
    </>
  );
}

export function FileField({ name, label, hint, error, multiple }: { name: string; label: string; hint?: string; error?: string; multiple?: boolean }) {
  const t = useT();
  const id = fieldId(name);
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="mb-4">
      <label htmlFor={id} className="form-label fw-semibold d-block">
        {label}
        <span className="visually-hidden"> ({t('form.optional')})</span>
      </label>
      <input
        id={id}
        name={name}
        type="file"
        className={`form-control${error ? ' is-invalid' : ''}`}
        accept={UPLOAD_ACCEPT_ATTRIBUTE}
        multiple={multiple}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
      />
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
    </div>
  );
}

/** One file input per document kind. */
export function DocumentInputs({ errors, lead }: { errors: Record<string, string>; lead: string }) {
  const t = useT();
  return (
    <Section id="provider-documents" title={t('providers.section.documents')} lead={lead}>
      <p className="small">{t('upload.rules')}</p>
      <FileField name="documentSTATUTO" label={t('providers.document.STATUTO')} hint={t('providers.document.STATUTOHint')} error={errors.documentSTATUTO} />
      <FileField name="documentVISURA" label={t('providers.document.VISURA')} hint={t('providers.document.VISURAHint')} error={errors.documentVISURA} />
      <FileField name="documentACCREDITAMENTO" label={t('providers.document.ACCREDITAMENTO')} hint={t('providers.document.ACCREDITAMENTOHint')} error={errors.documentACCREDITAMENTO} />
      <FileField name="documentOTHER" label={t('providers.document.OTHER')} hint={t('providers.document.OTHERHint')} error={errors.documentOTHER} multiple />
    </Section>
  );
}

function fileSize(bytes: number, locale: 'it' | 'en'): string {
  if (bytes < 1024 * 1024) return `${formatNumber(Math.max(1, Math.round(bytes / 1024)), locale)} KB`;
  return `${(bytes / (1024 * 1024)).toLocaleString(locale === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: 1 })} MB`;
}

/** The provider's documents with authorised download links; optionally a "remove" checkbox each. */
export function DocumentsTable({ documents, removable, caption }: { documents: DocumentView[]; removable?: boolean; caption: string }) {
  const t = useT();
  const locale = useLocale();
  if (documents.length === 0) return <p>{t('providers.documents.none')}</p>;
  return (
    <div className="table-responsive mb-4">
      <table className="table align-middle">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('providers.documents.kind')}</th>
            <th scope="col">{t('providers.documents.file')}</th>
            <th scope="col">{t('providers.documents.size')}</th>
            <th scope="col">{t('providers.documents.uploaded')}</th>
            {removable ? <th scope="col">{t('providers.documents.remove')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {documents.map((d) => (
            <tr key={d.id}>
              <td>{t(`providers.document.${d.kind}`)}</td>
              <td>
                <a href={`/documenti/${d.id}`} download>
                  {d.fileName}
                  <span className="visually-hidden"> ({t('providers.documents.download')})</span>
                </a>
              </td>
              <td>{fileSize(d.sizeBytes, locale)}</td>
              <td>{formatDate(d.createdAt, locale)}</td>
              {removable ? (
                <td>
                  <div className="form-check my-0">
                    <input id={`remove-${d.id}`} type="checkbox" name="removeDocumentIds" value={d.id} />
                    <label htmlFor={`remove-${d.id}`}>
                      <span className="visually-hidden">{t('providers.documents.removeLabel', { file: d.fileName })}</span>
                      <span aria-hidden="true">{t('providers.documents.remove')}</span>
                    </label>
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface ProviderDetailsView {
  legalName: string;
  codiceFiscale: string;
  partitaIva: string | null;
  providerKind: string;
  registeredOffice: string;
  accreditationRef: string | null;
  alsoEmployer: boolean;
  website: string | null;
  iban: string;
  contactGivenName: string;
  contactFamilyName: string;
  contactEmail: string;
  contactPhone: string | null;
  submittedAt: string;
  decidedAt: string | null;
  comuni: Array<{ id: string; name: string }>;
  descriptionHtml: string;
}

/** Everything the curator (or the provider) needs to read about an application. */
export function ProviderDetails({ provider }: { provider: ProviderDetailsView }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <section aria-labelledby="provider-details-title" className="mb-5">
        <h2 id="provider-details-title" className="h3">
          {t('providers.section.organisation')}
        </h2>
        <dl className="dl-grid">
          <dt>{t('providers.field.legalName')}</dt>
          <dd>{provider.legalName}</dd>
          <dt>{t('providers.field.providerKind')}</dt>
          <dd>{t(`providers.kind.${provider.providerKind}`)}</dd>
          <dt>{t('providers.field.codiceFiscale')}</dt>
          <dd className="font-monospace">{provider.codiceFiscale}</dd>
          {provider.partitaIva ? (
            <>
              <dt>{t('providers.field.partitaIva')}</dt>
              <dd className="font-monospace">{provider.partitaIva}</dd>
            </>
          ) : null}
          <dt>{t('providers.field.registeredOffice')}</dt>
          <dd>{provider.registeredOffice}</dd>
          <dt>{t('providers.field.accreditationRef')}</dt>
          <dd>{provider.accreditationRef ?? '—'}</dd>
          <dt>{t('providers.field.alsoEmployerShort')}</dt>
          <dd>{t(provider.alsoEmployer ? 'providers.yes' : 'providers.no')}</dd>
          <dt>{t('providers.field.website')}</dt>
          <dd>
            {provider.website ? (
              <a href={provider.website} rel="nofollow noopener noreferrer">
                {provider.website}
              </a>
            ) : (
              '—'
            )}
          </dd>
          <dt>{t('providers.field.iban')}</dt>
          <dd className="font-monospace">{formatIban(provider.iban)}</dd>
          <dt>{t('providers.field.submittedAt')}</dt>
          <dd>{formatDateTime(provider.submittedAt, locale)}</dd>
          {provider.decidedAt ? (
            <>
              <dt>{t('providers.field.decidedAt')}</dt>
              <dd>{formatDateTime(provider.decidedAt, locale)}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section aria-labelledby="provider-contact-title" className="mb-5">
        <h2 id="provider-contact-title" className="h3">
          {t('providers.section.contact')}
        </h2>
        <dl className="dl-grid">
          <dt>{t('providers.field.contactName')}</dt>
          <dd>
            {provider.contactGivenName} {provider.contactFamilyName}
          </dd>
          <dt>{t('providers.field.contactEmail')}</dt>
          <dd>
            <a href={`mailto:${provider.contactEmail}`}>{provider.contactEmail}</a>
          </dd>
          <dt>{t('providers.field.contactPhone')}</dt>
          <dd>{provider.contactPhone ?? '—'}</dd>
        </dl>
      </section>
      <section aria-labelledby="provider-comuni-title" className="mb-5">
        <h2 id="provider-comuni-title" className="h3">
          {t('providers.field.comuni')}
        </h2>
        {provider.comuni.length ? <p>{provider.comuni.map((c) => c.name).join(', ')}</p> : <p>—</p>}
      </section>
      <section aria-labelledby="provider-description-title" className="mb-5">
        <h2 id="provider-description-title" className="h3">
          {t('providers.field.description')}
        </h2>
        {provider.descriptionHtml ? (
          // Rendered on the server by renderSafeMarkdown: HTML in the text is escaped, never interpreted.
          <div className="provider-description" dangerouslySetInnerHTML={{ __html: provider.descriptionHtml }} />
        ) : (
          <p>—</p>
        )}
      </section>
    </>
  );
}

export interface DecisionView {
  id: string;
  decision: string;
  toStatus: string;
  reason: string | null;
  createdAt: string;
  actorName: string | null;
}

export function DecisionHistory({ decisions }: { decisions: DecisionView[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="provider-history-title" className="mb-5">
      <h2 id="provider-history-title" className="h3">
        {t('providers.history.title')}
      </h2>
      {decisions.length === 0 ? (
        <p>{t('providers.history.empty')}</p>
      ) : (
        <ol className="list-unstyled">
          {decisions.map((d) => (
            <li key={d.id} className="border-start border-3 ps-3 mb-3">
              <p className="mb-1">
                <strong>{t(`providers.decisionDone.${d.decision}`)}</strong> — {formatDateTime(d.createdAt, locale)}
                {d.actorName ? ` · ${d.actorName}` : ''}
              </p>
              {d.reason ? <p className="mb-0 text-break">{d.reason}</p> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
