import { Link } from '@remix-run/react';
import { useT } from '~/ui/i18n';

export function Footer({ allianceName }: { allianceName: string | null }) {
  const t = useT();
  return (
    <footer className="it-footer mt-5">
      <div className="it-footer-main">
        <div className="container">
          <div className="row">
            <div className="col-12 col-md-8 pb-3">
              <p className="h4 text-white mt-4">{t('app.name')}</p>
              {allianceName ? <p className="text-white mb-1">{allianceName}</p> : null}
              <p className="text-white">{t('footer.about')}</p>
            </div>
          </div>
        </div>
      </div>
      <div className="it-footer-small-prints clearfix">
        <div className="container">
          <ul className="it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row">
            <li className="list-inline-item">
              <Link to="/accessibilita">{t('footer.accessibility')}</Link>
            </li>
            <li className="list-inline-item">
              <Link to="/privacy">{t('footer.privacy')}</Link>
            </li>
            <li className="list-inline-item">
              <span className="text-white">{t('footer.license')}</span>
            </li>
          </ul>
        </div>
      </div>
    </footer>
  );
}
