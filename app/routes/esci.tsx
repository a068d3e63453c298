import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { logout } from '~/domain/auth/auth.server';
import { PageHeader, SubmitButton } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getSessionState } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { getClientIp } from '~/utils/http.server';
import { clearSessionCookie, readSessionId } from '~/utils/session.server';

// Logging out changes state, so it is a POST (a link or an image elsewhere cannot sign anyone
// out); a GET only shows the confirmation button.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.logout.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const state = await getSessionState(request);
  return json({ signedIn: state.status !== 'anonymous' });
}

export async function action({ request }: ActionFunctionArgs) {
  const sessionId = await readSessionId(request);
  if (sessionId) await logout(getDb(), { sessionId, ipAddress: getClientIp(request) });
  return redirect('/accedi?uscito=1', { headers: { 'Set-Cookie': await clearSessionCookie() } });
}

export default function LogoutPage() {
  const { signedIn } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeader title={t('auth.logout.title')} lead={signedIn ? t('auth.logout.lead') : t('auth.logout.notSignedIn')} />
        {signedIn ? (
          <Form method="post">
            <SubmitButton>{t('auth.logout.submit')}</SubmitButton>
          </Form>
        ) : (
          <Link to="/accedi" className="btn btn-primary">
            {t('nav.login')}
          </Link>
        )}
      </div>
    </div>
  );
}
