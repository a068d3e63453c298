import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useRef } from 'react';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import {
  AllianceTopUpQuerySchema,
  BankAccountFormSchema,
  ConfirmTopUpFormSchema,
  RejectTopUpFormSchema,
  ResolveAttentionFormSchema,
} from '~/domain/topups/topups.schema';
import {
  confirmBankTransfer,
  getAllianceTopUpPage,
  rejectBankTransfer,
  resolveTopUpAttention,
  saveAllianceBankAccount,
  type AllianceTopUpRow,
} from '~/domain/topups/topups.server';
import { attentionText, AttentionBadge, Reference, TopUpFacts, TopUpStatusBadge } from '~/domain/topups/topups.ui';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatMoney } from '~/ui/format';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextAreaField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { isDomainError, ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// The alliance admin's top-ups: the bank transfers companies declared, to confirm with the bank's
// reference and date (only then is the budget credited) or to reject with a reason; top-ups
// flagged by the Stripe webhook (a refund the budget no longer covered, an amount that did not
// match); the account companies transfer to. ?verifica=<id> opens one top-up; every form works
// without JavaScript. Another alliance's top-up is 404.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'topups.alliance.title');

const PATH = '/alleanza/ricariche';

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const url = new URL(request.url);
  const query = AllianceTopUpQuerySchema.parse(searchParamsObject(url));
  const page = await getAllianceTopUpPage(getDb(), actor, query, url.searchParams.get('verifica'));
  return json({ page, query, today: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()) });
}

type Intent = 'confirm' | 'reject' | 'resolve' | 'bankAccount';
type ActionData =
  | { intent: Intent; ok: false; fieldErrors: Record<string, string>; values: Record<string, string>; formError: string | null }
  | { intent: 'confirm'; ok: true; alreadyConfirmed: boolean; companyName: string; amountCents: number; receiptNumber: string }
  | { intent: 'reject'; ok: true; alreadyRejected: boolean }
  | { intent: 'resolve' | 'bankAccount'; ok: true };

