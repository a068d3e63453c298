import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { CancelTopUpFormSchema } from '~/domain/topups/topups.schema';
import { cancelDeclaredTopUp, getCompanyTopUp } from '~/domain/topups/topups.server';
import { receiptHref, TopUpFacts } from '~/domain/topups/topups.ui';
import { formatMoney } from '~/ui/format';
import { Alert, PageHeader, SubmitButton } from '~/ui/forms';
import { Icon } from '~/ui/Icon';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { isDomainError } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// One top-up of the company: the transfer details to use (IBAN, holder, causale with the payment
// reference) while it waits for the transfer, the link to Stripe's Checkout while a card or SEPA
// payment is pending, the receipt once credited; the company may withdraw a declared transfer
// (?annulla=1 asks first, without JavaScript). Another company's top-up is 404.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'topups.company.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    const topUp = await getCompanyTopUp(getDb(), actor, params.id ?? '');
    const url = new URL(request.url);
    return json(
      {
        topUp,
        justDeclared: url.searchParams.get('nuova') === '1',
        returned: url.searchParams.get('esito'),
        confirmCancel: url.searchParams.get('annulla') === '1' && topUp.canCancel,
      },
      { headers: { 'Cache-Control': 'private, no-store' } },
    );
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const parsed = await parseForm(request, CancelTopUpFormSchema);
  // Only a tampered form sends another id: answer like a top-up of another company.
  if (!parsed.ok || parsed.data.topUpId !== params.id) throw new Response('Not Found', { status: 404 });
  try {
    await cancelDeclaredTopUp(getDb(), actor, { topUpId: parsed.data.topUpId, ipAddress: getClientIp(request) });
    return json({ cancelled: true as const, error: null });
  } catch (error) {
    if (isDomainError(error) && error.status === 409) {
      const messageKey = (error.details as { messageKey?: string } | undefined)?.messageKey;
      return json({ cancelled: false as const, error: messageKey ?? 'topups.error.notCancellable' }, { status: 409 });
    }
    throw domainErrorResponse(error);
  }
}

function TransferInstructions({ topUp }: { topUp: ReturnType<typeof useLoaderData<typeof loader>>['topUp'] }) {
  const t = useT();
  const locale = useLocale();
  if (!topUp.bankAccount) return <Alert kind="warning">{t('topups.detail.noBankAccount')}</Alert>;
  return (
    <section aria-labelledby="instructions-title" className="card border-primary mb-4">
      <div className="card-body">
        <h2 id="instructions-title" className="h4">
          {t('topups.detail.instructions')}
        </h2>
        <p>{t('topups.detail.instructionsLead', { reference: topUp.paymentReference })}</p>
        <dl className="mb-0">
          <div className="row py-1">
            <dt className="col-12 col-md-3">{t('topups.detail.holder')}</dt>
            <dd className="col-12 col-md-9 mb-1">{topUp.bankAccount.holderName}</dd>
          </div>
          <div className="row py-1">
            <dt className="col-12 col-md-3">{t('topups.detail.iban')}</dt>
            <dd className="col-12 col-md-9 mb-1 font-monospace fs-5" data-testid="transfer-iban">
              {topUp.bankAccount.iban}
            </dd>
          </div>
          {topUp.bankAccount.bankName ? (
            <div className="row py-1">
              <dt className="col-12 col-md-3">{t('topups.detail.bank')}</dt>
              <dd className="col-12 col-md-9 mb-1">{topUp.bankAccount.bankName}</dd>
            </div>
          ) : null}
          <div className="row py-1">
            <dt className="col-12 col-md-3">{t('topups.field.amount')}</dt>
            <dd className="col-12 col-md-9 mb-1 fw-semibold">{formatMoney(topUp.amountCents, locale)}</dd>
          </div>
          <div className="row py-1">
            <dt className="col-12 col-md-3">{t('topups.detail.causale')}</dt>
            <dd className="col-12 col-md-9 mb-0 font-monospace" data-testid="transfer-causale">
              {topUp.causale}
            </dd>
          </div>
        </dl>
      </div>
    </section>
  );
}

function CancelConfirmation({ id, amount, reference }: { id: string; amount: string; reference: string }) {
  const t = useT();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section className="alert alert-warning mb-4" aria-labelledby="cancel-confirm-title">
      <h2 id="cancel-confirm-title" className="h5" ref={headingRef} tabIndex={-1}>
        {t('topups.cancel.confirmTitle', { amount })}
      </h2>
      <p>{t('topups.cancel.confirmBody', { reference })}</p>
      <Form method="post" action={`/azienda/ricariche/${id}`} className="d-flex flex-wrap gap-2">
        <input type="hidden" name="topUpId" value={id} />
        <SubmitButton variant="danger">{t('topups.cancel.confirm')}</SubmitButton>
        <Link to={`/azienda/ricariche/${id}`} className="btn btn-outline-primary">
          {t('topups.cancel.keep')}
        </Link>
      </Form>
    </section>
  );
}

export default function CompanyTopUp() {
  const { topUp, justDeclared, returned, confirmCancel } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const amount = formatMoney(topUp.amountCents, locale);
  const cancelled = actionData?.cancelled === true;

  return (
    <>
      <p className="mb-2">
        <Link to="/azienda/ricariche" className="d-inline-flex align-items-center gap-1">
          <Icon name="it-arrow-left" className="icon-sm icon-primary" />
          {t('topups.detail.back')}
        </Link>
      </p>
      <PageHeader title={t('topups.detail.title', { amount })} lead={topUp.companyName} />

      {cancelled ? <Alert kind="success">{t('topups.cancel.done')}</Alert> : null}
      {actionData?.error ? <Alert kind="danger">{t(actionData.error)}</Alert> : null}
      {justDeclared && topUp.status === 'DECLARED' ? <Alert kind="success">{t('topups.detail.declared')}</Alert> : null}
      {returned === 'completato' && topUp.status === 'PENDING_PAYMENT' ? <Alert kind="info">{t('topups.detail.returnedOk')}</Alert> : null}
      {returned === 'annullato' && topUp.status === 'PENDING_PAYMENT' ? <Alert kind="info">{t('topups.detail.returnedCancelled')}</Alert> : null}
      {confirmCancel && !cancelled ? <CancelConfirmation id={topUp.id} amount={amount} reference={topUp.paymentReference} /> : null}

      {topUp.status === 'DECLARED' && !cancelled ? <TransferInstructions topUp={topUp} /> : null}

      {topUp.checkoutUrl ? (
        <section aria-labelledby="pay-title" className="card border-primary mb-4">
          <div className="card-body">
            <h2 id="pay-title" className="h4">
              {t('topups.detail.payTitle')}
            </h2>
            <p>{t('topups.detail.payLead')}</p>
            <a href={topUp.checkoutUrl} className="btn btn-primary" rel="noreferrer">
              {t('topups.detail.pay')}
            </a>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="facts-title">
        <h2 id="facts-title" className="h4">
          {t('topups.detail.facts')}
        </h2>
        <TopUpFacts data={topUp} receiptLink={topUp.receiptNumber ? receiptHref(topUp.id) : null} />
      </section>

      {topUp.canCancel && !confirmCancel && !cancelled ? (
        <p>
          <Link to={`/azienda/ricariche/${topUp.id}?annulla=1`} className="btn btn-outline-danger" preventScrollReset>
            {t('topups.cancel.button')}
          </Link>
        </p>
      ) : null}
    </>
  );
}
