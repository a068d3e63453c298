import { describe, expect, it } from 'vitest';
import { clampPage, invitableRoles, pageCount } from './directory.fns';

describe('invitableRoles', () => {
  it('lets company HR invite employees and HR colleagues into a company only', () => {
    expect(invitableRoles('COMPANY_ADMIN', 'COMPANY')).toEqual(['EMPLOYEE', 'COMPANY_ADMIN']);
    expect(invitableRoles('COMPANY_ADMIN', 'PROVIDER')).toEqual([]);
  });
  it('lets the alliance admin invite Ambito staff only', () => {
    expect(invitableRoles('ALLIANCE_ADMIN', 'AMBITO')).toEqual(['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR']);
    expect(invitableRoles('ALLIANCE_ADMIN', 'COMPANY')).toEqual([]);
  });
  it('gives employees, curators and auditors no invitation rights', () => {
    expect(invitableRoles('EMPLOYEE', 'COMPANY')).toEqual([]);
    expect(invitableRoles('AMBITO_CURATOR', 'AMBITO')).toEqual([]);
    expect(invitableRoles('AUDITOR', 'AMBITO')).toEqual([]);
  });
});

describe('paging', () => {
  it('counts at least one page and clamps out-of-range pages', () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(41, 20)).toBe(3);
    expect(clampPage(9, 41, 20)).toBe(3);
    expect(clampPage(-2, 41, 20)).toBe(1);
    expect(clampPage(Number.NaN, 41, 20)).toBe(1);
  });
});
