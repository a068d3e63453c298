import { ROLE_HOME, type RoleName } from '~/domain/auth/roles';

// One list per role: each later capability adds its entries here, and the header, the mobile menu
// and the e2e keyboard test all read it.
export interface NavItem {
  to: string;
  labelKey: string;
}

const API_KEYS: NavItem = { to: '/impostazioni/chiavi-api', labelKey: 'nav.apiKeys' };
const PROFILE: NavItem = { to: '/profilo', labelKey: 'nav.profile' };
const AUDIT_LOG: NavItem = { to: '/registro-attivita', labelKey: 'nav.auditLog' };
const TERRITORY_MAP: NavItem = { to: '/ambito/territorio', labelKey: 'nav.territory' };
const PROVIDERS_REVIEW: NavItem = { to: '/ambito/enti', labelKey: 'nav.providers.review' };

export const NAVIGATION: Record<RoleName, NavItem[]> = {
  EMPLOYEE: [{ to: ROLE_HOME.EMPLOYEE, labelKey: 'nav.home.employee' }, { to: '/lavoratore/portafoglio', labelKey: 'nav.wallet' }, { to: '/lavoratore/premio', labelKey: 'nav.premio' }, PROFILE],
  COMPANY_ADMIN: [{ to: ROLE_HOME.COMPANY_ADMIN, labelKey: 'nav.home.company' }, { to: '/azienda/dipendenti', labelKey: 'nav.company.employees' }, { to: '/azienda/sedi', labelKey: 'nav.company.sites' }, { to: '/azienda/piani', labelKey: 'nav.plans' }, { to: '/azienda/ricariche', labelKey: 'nav.topups.company' }, API_KEYS, PROFILE],
  PROVIDER_OPERATOR: [{ to: ROLE_HOME.PROVIDER_OPERATOR, labelKey: 'nav.home.provider' }, { to: '/ente/offerte', labelKey: 'nav.offerings.provider' }, { to: '/ente/profilo', labelKey: 'nav.providers.profile' }, API_KEYS, PROFILE],
  AMBITO_CURATOR: [{ to: ROLE_HOME.AMBITO_CURATOR, labelKey: 'nav.home.ambito' }, PROVIDERS_REVIEW, { to: '/ambito/offerte', labelKey: 'nav.offerings.review' }, TERRITORY_MAP, PROFILE],
  ALLIANCE_ADMIN: [{ to: ROLE_HOME.ALLIANCE_ADMIN, labelKey: 'nav.home.alliance' }, PROVIDERS_REVIEW, { to: '/alleanza/aziende', labelKey: 'nav.companies.review' }, TERRITORY_MAP, { to: '/alleanza/notizie', labelKey: 'nav.news' }, { to: '/alleanza/ricariche', labelKey: 'nav.topups.alliance' }, AUDIT_LOG, API_KEYS, PROFILE],
  AUDITOR: [{ to: ROLE_HOME.AUDITOR, labelKey: 'nav.home.auditor' }, PROVIDERS_REVIEW, TERRITORY_MAP, AUDIT_LOG, PROFILE],
};

export const PUBLIC_NAVIGATION: NavItem[] = [
  { to: '/', labelKey: 'nav.home' },
  { to: '/catalogo', labelKey: 'nav.catalogue' },
  { to: '/aderisci', labelKey: 'nav.providers.adhere' },
  { to: '/aderisci/azienda', labelKey: 'nav.companies.adhere' },
  { to: '/accessibilita', labelKey: 'footer.accessibility' },
];

export function navigationFor(role: RoleName | null | undefined): NavItem[] {
  return role ? NAVIGATION[role] : PUBLIC_NAVIGATION;
}
