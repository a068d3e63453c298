import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { apiKeyRolesFor, displayPrefix } from '~/domain/api-keys/api-keys.fns';
import { CreateApiKeyFormSchema, RevokeApiKeyFormSchema } from '~/domain/api-keys/api-keys.schema';
import { createApiKey, listApiKeys, revokeApiKey } from '~/domain/api-keys/api-keys.server';
import type { RoleName } from '~/domain/auth/roles';
import { formatDate, formatDateTime } from '~/ui/format';
import { Alert, ErrorSummary, PageHeader, SelectField, SubmitButton, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// Settings → API keys of the actor's active organisation: list, create (the key is shown once,
// in the action's answer, never stored in clear), revoke after a confirmation step that works
// without JavaScript (?revoca=<id> shows it, the POST revokes).

const KEY_MANAGER_ROLES: RoleName[] = ['COMPANY_ADMIN', 'PROVIDER_OPERATOR', 'ALLIANCE_ADMIN'];
const PAGE_PATH = '/impostazioni/chiavi-api';
// The action's answer may carry a new key: no cache may keep it.
const NO_STORE = { 'Cache-Control': 'no-store' };

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'apikeys.title');

async function requireKeyManager(request: Request) {
  const actor = await requireMembership(request, { roles: KEY_MANAGER_ROLES });
  return { actor, membership: actor.membership };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { membership } = await requireKeyManager(request);
  const keys = await listApiKeys(getDb(), { organizationId: membership.organizationId });
  const revokeId = new URL(request.url).searchParams.get('revoca');
  const toConfirm = revokeId ? keys.find((k) => k.id === revokeId && !k.revokedAt) : undefined;
  return json(
    {
      organizationName: membership.organizationName,
      roleOptions: apiKeyRolesFor(membership.organizationKind),
      keys: keys.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: displayPrefix(k.prefix),
        role: k.role,
        createdAt: k.createdAt,
        lastUsedAt: k.lastUsedAt,
        revokedAt: k.revokedAt,
      })),
      confirmRevoke: toConfirm ? { id: toConfirm.id, name: toConfirm.name, prefix: displayPrefix(toConfirm.prefix) } : null,
    },
    { headers: NO_STORE },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, membership } = await requireKeyManager(request);
  const formData = await request.formData();
  const intent = formData.get('intent');
  const db = getDb();

  if (intent === 'create') {
    const parsed = await parseForm(formData, CreateApiKeyFormSchema);
    if (!parsed.ok) {
      return json({ intent: 'create' as const, ok: false as const, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 422 });
    }
    try {
      const created = await createApiKey(db, {
        organizationId: membership.organizationId,
        name: parsed.data.name,
        role: parsed.data.role,
        createdById: actor.user.id,
        ipAddress: getClientIp(request),
      });
      return json(
        {
          intent: 'create' as const,
          ok: true as const,
          created: { name: created.name, prefix: displayPrefix(created.prefix), key: created.key, role: created.role },
        },
        { headers: NO_STORE },
      );
    } catch (error) {
      if (error instanceof ValidationFailed) {
        return json(
          { intent: 'create' as const, ok: false as const, fieldErrors: error.fieldErrors, values: { name: parsed.data.name } },
          { status: 422 },
        );
      }
      throw domainErrorResponse(error);
    }
  }

  if (intent === 'revoke') {
    const parsed = await parseForm(formData, RevokeApiKeyFormSchema);
    // Only a tampered form sends a malformed id: answer like a key of another organisation.
    if (!parsed.ok) throw new Response('Not found', { status: 404 });
    try {
      const revoked = await revokeApiKey(db, {
        id: parsed.data.keyId,
        organizationId: membership.organizationId,
        actorUserId: actor.user.id,
        ipAddress: getClientIp(request),
      });
      return json({
        intent: 'revoke' as const,
        ok: true as const,
        revoked: { name: revoked.name, prefix: displayPrefix(revoked.prefix), alreadyRevoked: revoked.alreadyRevoked },
      });
    } catch (error) {
      throw domainErrorResponse(error);
    }
  }

  return json({ intent: null, ok: false as const, formError: 'apikeys.error.unknownIntent' }, { status: 400 });
}

type ActionData =
  | { intent: 'create'; ok: true; created: { name: string; prefix: string; key: string; role: RoleName } }
  | { intent: 'create'; ok: false; fieldErrors: Record<string, string>; values: Record<string, string> }
  | { intent: 'revoke'; ok: true; revoked: { name: string; prefix: string; alreadyRevoked: boolean } }
  | { intent: null; ok: false; formError: string }
  | undefined;

function NewKeyAlert({ created }: { created: { name: string; key: string } }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [created.key]);
  return (
    <Alert kind="success" title={t('apikeys.created.title', { name: created.name })}>
      <p>{t('apikeys.created.body')}</p>
      <label htmlFor="new-api-key" className="form-label fw-semibold">
        {t('apikeys.created.label')}
      </label>
      <div className="d-flex flex-wrap gap-2 align-items-center mb-2">
        <input
          ref={inputRef}
          id="new-api-key"
          className="form-control font-monospace flex-grow-1 w-auto"
          readOnly
          value={created.key}
          aria-describedby="new-api-key-hint"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="btn btn-outline-primary"
          onClick={() => {
            void navigator.clipboard?.writeText(created.key).then(() => setCopied(true));
          }}
        >
          {t('apikeys.created.copy')}
        </button>
      </div>
      <p id="new-api-key-hint" className="small mb-1">
        {t('apikeys.created.copyHint')} {t('apikeys.created.usage')}
      </p>
      <p role="status" className="small mb-0">
        {copied ? t('apikeys.created.copied') : ''}
      </p>
    </Alert>
  );
}

