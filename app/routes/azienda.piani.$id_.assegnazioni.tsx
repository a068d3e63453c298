import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { z } from 'zod';
import { LINE_SORTS } from '~/domain/allocations/allocations.fns';
import {
  commitAllocationRun,
  getAllocationRun,
  listAllocationRuns,
  listRunLines,
  previewAllocationRun,
  type RunLineRow,
  type RunView,
} from '~/domain/allocations/allocations.server';
import { InsufficientFunds } from '~/domain/ledger/ledger.server';
import { getPlanDetail } from '~/domain/plans/plans.server';
import { periodText, PlanStatusBadge, TableRegion } from '~/domain/plans/plans.ui';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '~/ui/format';
import { Alert, PageHeader, SubmitButton } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { isDomainError } from '~/utils/errors.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// Allocation runs of one plan, at /azienda/piani/:id/assegnazioni ("$id_" keeps the page out of
// the plan page's layout): preview (per rule and per employee, the grand total and any shortfall
// against the budget) → commit (one ledger transaction; refused when the budget cannot cover it).
// The run being looked at is in the URL (?esecuzione=<id>), so a refresh or a shared link shows the
// same preview; its lines are a server-side sorted and paged table.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'allocations.title');

const querySchema = z.object({
  esecuzione: z.uuid().optional().catch(undefined),
  esito: z.enum(['confermata', 'gia-confermata']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.enum(LINE_SORTS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = getDb();
  try {
    const detail = await getPlanDetail(db, actor, params.id ?? '');
    const runs = await listAllocationRuns(db, actor, detail.plan.id);
    const run = query.esecuzione ? await getAllocationRun(db, actor, detail.plan.id, query.esecuzione) : null;
    const lines = run ? await listRunLines(db, actor, detail.plan.id, run.id, query) : null;
    return json({ plan: detail.plan, budgetCents: detail.budgetCents, runs, run, lines, query });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('preview') }),
  z.object({ intent: z.literal('commit'), runId: z.uuid() }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const planId = params.id ?? '';
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response('Bad Request', { status: 400 });
  const db = getDb();
  const context = { ipAddress: getClientIp(request) };
  try {
    if (parsed.data.intent === 'preview') {
      const run = await previewAllocationRun(db, actor, planId, context);
      return redirect(`/azienda/piani/${planId}/assegnazioni?esecuzione=${run.id}`);
    }
    const result = await commitAllocationRun(db, actor, planId, parsed.data.runId, context);
    return redirect(`/azienda/piani/${planId}/assegnazioni?esecuzione=${result.run.id}&esito=${result.replayed ? 'gia-confermata' : 'confermata'}`);
  } catch (error) {
    if (error instanceof InsufficientFunds) {
      return json({ error: 'allocations.error.insufficient', shortfallCents: error.shortfallCents }, { status: 409 });
    }
    if (isDomainError(error) && error.status === 409) {
      const messageKey = (error.details as { messageKey?: string } | undefined)?.messageKey ?? 'allocations.error.generic';
      return json({ error: messageKey, shortfallCents: 0 }, { status: 409 });
    }
    throw domainErrorResponse(error);
  }
}

function RunSummary({ run, budgetCents }: { run: RunView; budgetCents: number }) {
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, locale);
  return (
    <>
      <TableRegion label={t('allocations.rules.caption')}>
        <table className="table">
          <caption className="visually-hidden">{t('allocations.rules.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('allocations.rules.rule')}</th>
              <th scope="col" className="text-end">
                {t('allocations.rules.unit')}
              </th>
              <th scope="col" className="text-end">
                {t('allocations.rules.employees')}
              </th>
              <th scope="col" className="text-end">
                {t('allocations.rules.units')}
              </th>
              <th scope="col" className="text-end">
                {t('allocations.rules.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {run.totals.rules.map((rule) => (
              <tr key={rule.ruleId}>
                <th scope="row">
                  {t(`plans.ruleKind.${rule.kind}`)}
                  {rule.employeeCategory ? ` «${rule.employeeCategory}»` : ''}
                </th>
                <td className="text-end">{rule.amountCents !== null ? money(rule.amountCents) : t('allocations.rules.perPerson')}</td>
                <td className="text-end">{formatNumber(rule.employees, locale)}</td>
                <td className="text-end">{formatNumber(rule.units, locale)}</td>
                <td className="text-end">{money(rule.totalCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                {t('allocations.totals.target')}
              </th>
              <td className="text-end">{money(run.totals.targetCents)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={4}>
                {t('allocations.totals.already')}
              </th>
              <td className="text-end">− {money(run.totals.alreadyAllocatedCents)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={4}>
                {t('allocations.totals.thisRun', { employees: formatNumber(run.employeeCount, locale) })}
              </th>
              <td className="text-end fw-bold" data-testid="run-total">
                {money(run.totalCents)}
              </td>
            </tr>
          </tfoot>
        </table>
      </TableRegion>
      <dl className="dl-grid">
        <dt>{t('allocations.summary.asOf')}</dt>
        <dd>{formatDate(run.asOf, locale)}</dd>
        <dt>{t('allocations.summary.eligible')}</dt>
        <dd>{formatNumber(run.totals.eligibleEmployees, locale)}</dd>
        <dt>{t('allocations.summary.budget')}</dt>
        <dd>{money(run.status === 'PREVIEWED' ? budgetCents : run.budgetCents)}</dd>
        {run.totals.aboveTarget > 0 ? (
          <>
            <dt>{t('allocations.summary.aboveTarget')}</dt>
            <dd>{formatNumber(run.totals.aboveTarget, locale)}</dd>
          </>
        ) : null}
      </dl>
    </>
  );
}

export default function AllocationRunsPage() {
  const { plan, budgetCents, runs, run, lines, query } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const shortfall = run ? Math.max(0, run.totalCents - budgetCents) : 0;

  const columns = useMemo<ColumnDef<RunLineRow, unknown>[]>(
    () => [
      { id: 'name', header: () => t('allocations.lines.name'), cell: ({ row }) => row.original.name },
      { id: 'email', header: () => t('allocations.lines.email'), cell: ({ row }) => row.original.email },
      { id: 'target', header: () => t('allocations.lines.target'), cell: ({ row }) => formatMoney(row.original.targetCents, locale) },
      { id: 'already', header: () => t('allocations.lines.already'), cell: ({ row }) => formatMoney(row.original.alreadyCents, locale) },
      { id: 'amount', header: () => t('allocations.lines.amount'), cell: ({ row }) => formatMoney(row.original.amountCents, locale) },
    ],
    [t, locale],
  );

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
          <li className="breadcrumb-item">
            <Link to={`/azienda/piani/${plan.id}`}>{plan.name}</Link>
            <span className="separator" aria-hidden="true">
              /
            </span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {t('allocations.title')}
          </li>
        </ol>
      </nav>
      <PageHeader title={t('allocations.titleFor', { plan: plan.name })} lead={periodText(plan.startsOn, plan.endsOn, locale, t)}>
        <p className="d-flex flex-wrap gap-2 align-items-center">
          <PlanStatusBadge status={plan.status} />
          <span>{t('plans.detail.budget', { amount: formatMoney(budgetCents, locale) })}</span>
          <Link to="/azienda/ricariche">{t('plans.budget.topUps')}</Link>
        </p>
      </PageHeader>

      {failure?.error ? (
        <Alert kind="danger">{t(failure.error, { amount: formatMoney(failure.shortfallCents ?? 0, locale) })}</Alert>
      ) : null}
      {query.esito === 'confermata' ? <Alert kind="success">{t('allocations.committed')}</Alert> : null}
      {query.esito === 'gia-confermata' ? <Alert kind="info">{t('allocations.alreadyCommitted')}</Alert> : null}

      {plan.status === 'ACTIVE' ? (
        <section aria-labelledby="preview-title" className="mb-5">
          <h2 id="preview-title" className="h3">
            {t('allocations.preview.title')}
          </h2>
          <p>{t('allocations.preview.lead')}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="preview" />
            <SubmitButton>{t('allocations.preview.submit')}</SubmitButton>
          </Form>
        </section>
      ) : (
        <Alert kind="info">{t(plan.status === 'DRAFT' ? 'allocations.draftNotice' : 'allocations.closedNotice')}</Alert>
      )}

      {run && lines ? (
        <section aria-labelledby="run-title" className="mb-5">
          <h2 id="run-title" className="h3">
            {t(`allocations.run.title.${run.status}`, { date: formatDateTime(run.createdAt, locale) })}
          </h2>
          {run.status === 'COMMITTED' && run.committedAt ? (
            <p>{t('allocations.run.committedBy', { date: formatDateTime(run.committedAt, locale), name: run.committedByName ?? '—' })}</p>
          ) : null}
          {run.status === 'FAILED' ? <Alert kind="warning">{t('allocations.run.failed', { reason: t(failureReasonKey(run.failureReason)) })}</Alert> : null}
          <RunSummary run={run} budgetCents={budgetCents} />
          {run.status === 'PREVIEWED' ? (
            run.expired ? (
              <Alert kind="warning">{t('allocations.error.expired')}</Alert>
            ) : run.totalCents === 0 ? (
              <Alert kind="info">{t('allocations.nothing')}</Alert>
            ) : shortfall > 0 ? (
              <Alert kind="warning" title={t('allocations.shortfall.title')}>
                <p>{t('allocations.shortfall.body', { amount: formatMoney(shortfall, locale) })}</p>
                <Link to="/azienda/ricariche">{t('plans.budget.topUps')}</Link>
              </Alert>
            ) : (
              <Form method="post" className="mb-4">
                <input type="hidden" name="intent" value="commit" />
                <input type="hidden" name="runId" value={run.id} />
                <p>{t('allocations.commit.explain', { amount: formatMoney(run.totalCents, locale), employees: formatNumber(run.employeeCount, locale) })}</p>
                <SubmitButton>{t('allocations.commit.submit', { amount: formatMoney(run.totalCents, locale) })}</SubmitButton>
              </Form>
            )
          ) : null}
          <h3 className="h4">{t('allocations.lines.title')}</h3>
          <DataTable
            caption={t('allocations.lines.caption')}
            columns={columns}
            data={lines.rows}
            state={{ sort: query.sort, dir: query.dir, page: lines.page, pages: lines.pages, total: lines.total }}
            sortable={LINE_SORTS}
            emptyText={t('allocations.lines.empty')}
            getRowId={(row) => row.membershipId}
          />
        </section>
      ) : null}

      <section aria-labelledby="runs-title" className="mb-5">
        <h2 id="runs-title" className="h3">
          {t('allocations.history.title')}
        </h2>
        {runs.length === 0 ? (
          <p>{t('allocations.history.empty')}</p>
        ) : (
          <TableRegion label={t('allocations.history.caption')}>
            <table className="table">
              <caption className="visually-hidden">{t('allocations.history.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('allocations.col.date')}</th>
                  <th scope="col">{t('allocations.col.status')}</th>
                  <th scope="col" className="text-end">
                    {t('allocations.col.employees')}
                  </th>
                  <th scope="col" className="text-end">
                    {t('allocations.col.total')}
                  </th>
                  <th scope="col">{t('allocations.col.by')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`?esecuzione=${r.id}`} aria-current={r.id === run?.id ? 'true' : undefined}>
                        {formatDateTime(r.createdAt, locale)}
                      </Link>
                    </td>
                    <td>{t(`allocations.status.${r.status}`)}</td>
                    <td className="text-end">{formatNumber(r.employeeCount, locale)}</td>
                    <td className="text-end">{formatMoney(r.totalCents, locale)}</td>
                    <td>{(r.status === 'COMMITTED' ? r.committedByName : r.createdByName) ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </>
  );
}

function failureReasonKey(reason: string | null): string {
  if (!reason) return 'allocations.error.generic';
  if (reason.startsWith('insufficient_funds')) return 'allocations.failure.insufficient';
  if (reason === 'preview_expired') return 'allocations.failure.expired';
  if (reason === 'preview_stale') return 'allocations.failure.stale';
  if (reason === 'nothing_to_allocate') return 'allocations.failure.nothing';
  return 'allocations.error.generic';
}
