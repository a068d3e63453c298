import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { getPaymentGateway, stripeEnabled } from '~/domain/payments/payments.server';
import { TOP_UP_METHODS, type TopUpMethodName } from '~/domain/topups/topups.fns';
import { CompanyTopUpQuerySchema, DeclareTopUpFormSchema } from '~/domain/topups/topups.schema';
import { declareBankTransfer, getCompanyTopUpPage, startStripeCheckout, type TopUpListRow } from '~/domain/topups/topups.server';
import { Reference, receiptHref, TopUpStatusBadge } from '~/domain/topups/topups.ui';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatMoney } from '~/ui/format';
import { Alert, ErrorSummary, fieldId, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { isDomainError, ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp, getRequestLocale } from '~/utils/http.server';

// The company's top-ups: its budget, a new top-up (bank transfer by default; card or SEPA Direct
// Debit through Stripe when configured) and the list with statuses and receipts. Declaring or
// starting a payment leads to the top-up's own page, with the transfer details or the link to
// Stripe's Checkout.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'topups.company.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const query = CompanyTopUpQuerySchema.parse(searchParamsObject(new URL(request.url)));
  return json({ page: await getCompanyTopUpPage(getDb(), actor, query, { stripeEnabled: stripeEnabled() }), query });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const formData = await request.formData();
  const parsed = await parseForm(formData, DeclareTopUpFormSchema);
  if (!parsed.ok) return json({ ok: false as const, fieldErrors: parsed.fieldErrors, values: parsed.values, formError: null }, { status: 422 });
  // What was typed, to refill the form when the domain refuses it.
  const typed: Record<string, string> = { amount: String(formData.get('amount') ?? ''), method: parsed.data.method };
  try {
    if (parsed.data.method === 'BANK_TRANSFER') {
      const created = await declareBankTransfer(getDb(), actor, { amountCents: parsed.data.amount, ipAddress: getClientIp(request) });
      return redirect(`/azienda/ricariche/${created.id}?nuova=1`);
    }
    const started = await startStripeCheckout(getDb(), getPaymentGateway(), actor, {
      amountCents: parsed.data.amount,
      method: parsed.data.method,
      locale: await getRequestLocale(request),
      ipAddress: getClientIp(request),
    });
    return redirect(`/azienda/ricariche/${started.id}`);
  } catch (error) {
    if (error instanceof ValidationFailed) {
      return json({ ok: false as const, fieldErrors: error.fieldErrors, values: typed, formError: null }, { status: 422 });
    }
    if (isDomainError(error) && error.status === 503) {
      return json({ ok: false as const, fieldErrors: {}, values: typed, formError: 'topups.error.providerUnavailable' }, { status: 503 });
    }
    throw domainErrorResponse(error);
  }
}

type ActionData = { ok: false; fieldErrors: Record<string, string>; values: Record<string, string>; formError: string | null };

function MethodChoice({ methods, selected, error }: { methods: TopUpMethodName[]; selected: string; error?: string }) {
  const t = useT();
  const id = fieldId('method');
  if (methods.length === 1) return <input type="hidden" name="method" value={methods[0]} />;
  return (
    <fieldset className="mb-4" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="form-label fs-6 fw-semibold mb-2">{t('topups.new.method')}</legend>
      {methods.map((method, i) => (
        <div className="form-check mb-2" key={method}>
          <input
            id={i === 0 ? id : `${id}-${method}`}
            type="radio"
            name="method"
            value={method}
            defaultChecked={selected === method}
            aria-describedby={`${id}-${method}-hint`}
          />
          <label htmlFor={i === 0 ? id : `${id}-${method}`}>{t(`topups.method.${method}`)}</label>
          <small id={`${id}-${method}-hint`} className="form-text d-block ms-5">
            {t(`topups.new.method.${method}.hint`)}
          </small>
        </div>
      ))}
      {error ? (
        <div id={`${id}-error`} className="invalid-feedback d-block" role="alert">
          {t(error)}
        </div>
      ) : null}
    </fieldset>
  );
}