function RevokeConfirmation({ target }: { target: { id: string; name: string; prefix: string } }) {
  const t = useT();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [target.id]);
  return (
    <section className="alert alert-warning mb-4" aria-labelledby="revoke-confirm-title">
      <h2 id="revoke-confirm-title" className="h5" ref={headingRef} tabIndex={-1}>
        {t('apikeys.revoke.confirmTitle', { name: target.name })}
      </h2>
      <p>{t('apikeys.revoke.confirmBody', { prefix: target.prefix })}</p>
      <Form method="post" action={PAGE_PATH} className="d-flex flex-wrap gap-2">
        <input type="hidden" name="intent" value="revoke" />
        <input type="hidden" name="keyId" value={target.id} />
        <SubmitButton variant="danger">
          {t('apikeys.revoke.confirm')}
        </SubmitButton>
        <Link to={PAGE_PATH} className="btn btn-outline-primary">
          {t('apikeys.revoke.cancel')}
        </Link>
      </Form>
    </section>
  );
}

export default function ApiKeysSettings() {
  const { organizationName, roleOptions, keys, confirmRevoke } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData;
  const t = useT();
  const locale = useLocale();

  const created = actionData?.intent === 'create' && actionData.ok ? actionData.created : null;
  const createFailed = actionData?.intent === 'create' && !actionData.ok ? actionData : null;
  const revoked = actionData?.intent === 'revoke' && actionData.ok ? actionData.revoked : null;
  const formError = actionData?.intent === null ? actionData.formError : null;
  const labels = { name: t('apikeys.create.name'), role: t('apikeys.create.role') };

  return (
    <>
      <PageHeader title={t('apikeys.title')} lead={t('apikeys.lead', { organization: organizationName })}>
        <p>
          <a href="/api/v1/openapi.json">{t('apikeys.docs')}</a>
        </p>
      </PageHeader>

      {created ? <NewKeyAlert created={created} /> : null}
      {revoked ? (
        <Alert kind="success">
          {t(revoked.alreadyRevoked ? 'apikeys.revoked.already' : 'apikeys.revoked', { name: revoked.name, prefix: revoked.prefix })}
        </Alert>
      ) : null}
      {formError ? <Alert kind="danger">{t(formError)}</Alert> : null}
      {confirmRevoke ? <RevokeConfirmation target={confirmRevoke} /> : null}

      <section aria-labelledby="api-keys-list-title" className="mb-5">
        <h2 id="api-keys-list-title" className="h3">
          {t('apikeys.list.title')}
        </h2>
        {keys.length === 0 ? (
          <p>{t('apikeys.list.empty')}</p>
        ) : (
          <div className="table-responsive">
            <table className="table">
              <caption className="visually-hidden">{t('apikeys.list.caption', { organization: organizationName })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('apikeys.col.name')}</th>
                  <th scope="col">{t('apikeys.col.prefix')}</th>
                  <th scope="col">{t('apikeys.col.role')}</th>
                  <th scope="col">{t('apikeys.col.created')}</th>
                  <th scope="col">{t('apikeys.col.lastUsed')}</th>
                  <th scope="col">{t('apikeys.col.status')}</th>
                  <th scope="col">{t('apikeys.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id}>
                    <th scope="row">{key.name}</th>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td>{t(`role.${key.role}`)}</td>
                    <td>{formatDate(key.createdAt, locale)}</td>
                    <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt, locale) : t('apikeys.lastUsed.never')}</td>
                    <td>
                      {key.revokedAt ? (
                        <span className="badge bg-secondary">{t('apikeys.status.revoked', { date: formatDate(key.revokedAt, locale) })}</span>
                      ) : (
                        <span className="badge bg-success">{t('apikeys.status.active')}</span>
                      )}
                    </td>
                    <td>
                      {key.revokedAt ? null : (
                        <Link
                          to={`${PAGE_PATH}?revoca=${key.id}`}
                          className="btn btn-outline-danger btn-sm"
                          aria-label={t('apikeys.revoke.buttonLabel', { name: key.name })}
                          preventScrollReset
                        >
                          {t('apikeys.revoke.button')}
                        </Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="api-keys-create-title" className="mb-5">
        <h2 id="api-keys-create-title" className="h3">
          {t('apikeys.create.title')}
        </h2>
        <ErrorSummary fieldErrors={createFailed?.fieldErrors} labels={labels} />
        {/* Keyed by the last created key, so a successful submit starts from an empty form. */}
        <Form method="post" action={PAGE_PATH} noValidate key={created?.prefix ?? 'new'}>
          <input type="hidden" name="intent" value="create" />
          <TextField
            name="name"
            label={labels.name}
            hint={t('apikeys.create.nameHint')}
            required
            maxLength={100}
            autoComplete="off"
            defaultValue={createFailed?.values.name ?? ''}
            error={createFailed?.fieldErrors.name}
          />
          {roleOptions.length > 1 ? (
            <SelectField
              name="role"
              label={labels.role}
              hint={t('apikeys.create.roleHint')}
              options={roleOptions.map((role) => ({ value: role, label: t(`role.${role}`) }))}
              defaultValue={createFailed?.values.role ?? roleOptions[0]}
              error={createFailed?.fieldErrors.role}
            />
          ) : null}
          <SubmitButton>
            {t('apikeys.create.submit')}
          </SubmitButton>
        </Form>
      </section>
    </>
  );
}
