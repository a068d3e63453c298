import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useRef } from 'react';
import type { RoleName } from '~/domain/auth/roles';
import { DataTable } from './DataTable';
import { formatDate, formatNumber } from './format';
import { Alert, ErrorSummary, PageHeader, SelectField, SubmitButton, TextField } from './forms';
import { useLocale, useT } from './i18n';

export interface OrganizationView {
  kind: string;
  legalName: string;
  codiceFiscale: string;
  partitaIva: string | null;
  comuneName: string | null;
  ambitoName: string | null;
  allianceName: string;
  activeMembers: number;
}

export function OrganizationDetails({ organization, role }: { organization: OrganizationView; role: RoleName }) {
  const t = useT();
  return (
    <section className="card-wrapper card-space mb-4" aria-labelledby="organization-title">
      <div className="card card-bg no-after">
        <div className="card-body">
          <h2 id="organization-title" className="h4 card-title">
            {organization.legalName}
          </h2>
          <dl className="dl-grid mb-0">
            <dt>{t('home.role')}</dt>
            <dd>{t(`role.${role}`)}</dd>
            <dt>{t('organizations.kind')}</dt>
            <dd>{t(`orgKind.${organization.kind}`)}</dd>
            <dt>{t('home.alliance')}</dt>
            <dd>{organization.allianceName}</dd>
            {organization.ambitoName ? (
              <>
                <dt>{t('home.ambito')}</dt>
                <dd>{organization.ambitoName}</dd>
              </>
            ) : null}
            {organization.comuneName ? (
              <>
                <dt>{t('home.comune')}</dt>
                <dd>{organization.comuneName}</dd>
              </>
            ) : null}
            <dt>{t('home.taxId')}</dt>
            <dd className="font-monospace">{organization.codiceFiscale}</dd>
            {organization.partitaIva ? (
              <>
                <dt>{t('home.vat')}</dt>
                <dd className="font-monospace">{organization.partitaIva}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </div>
    </section>
  );
}

export function StatCards({ items }: { items: Array<{ label: string; value: number }> }) {
  const locale = useLocale();
  return (
    <ul className="row list-unstyled g-3 mb-4">
      {items.map((item) => (
        <li key={item.label} className="col-6 col-lg-3">
          <div className="card stat-card shadow-sm h-100">
            <div className="card-body">
              <p className="h2 mb-0">{formatNumber(item.value, locale)}</p>
              <p className="mb-0 text-muted">{item.label}</p>
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function SecurityCard({ totpEnabled }: { totpEnabled: boolean }) {
  const t = useT();
  return (
    <section className="callout mb-4" aria-labelledby="security-title">
      <div className="callout-title" id="security-title">
        {t('home.security')}
      </div>
      <p>{t(totpEnabled ? 'home.security.totpOn' : 'home.security.totpOff')}</p>
      <Link to="/profilo/sicurezza">{t('home.security.manage')}</Link>
    </section>
  );
}

export interface MemberRow {
  id: string;
  name: string;
  email: string;
  role: string;
  status: string;
  createdAt: string;
}

export interface MembersSectionData {
  members: { rows: MemberRow[]; total: number; page: number; pages: number };
  query: { q?: string; sort: string; dir: 'asc' | 'desc' };
  invitableRoles: RoleName[];
}

type InviteActionData =
  | { ok: true; invited: string }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, string> }
  | undefined;

export function MembersSection({ data }: { data: MembersSectionData }) {
  const t = useT();
  const locale = useLocale();
  const actionData = useActionData() as InviteActionData;
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (actionData?.ok && navigation.state === 'idle') formRef.current?.reset();
  }, [actionData, navigation.state]);

  const columns = useMemo<ColumnDef<MemberRow, unknown>[]>(
    () => [
      { id: 'name', header: t('members.name'), accessorKey: 'name' },
      { id: 'email', header: t('members.email'), accessorKey: 'email' },
      { id: 'role', header: t('members.role'), cell: ({ row }) => t(`role.${row.original.role}`) },
      {
        id: 'status',
        header: t('members.status'),
        cell: ({ row }) => (
          <span className={`badge ${row.original.status === 'ACTIVE' ? 'bg-success' : row.original.status === 'INVITED' ? 'bg-secondary' : 'bg-danger'}`}>
            {t(`membershipStatus.${row.original.status}`)}
          </span>
        ),
      },
      { id: 'createdAt', header: t('members.since'), cell: ({ row }) => formatDate(row.original.createdAt, locale) },
    ],
    [t, locale],
  );

  const failed = actionData && !actionData.ok ? actionData : undefined;
  const labels = {
    email: t('members.invite.email'),
    givenName: t('members.invite.givenName'),
    familyName: t('members.invite.familyName'),
    role: t('members.invite.role'),
  };

  return (
    <>
      <section aria-labelledby="members-title" className="mb-5">
        <h2 id="members-title" className="h3">
          {t('members.title')}
        </h2>
        <Form method="get" className="row g-2 align-items-end mb-3" role="search">
          <div className="col-12 col-md-6">
            <TextField name="q" type="search" label={t('members.search')} defaultValue={data.query.q ?? ''} />
          </div>
          <input type="hidden" name="sort" value={data.query.sort} />
          <input type="hidden" name="dir" value={data.query.dir} />
          <div className="col-12 col-md-3 mb-4">
            <button type="submit" className="btn btn-outline-primary">
              {t('table.filter')}
            </button>
          </div>
        </Form>
        <DataTable
          caption={t('members.title')}
          columns={columns}
          data={data.members.rows}
          getRowId={(row) => row.id}
          state={{ sort: data.query.sort, dir: data.query.dir, page: data.members.page, pages: data.members.pages, total: data.members.total }}
          sortable={['name', 'email', 'role', 'status', 'createdAt']}
          emptyText={t('members.empty')}
        />
      </section>
      {data.invitableRoles.length > 0 ? (
        <section aria-labelledby="invite-title" className="mb-5">
          <h2 id="invite-title" className="h3">
            {t('members.invite.title')}
          </h2>
          <p>{t('members.invite.lead')}</p>
          {actionData?.ok ? <Alert kind="success">{t('members.invite.sent', { email: actionData.invited })}</Alert> : null}
          <ErrorSummary fieldErrors={failed?.fieldErrors} labels={labels} />
          <Form method="post" noValidate ref={formRef} className="row">
            <input type="hidden" name="intent" value="invite" />
            <div className="col-12 col-md-6">
              <TextField name="givenName" label={labels.givenName} required autoComplete="off" defaultValue={failed?.values.givenName} error={failed?.fieldErrors.givenName} />
            </div>
            <div className="col-12 col-md-6">
              <TextField name="familyName" label={labels.familyName} required autoComplete="off" defaultValue={failed?.values.familyName} error={failed?.fieldErrors.familyName} />
            </div>
            <div className="col-12 col-md-6">
              <TextField name="email" type="email" label={labels.email} required autoComplete="off" inputMode="email" defaultValue={failed?.values.email} error={failed?.fieldErrors.email} />
            </div>
            <div className="col-12 col-md-6">
              <SelectField
                name="role"
                label={labels.role}
                required
                options={data.invitableRoles.map((role) => ({ value: role, label: t(`role.${role}`) }))}
                defaultValue={failed?.values.role ?? data.invitableRoles[0]}
                error={failed?.fieldErrors.role}
              />
            </div>
            <div className="col-12">
              <SubmitButton>{t('members.invite.submit')}</SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/** The home of an organisation's own staff: its details, account security and its people. */
export function OrganizationHome({
  titleKey,
  leadKey,
  data,
}: {
  titleKey: string;
  leadKey: string;
  data: { organization: OrganizationView; members: MembersSectionData; role: RoleName; totpEnabled: boolean };
}) {
  const t = useT();
  return (
    <>
      <PageHeader title={t(titleKey)} lead={t(leadKey)} />
      <div className="row">
        <div className="col-12 col-lg-8">
          <OrganizationDetails organization={data.organization} role={data.role} />
        </div>
        <div className="col-12 col-lg-4">
          <SecurityCard totpEnabled={data.totpEnabled} />
        </div>
      </div>
      <MembersSection data={data.members} />
    </>
  );
}
