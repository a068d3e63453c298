import type { MetaFunction } from '@remix-run/node';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'a11y.title');

// The statement public bodies publish under L. 4/2004; the owning alliance completes the
// evaluation date and contact when it goes live (README, "Production").
export default function AccessibilityStatement() {
  const t = useT();
  const locale = useLocale();
  return (
    <article className="row">
      <div className="col-12 col-lg-8">
        <h1>{t('a11y.title')}</h1>
        {locale === 'en' ? (
          <>
            <p className="lead">
              Conciliamo is run by the Ambiti territoriali leading the local alliances. We want everyone, including people using assistive
              technology, to be able to use it.
            </p>
            <h2 className="h3">Conformance</h2>
            <p>
              The platform is designed to meet WCAG 2.1 level AA (EN 301 549) as required by Law 4/2004 and the AgID guidelines. It uses
              the Designers Italia kit; every page is checked automatically with axe-core in our test suite and by hand with the keyboard.
            </p>
            <h2 className="h3">What we do</h2>
            <ul>
              <li>Skip links to the content and to the navigation, visible keyboard focus, labelled form fields.</li>
              <li>Errors are listed at the top of each form and shown next to the field.</li>
              <li>Pages work on phones and without loading third-party resources.</li>
            </ul>
            <h2 className="h3">Feedback</h2>
            <p>
              If something is hard to use, write to the accessibility contact of your alliance through the Ambito that leads it. If the
              answer is unsatisfactory you can report it to AgID through the form on its website.
            </p>
          </>
        ) : (
          <>
            <p className="lead">
              Conciliamo è gestita dagli Ambiti territoriali capofila delle Alleanze locali. Vogliamo che tutte le persone, anche chi usa
              tecnologie assistive, possano usarla.
            </p>
            <h2 className="h3">Stato di conformità</h2>
            <p>
              La piattaforma è progettata per rispettare i requisiti WCAG 2.1 di livello AA (norma EN 301 549) previsti dalla Legge
              4/2004 e dalle Linee guida AgID. Usa il kit di Designers Italia; ogni pagina è verificata automaticamente con axe-core nei
              nostri test e a mano con la sola tastiera.
            </p>
            <h2 className="h3">Cosa facciamo</h2>
            <ul>
              <li>Collegamenti per saltare al contenuto e alla navigazione, focus sempre visibile, campi dei moduli con etichetta.</li>
              <li>Gli errori sono elencati in cima a ogni modulo e indicati accanto al campo.</li>
              <li>Le pagine funzionano su smartphone e senza caricare risorse di terze parti.</li>
            </ul>
            <h2 className="h3">Segnalazioni</h2>
            <p>
              Se qualcosa è difficile da usare, scrivi al referente per l’accessibilità della tua Alleanza tramite l’Ambito capofila. Se
              la risposta non è soddisfacente puoi inviare una segnalazione ad AgID con il modulo disponibile sul suo sito.
            </p>
          </>
        )}
      </div>
    </article>
  );
}
