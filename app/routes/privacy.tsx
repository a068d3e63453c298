import type { MetaFunction } from '@remix-run/node';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'privacy.title');

export default function PrivacyNotice() {
  const t = useT();
  const locale = useLocale();
  return (
    <article className="row">
      <div className="col-12 col-lg-8">
        <h1>{t('privacy.title')}</h1>
        {locale === 'en' ? (
          <>
            <p className="lead">How Conciliamo handles personal data (EU Regulation 2016/679, GDPR).</p>
            <h2 className="h3">Controller</h2>
            <p>The Ambito leading each alliance is the controller for its alliance; companies are controllers for their employees’ data.</p>
            <h2 className="h3">What we keep and why</h2>
            <ul>
              <li>Name, e-mail and role, to give you access and to send you service messages.</li>
              <li>A technical cookie holding your session and one holding your language choice. No profiling or third-party cookies.</li>
              <li>A log of sign-ins and of money and approval actions, kept to protect everyone and to account for public money.</li>
            </ul>
            <h2 className="h3">Where</h2>
            <p>Data stays on the servers chosen by the alliance. Fonts and all resources are served by the platform itself.</p>
            <h2 className="h3">Your rights</h2>
            <p>You can ask for access, correction or deletion of your data by writing to your alliance’s Ambito, and complain to the Garante per la protezione dei dati personali.</p>
          </>
        ) : (
          <>
            <p className="lead">Come Conciliamo tratta i dati personali (Regolamento UE 2016/679, GDPR).</p>
            <h2 className="h3">Titolare</h2>
            <p>L’Ambito capofila è titolare per la propria Alleanza; le aziende sono titolari per i dati dei propri dipendenti.</p>
            <h2 className="h3">Quali dati e perché</h2>
            <ul>
              <li>Nome, e-mail e ruolo, per darti accesso e inviarti le comunicazioni di servizio.</li>
              <li>Un cookie tecnico per la sessione e uno per la lingua scelta. Nessun cookie di profilazione o di terze parti.</li>
              <li>Un registro degli accessi e delle operazioni su denaro e approvazioni, per tutela di tutti e rendicontazione delle risorse pubbliche.</li>
            </ul>
            <h2 className="h3">Dove</h2>
            <p>I dati restano sui server scelti dall’Alleanza. Caratteri e risorse sono serviti dalla piattaforma stessa.</p>
            <h2 className="h3">I tuoi diritti</h2>
            <p>Puoi chiedere accesso, rettifica o cancellazione dei tuoi dati scrivendo all’Ambito della tua Alleanza, e proporre reclamo al Garante per la protezione dei dati personali.</p>
          </>
        )}
      </div>
    </article>
  );
}
