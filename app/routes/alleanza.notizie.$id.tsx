import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { NEWS_KINDS } from '~/domain/news/news.fns';
import { MAX_NEWS_BODY, newsFormSchema, newsIntentSchema } from '~/domain/news/news.schema';
import { createNews, getNewsForEditor, setNewsPublished, updateNews } from '~/domain/news/news.server';
import { formatDateTime } from '~/ui/format';
import { Alert, ErrorSummary, PageHeader, SelectField, SubmitButton, TextAreaField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { Conflict } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// /alleanza/notizie/:id — the alliance admin writes a post: edit, save, publish, unpublish.
// /alleanza/notizie/nuova (the same route, id "nuova") writes a new one. Only the ALLIANCE_ADMIN
// of the post's alliance gets here; any other id is 404.

const NEW = 'nuova';
const LIST = '/alleanza/notizie';
const OUTCOMES = ['created', 'saved', 'published', 'unpublished'] as const;

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data?.post ? 'news.edit.title' : 'news.new.title', { title: data?.post?.title ?? '' });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const outcome = new URL(request.url).searchParams.get('esito');
  const headers = { 'Cache-Control': 'private, no-store' };
  if (params.id === NEW) return json({ post: null, outcome: null }, { headers });
  try {
    const post = await getNewsForEditor(getDb(), actor, params.id ?? '');
    return json({ post, outcome: OUTCOMES.find((o) => o === outcome) ?? null }, { headers });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const formData = await request.formData();
  const intent = newsIntentSchema.parse(formData.get('intent'));
  const db = getDb();
  const options = { ipAddress: getClientIp(request) };
  const isNew = params.id === NEW;
  try {
    if (intent === 'unpublish' && !isNew) {
      await setNewsPublished(db, actor, params.id ?? '', false, options);
      return redirect(`${LIST}/${params.id}?esito=unpublished`);
    }
    const parsed = await parseForm(formData, newsFormSchema);
    if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: parsed.values, formError: null as string | null }, { status: 422 });
    if (isNew) {
      const created = await createNews(db, actor, parsed.data, { ...options, publish: intent === 'publish' });
      return redirect(`${LIST}/${created.id}?esito=${intent === 'publish' ? 'published' : 'created'}`);
    }
    const id = params.id ?? '';
    await updateNews(db, actor, id, parsed.data, options);
    if (intent === 'publish') {
      await setNewsPublished(db, actor, id, true, options);
      return redirect(`${LIST}/${id}?esito=published`);
    }
    return redirect(`${LIST}/${id}?esito=saved`);
  } catch (error) {
    if (error instanceof Conflict) {
      return json({ fieldErrors: {} as Record<string, string>, values: {} as Record<string, string>, formError: 'news.error.stale' }, { status: 409 });
    }
    throw domainErrorResponse(error);
  }
}

export default function NewsEditor() {
  const { post, outcome } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const values: Record<string, string | undefined> = actionData?.values ?? {};
  const errors: Record<string, string> = actionData?.fieldErrors ?? {};
  const labels = { kind: t('news.field.kind'), title: t('news.field.title'), body: t('news.field.body') };
  const published = post?.status === 'published';

  return (
    <>
      <nav aria-label={t('catalogue.breadcrumb')} className="breadcrumb-container mb-2">
        <ol className="breadcrumb p-0">
          <li className="breadcrumb-item">
            <Link to="/alleanza">{t('nav.home.alliance')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item">
            <Link to={LIST}>{t('news.admin.title')}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {post ? post.title : t('news.new.title')}
          </li>
        </ol>
      </nav>
      <PageHeader title={post ? t('news.edit.title', { title: post.title }) : t('news.new.title')} lead={t('news.edit.lead')}>
        {post ? (
          <p>
            {published ? (
              <span className="badge bg-success me-2">{t('news.status.publishedOn', { date: formatDateTime(post.publishedAt!, locale) })}</span>
            ) : (
              <span className="badge bg-secondary me-2">{t('news.status.draft')}</span>
            )}
            {published ? <Link to={`/alleanze/${post.allianceSlug}?notizia=${post.slug}`}>{t('news.edit.viewPublic')}</Link> : null}
          </p>
        ) : null}
      </PageHeader>

      {outcome ? <Alert kind="success">{t(`news.outcome.${outcome}`)}</Alert> : null}
      {actionData?.formError ? <Alert kind="danger">{t(actionData.formError)}</Alert> : null}
      <ErrorSummary fieldErrors={errors} labels={labels} />

      <Form method="post" noValidate key={post?.updatedAt ?? 'new'}>
        <SelectField
          name="kind"
          label={labels.kind}
          required
          options={NEWS_KINDS.map((k) => ({ value: k, label: t(`news.kind.${k}`) }))}
          defaultValue={values.kind ?? post?.kind ?? 'NEWS'}
          error={errors.kind}
        />
        <TextField name="title" label={labels.title} required maxLength={200} defaultValue={values.title ?? post?.title ?? ''} error={errors.title} />
        <TextAreaField
          name="body"
          label={labels.body}
          required
          rows={12}
          maxLength={MAX_NEWS_BODY}
          hint={t('news.field.bodyHint')}
          defaultValue={values.body ?? post?.body ?? ''}
          error={errors.body}
        />
        <div className="d-flex flex-wrap gap-2">
          {published ? (
            <>
              <SubmitButton name="intent" value="save">
                {t('news.action.saveChanges')}
              </SubmitButton>
              <SubmitButton name="intent" value="unpublish" variant="outline-danger">
                {t('news.action.unpublish')}
              </SubmitButton>
            </>
          ) : (
            <>
              <SubmitButton name="intent" value="publish">
                {t('news.action.publish')}
              </SubmitButton>
              <SubmitButton name="intent" value="save" variant="outline-primary">
                {t('news.action.saveDraft')}
              </SubmitButton>
            </>
          )}
          <Link to={LIST} className="btn btn-link">
            {t('news.action.back')}
          </Link>
        </div>
      </Form>

      {post ? (
        <section aria-labelledby="preview-title" className="mt-5">
          <h2 id="preview-title" className="h4">
            {t('news.edit.preview')}
          </h2>
          <div className="border rounded p-3">
            <h3 className="h5">{post.title}</h3>
            {/* Rendered on the server from the safe Markdown subset: raw HTML is escaped. */}
            <div dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
          </div>
        </section>
      ) : null}
    </>
  );
}
