import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, formatNumber } from './format';

describe('it-IT formatting', () => {
  it('formats cents as euro the Italian way', () => {
    expect(formatMoney(123456)).toBe('1.234,56\u00a0€');
    expect(formatMoney(1000)).toBe('10,00\u00a0€');
    expect(formatMoney(5)).toBe('0,05\u00a0€');
    expect(formatMoney(-2500)).toBe('-25,00\u00a0€');
  });
  it('formats dates day/month/year in Rome time', () => {
    expect(formatDate('2026-03-31T23:30:00Z')).toBe('01/04/2026');
  });
  it('formats numbers with Italian grouping', () => {
    expect(formatNumber(50000)).toBe('50.000');
  });
  it('has an English variant', () => {
    expect(formatMoney(123456, 'en')).toBe('€1,234.56');
  });
});