function failure(intent: Intent, fieldErrors: Record<string, string>, values: Record<string, string>, formError: string | null = null, status = 422) {
  return json<ActionData>({ intent, ok: false, fieldErrors, values, formError }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const formData = await request.formData();
  const intent = formData.get('intent');
  const db = getDb();
  const ipAddress = getClientIp(request);
  const typed = Object.fromEntries([...formData.entries()].filter((e): e is [string, string] => typeof e[1] === 'string'));

  const handle = async (name: Intent, run: () => Promise<ActionData>) => {
    try {
      return json<ActionData>(await run());
    } catch (error) {
      if (error instanceof ValidationFailed) return failure(name, error.fieldErrors, typed);
      if (isDomainError(error) && error.status === 409) {
        return failure(name, {}, typed, (error.details as { messageKey?: string } | undefined)?.messageKey ?? 'topups.error.notDeclared', 409);
      }
      throw domainErrorResponse(error);
    }
  };

  switch (intent) {
    case 'confirm': {
      const parsed = await parseForm(formData, ConfirmTopUpFormSchema);
      if (!parsed.ok) return failure('confirm', parsed.fieldErrors, parsed.values);
      return handle('confirm', async () => ({ intent: 'confirm', ok: true, ...(await confirmBankTransfer(db, actor, { ...parsed.data, ipAddress })) }));
    }
    case 'reject': {
      const parsed = await parseForm(formData, RejectTopUpFormSchema);
      if (!parsed.ok) return failure('reject', parsed.fieldErrors, parsed.values);
      return handle('reject', async () => ({ intent: 'reject', ok: true, ...(await rejectBankTransfer(db, actor, { ...parsed.data, ipAddress })) }));
    }
    case 'resolve': {
      const parsed = await parseForm(formData, ResolveAttentionFormSchema);
      if (!parsed.ok) return failure('resolve', parsed.fieldErrors, parsed.values);
      return handle('resolve', async () => {
        await resolveTopUpAttention(db, actor, { ...parsed.data, ipAddress });
        return { intent: 'resolve', ok: true };
      });
    }
    case 'bankAccount': {
      const parsed = await parseForm(formData, BankAccountFormSchema);
      if (!parsed.ok) return failure('bankAccount', parsed.fieldErrors, parsed.values);
      return handle('bankAccount', async () => {
        await saveAllianceBankAccount(db, actor, { ...parsed.data, ipAddress });
        return { intent: 'bankAccount', ok: true };
      });
    }
    default:
      throw new Response('Bad Request', { status: 400 });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function SelectedTopUp({ selected, today, failed, closeHref }: { selected: NonNullable<LoaderData['page']['selected']>; today: string; failed: Extract<ActionData, { ok: false }> | null; closeHref: string }) {
  const t = useT();
  const locale = useLocale();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [selected.id]);
  const amount = formatMoney(selected.amountCents, locale);
  const confirmFailed = failed?.intent === 'confirm' ? failed : null;
  const rejectFailed = failed?.intent === 'reject' ? failed : null;
  const resolveFailed = failed?.intent === 'resolve' ? failed : null;
  const confirmLabels = { bankReference: t('topups.confirm.bankReference'), receivedOn: t('topups.confirm.receivedOn') };
  return (
    <section aria-labelledby="selected-title" className="card border-primary shadow-sm mb-5">
      <div className="card-body">
        <div className="d-flex flex-wrap justify-content-between align-items-start gap-2">
          <h2 id="selected-title" className="h4" ref={headingRef} tabIndex={-1}>
            {selected.companyName} · {amount}
          </h2>
          <Link to={closeHref} className="btn btn-sm btn-outline-primary">
            {t('topups.alliance.close')}
          </Link>
        </div>
        <TopUpFacts data={selected} />

        {selected.needsAttention ? (
          <div className="mb-4">
            <Alert kind="warning">{attentionText(t, selected.attentionReason, selected.refundShortfallCents, locale)}</Alert>
            <h3 className="h5">{t('topups.resolve.title')}</h3>
            <ErrorSummary fieldErrors={resolveFailed?.fieldErrors} labels={{ note: t('topups.resolve.note') }} />
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="resolve" />
              <input type="hidden" name="topUpId" value={selected.id} />
              <TextAreaField name="note" label={t('topups.resolve.note')} hint={t('topups.resolve.noteHint')} required maxLength={500} rows={3} defaultValue={resolveFailed?.values.note ?? ''} error={resolveFailed?.fieldErrors.note} />
              <SubmitButton variant="outline-primary">{t('topups.resolve.submit')}</SubmitButton>
            </Form>
          </div>
        ) : null}

        {selected.method === 'BANK_TRANSFER' && selected.status === 'DECLARED' ? (
          <div className="row g-4">
            <div className="col-12 col-lg-7">
              <h3 className="h5">{t('topups.confirm.title')}</h3>
              <p>{t('topups.confirm.lead', { amount, reference: selected.paymentReference })}</p>
              <ErrorSummary fieldErrors={confirmFailed?.fieldErrors} labels={confirmLabels} />
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="confirm" />
                <input type="hidden" name="topUpId" value={selected.id} />
                <TextField
                  name="bankReference"
                  label={confirmLabels.bankReference}
                  hint={t('topups.confirm.bankReferenceHint')}
                  required
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={60}
                  defaultValue={confirmFailed?.values.bankReference ?? ''}
                  error={confirmFailed?.fieldErrors.bankReference}
                />
                <TextField name="receivedOn" type="date" label={confirmLabels.receivedOn} required defaultValue={confirmFailed?.values.receivedOn ?? today} error={confirmFailed?.fieldErrors.receivedOn} />
                <SubmitButton>{t('topups.confirm.submit')}</SubmitButton>
              </Form>
            </div>
            <div className="col-12 col-lg-5">
              <h3 className="h5">{t('topups.reject.title')}</h3>
              <p>{t('topups.reject.lead')}</p>
              <ErrorSummary fieldErrors={rejectFailed?.fieldErrors} labels={{ reason: t('topups.reject.reason') }} />
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="reject" />
                <input type="hidden" name="topUpId" value={selected.id} />
                <TextAreaField name="reason" label={t('topups.reject.reason')} required maxLength={500} rows={3} defaultValue={rejectFailed?.values.reason ?? ''} error={rejectFailed?.fieldErrors.reason} />
                <SubmitButton variant="outline-danger">{t('topups.reject.submit')}</SubmitButton>
              </Form>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function ActionOutcome({ data }: { data: ActionData | undefined }) {
  const t = useT();
  const locale = useLocale();
  if (!data) return null;
  if (!data.ok) return data.formError ? <Alert kind="danger">{t(data.formError)}</Alert> : null;
  switch (data.intent) {
    case 'confirm':
      return (
        <Alert kind={data.alreadyConfirmed ? 'info' : 'success'}>
          {data.alreadyConfirmed
            ? t('topups.confirm.already', { receipt: data.receiptNumber })
            : t('topups.confirm.done', { company: data.companyName, amount: formatMoney(data.amountCents, locale), receipt: data.receiptNumber })}
        </Alert>
      );
    case 'reject':
      return <Alert kind={data.alreadyRejected ? 'info' : 'success'}>{t(data.alreadyRejected ? 'topups.reject.already' : 'topups.reject.done')}</Alert>;
    case 'resolve':
      return <Alert kind="success">{t('topups.resolve.done')}</Alert>;
    case 'bankAccount':
      return <Alert kind="success">{t('topups.bank.saved')}</Alert>;
  }
}

export default function AllianceTopUps() {
  const { page, query, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const failed = actionData && !actionData.ok ? actionData : null;
  const bankFailed = failed?.intent === 'bankAccount' ? failed : null;
  const bankLabels = { holderName: t('topups.bank.holderName'), iban: t('topups.bank.iban'), bankName: t('topups.bank.bankName') };

  const hrefWith = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) params.delete(key);
      else params.set(key, value);
    }
    const search = params.toString();
    return search ? `${PATH}?${search}` : PATH;
  };
  // The confirmed transfer leaves the list it was in; closing the panel keeps the list as it was.
  const closeHref = hrefWith({ verifica: null });

  const columns = useMemo<ColumnDef<AllianceTopUpRow, unknown>[]>(
    () => [
      { id: 'createdAt', header: t('topups.col.createdAt'), cell: ({ row }) => formatDate(row.original.createdAt, locale) },
      { id: 'company', header: t('topups.col.company'), cell: ({ row }) => row.original.companyName },
      { id: 'amountCents', header: t('topups.col.amount'), cell: ({ row }) => <span className="text-nowrap">{formatMoney(row.original.amountCents, locale)}</span> },
      { id: 'method', header: t('topups.col.method'), cell: ({ row }) => t(`topups.method.${row.original.method}`) },
      { id: 'reference', header: t('topups.col.reference'), cell: ({ row }) => <Reference value={row.original.paymentReference} /> },
      {
        id: 'status',
        header: t('topups.col.status'),
        cell: ({ row }) => (
          <>
            <TopUpStatusBadge status={row.original.status} />
            {row.original.needsAttention ? <AttentionBadge /> : null}
          </>
        ),
      },
      {
        id: 'actions',
        header: t('topups.col.actions'),
        cell: ({ row }) => (
          <Link
            to={hrefWith({ verifica: row.original.id })}
            preventScrollReset
            aria-label={t('topups.alliance.verifyLabel', { reference: row.original.paymentReference, company: row.original.companyName })}
          >
            {t('topups.alliance.verify')}
          </Link>
        ),
      },
    ],
    // hrefWith reads location.search
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, locale, location.search],
  );

  const filters: Array<{ value: (typeof query)['filter']; label: string }> = [
    { value: 'TO_CONFIRM', label: t('topups.alliance.filter.TO_CONFIRM', { count: page.counts.toConfirm }) },
    { value: 'ATTENTION', label: t('topups.alliance.filter.ATTENTION', { count: page.counts.attention }) },
    { value: 'CREDITED', label: t('topups.status.CREDITED') },
    { value: 'PENDING_PAYMENT', label: t('topups.status.PENDING_PAYMENT') },
    { value: 'ALL', label: t('topups.alliance.filter.ALL') },
  ];

  return (
    <>
      <PageHeader title={t('topups.alliance.title')} lead={t('topups.alliance.lead', { alliance: page.allianceName })} />
      <ActionOutcome data={actionData} />
      {page.selected ? <SelectedTopUp selected={page.selected} today={today} failed={failed} closeHref={closeHref} /> : null}

      <nav aria-label={t('topups.alliance.filters')} className="mb-3">
        <ul className="list-inline mb-0">
          {filters.map((f) => (
            <li key={f.value} className="list-inline-item mb-2">
              <Link
                to={`${PATH}?filter=${f.value}`}
                className={`btn btn-sm ${query.filter === f.value ? 'btn-primary' : 'btn-outline-primary'}`}
                aria-current={query.filter === f.value ? 'page' : undefined}
              >
                {f.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <Form method="get" className="row g-2 align-items-end mb-3" role="search">
        <input type="hidden" name="filter" value="ALL" />
        <div className="col-12 col-md-7">
          <TextField
            name="riferimento"
            label={t('topups.alliance.search')}
            hint={t('topups.alliance.searchHint')}
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            defaultValue={query.riferimento ?? ''}
            error={page.referenceSearch?.error ?? undefined}
          />
        </div>
        <div className="col-12 col-md-3 mb-4">
          <button type="submit" className="btn btn-outline-primary">
            {t('topups.alliance.searchSubmit')}
          </button>
        </div>
      </Form>
      {page.referenceSearch && !page.referenceSearch.error && page.topUps.total === 0 ? (
        <Alert kind="info">{t('topups.alliance.searchNone', { reference: page.referenceSearch.value })}</Alert>
      ) : null}

      <DataTable
        caption={t('topups.alliance.caption', { alliance: page.allianceName })}
        columns={columns}
        data={page.topUps.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: page.topUps.page, pages: page.topUps.pages, total: page.topUps.total }}
        sortable={['createdAt', 'company', 'amountCents', 'status']}
        emptyText={t('topups.alliance.empty')}
      />

      <section aria-labelledby="bank-account-title" className="mt-5 mb-5">
        <h2 id="bank-account-title" className="h3">
          {t('topups.bank.title')}
        </h2>
        <p>{t('topups.bank.lead')}</p>
        {page.bankAccount ? null : <Alert kind="warning">{t('topups.bank.none')}</Alert>}
        <ErrorSummary fieldErrors={bankFailed?.fieldErrors} labels={bankLabels} />
        <Form method="post" noValidate className="col-12 col-lg-8" key={page.bankAccount?.ibanRaw ?? 'none'}>
          <input type="hidden" name="intent" value="bankAccount" />
          <TextField name="holderName" label={bankLabels.holderName} required maxLength={200} defaultValue={bankFailed?.values.holderName ?? page.bankAccount?.holderName ?? ''} error={bankFailed?.fieldErrors.holderName} />
          <TextField
            name="iban"
            label={bankLabels.iban}
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            defaultValue={bankFailed?.values.iban ?? page.bankAccount?.iban ?? ''}
            error={bankFailed?.fieldErrors.iban}
          />
          <TextField name="bankName" label={bankLabels.bankName} maxLength={200} defaultValue={bankFailed?.values.bankName ?? page.bankAccount?.bankName ?? ''} error={bankFailed?.fieldErrors.bankName} />
          <SubmitButton variant="outline-primary">{t('topups.bank.submit')}</SubmitButton>
        </Form>
      </section>
    </>
  );
}