export default function CompanyTopUps() {
  const { page, query } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const locale = useLocale();
  const methods = TOP_UP_METHODS.filter((m) => (m === 'BANK_TRANSFER' ? page.bankAccount !== null : page.stripeEnabled));
  const failed = actionData && !actionData.ok ? actionData : null;
  const labels = { amount: t('topups.new.amount'), method: t('topups.new.method') };

  const columns = useMemo<ColumnDef<TopUpListRow, unknown>[]>(
    () => [
      { id: 'createdAt', header: t('topups.col.createdAt'), cell: ({ row }) => formatDate(row.original.createdAt, locale) },
      { id: 'amountCents', header: t('topups.col.amount'), cell: ({ row }) => <span className="text-nowrap">{formatMoney(row.original.amountCents, locale)}</span> },
      { id: 'method', header: t('topups.col.method'), cell: ({ row }) => t(`topups.method.${row.original.method}`) },
      { id: 'reference', header: t('topups.col.reference'), cell: ({ row }) => <Reference value={row.original.paymentReference} /> },
      { id: 'status', header: t('topups.col.status'), cell: ({ row }) => <TopUpStatusBadge status={row.original.status} /> },
      {
        id: 'receipt',
        header: t('topups.col.receipt'),
        cell: ({ row }) =>
          row.original.receiptNumber ? (
            <a href={receiptHref(row.original.id)} download aria-label={t('topups.receipt.downloadLabel', { number: row.original.receiptNumber })}>
              {t('topups.receipt.download', { number: row.original.receiptNumber })}
            </a>
          ) : (
            <span aria-hidden="true">—</span>
          ),
      },
      {
        id: 'actions',
        header: t('topups.col.actions'),
        cell: ({ row }) => (
          <Link to={`/azienda/ricariche/${row.original.id}`} aria-label={t('topups.detailsLabel', { reference: row.original.paymentReference })}>
            {t('topups.details')}
          </Link>
        ),
      },
    ],
    [t, locale],
  );

  return (
    <>
      <PageHeader title={t('topups.company.title')} lead={t('topups.company.lead', { company: page.companyName })} />

      <section aria-labelledby="budget-title" className="card shadow-sm mb-5">
        <div className="card-body">
          <h2 id="budget-title" className="h5 mb-1">
            {t('topups.company.balance')}
          </h2>
          <p className="display-6 fw-semibold mb-1" data-testid="budget-balance">
            {formatMoney(page.balanceCents, locale)}
          </p>
          <p className="small text-muted mb-0">{t('topups.company.balanceHint')}</p>
        </div>
      </section>

      <section aria-labelledby="new-topup-title" className="mb-5">
        <h2 id="new-topup-title" className="h3">
          {t('topups.new.title')}
        </h2>
        {methods.length === 0 ? (
          <Alert kind="info">{t('topups.new.unavailable')}</Alert>
        ) : (
          <>
            <ErrorSummary fieldErrors={failed?.fieldErrors} labels={labels} formError={failed?.formError} />
            <Form method="post" noValidate className="col-12 col-lg-8">
              <TextField
                name="amount"
                label={labels.amount}
                hint={t('topups.new.amountHint')}
                required
                inputMode="decimal"
                autoComplete="off"
                maxLength={20}
                defaultValue={failed?.values.amount ?? ''}
                error={failed?.fieldErrors.amount}
              />
              <MethodChoice methods={methods} selected={failed?.values.method ?? methods[0]!} error={failed?.fieldErrors.method} />
              <SubmitButton>{t(methods.length === 1 && methods[0] === 'BANK_TRANSFER' ? 'topups.new.submit.BANK_TRANSFER' : 'topups.new.submit')}</SubmitButton>
            </Form>
          </>
        )}
      </section>

      <section aria-labelledby="topups-list-title" className="mb-5">
        <h2 id="topups-list-title" className="h3">
          {t('topups.list.title')}
        </h2>
        <DataTable
          caption={t('topups.list.caption', { company: page.companyName })}
          columns={columns}
          data={page.topUps.rows}
          getRowId={(row) => row.id}
          state={{ sort: query.sort, dir: query.dir, page: page.topUps.page, pages: page.topUps.pages, total: page.topUps.total }}
          sortable={['createdAt', 'amountCents', 'status']}
          emptyText={t('topups.list.empty')}
        />
      </section>
    </>
  );
}
