import { Form, Link, NavLink, useLocation } from '@remix-run/react';
import { useEffect, useId, useState } from 'react';
import type { RoleName } from '~/domain/auth/roles';
import { Icon } from '~/ui/Icon';
import { useLocale, useT } from '~/ui/i18n';
import { navigationFor } from './navigation';

export interface HeaderActor {
  name: string;
  role: RoleName | null;
  organizationName: string | null;
  allianceName: string | null;
}

export function Header({ actor }: { actor: HeaderActor | null }) {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const menuId = useId();
  const [menuOpen, setMenuOpen] = useState(false);
  // A navigation closes the mobile menu.
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const items = navigationFor(actor?.role);
  const redirectTo = location.pathname + location.search;

  return (
    <header className="it-header-wrapper">
      <div className="it-header-slim-wrapper">
        <div className="container">
          <div className="row">
            <div className="col-12">
              <div className="it-header-slim-wrapper-content">
                <span className="d-none d-lg-block navbar-brand">{actor?.allianceName ?? t('nav.network')}</span>
                <div className="it-header-slim-right-zone">
                  <Form method="post" action="/lingua" className="d-flex align-items-center me-3" aria-label={t('lang.label')}>
                    <input type="hidden" name="redirectTo" value={redirectTo} />
                    <span className="visually-hidden">{t('lang.label')}:</span>
                    <button type="submit" name="locale" value="it" className="btn btn-link text-white p-1" lang="it" aria-pressed={locale === 'it'}>
                      IT
                    </button>
                    <span className="text-white" aria-hidden="true">
                      |
                    </span>
                    <button type="submit" name="locale" value="en" className="btn btn-link text-white p-1" lang="en" aria-pressed={locale === 'en'}>
                      EN
                    </button>
                  </Form>
                  {actor ? (
                    <Form method="post" action="/esci" className="d-flex align-items-center">
                      <span className="text-white me-2 d-none d-md-inline">{t('nav.loggedInAs', { name: actor.name })}</span>
                      <button type="submit" className="btn btn-primary btn-sm btn-icon">
                        <Icon name="it-logout" className="icon-white icon-sm me-1" />
                        <span>{t('nav.logout')}</span>
                      </button>
                    </Form>
                  ) : (
                    <Link to={`/accedi?redirectTo=${encodeURIComponent(redirectTo)}`} className="btn btn-primary btn-sm btn-icon btn-full">
                      <span className="rounded-icon" aria-hidden="true">
                        <Icon name="it-user" className="icon-primary" />
                      </span>
                      <span className="d-none d-lg-block">{t('nav.login')}</span>
                      <span className="d-lg-none">{t('nav.login')}</span>
                    </Link>
                  )}
                </div>
              </div>
            </div>
          </div>
        </div>
      </div>
      <div className="it-nav-wrapper">
        <div className="it-header-center-wrapper">
          <div className="container">
            <div className="row">
              <div className="col-12">
                <div className="it-header-center-content-wrapper">
                  <div className="it-brand-wrapper">
                    <Link to={actor?.role ? navigationFor(actor.role)[0]!.to : '/'}>
                      <Icon name="it-pa" />
                      <div className="it-brand-text">
                        <div className="it-brand-title">{t('app.name')}</div>
                        <div className="it-brand-tagline d-none d-md-block">
                          {actor?.organizationName && actor.role
                            ? t('nav.roleIn', { role: t(`role.${actor.role}`), organization: actor.organizationName })
                            : t('app.tagline')}
                        </div>
                      </div>
                    </Link>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </div>
        <div className="it-header-navbar-wrapper">
          <div className="container">
            <div className="row">
              <div className="col-12">
                <nav className="navbar navbar-expand-lg has-megamenu" aria-label={t('nav.main')} id="main-navigation">
                  <button
                    className="custom-navbar-toggler"
                    type="button"
                    aria-controls={menuId}
                    aria-expanded={menuOpen}
                    onClick={() => setMenuOpen((open) => !open)}
                  >
                    <Icon name="it-burger" />
                    <span className="visually-hidden">{t('nav.menu')}</span>
                  </button>
                  <div className={`navbar-collapsable${menuOpen ? ' expanded' : ''}`} id={menuId} style={menuOpen ? { display: 'block' } : undefined}>
                    <div className="overlay" style={menuOpen ? { display: 'block' } : undefined} />
                    <div className="close-div">
                      <button className="btn close-menu" type="button" onClick={() => setMenuOpen(false)}>
                        <span className="visually-hidden">{t('nav.closeMenu')}</span>
                        <Icon name="it-close-big" />
                      </button>
                    </div>
                    <div className="menu-wrapper">
                      <ul className="navbar-nav">
                        {items.map((item) => (
                          <li className="nav-item" key={item.to}>
                            <NavLink
                              to={item.to}
                              end={item.to === '/'}
                              className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}
                            >
                              <span>{t(item.labelKey)}</span>
                            </NavLink>
                          </li>
                        ))}
                      </ul>
                    </div>
                  </div>
                </nav>
              </div>
            </div>
          </div>
        </div>
      </div>
    </header>
  );
}
