import { describe, expect, it } from 'vitest';
import { barWidths, computeCoverage } from './territory.fns';

const comuni = [
  { id: 'c-albino', name: 'Albino', ambitoName: 'Valle Seriana' },
  { id: 'c-nembro', name: 'Nembro', ambitoName: 'Valle Seriana' },
];
const categories = [
  { id: 'k-baby', slug: 'baby-sitting', nameIt: 'Baby-sitting', nameEn: 'Baby-sitting' },
  { id: 'k-verde', slug: 'cura-del-verde', nameIt: 'Cura del verde', nameEn: 'Gardening' },
  { id: 'k-orient', slug: 'orientamento-welfare', nameIt: 'Orientamento', nameEn: 'Guidance' },
];

describe('computeCoverage', () => {
  it('marks every municipality × category without an approved offering as a gap', () => {
    const coverage = computeCoverage({
      comuni,
      categories,
      counts: [
        { comuneId: 'c-albino', categoryId: 'k-baby', offerings: 2 },
        { comuneId: 'c-nembro', categoryId: 'k-baby', offerings: 1 },
        { comuneId: 'c-nembro', categoryId: 'k-orient', offerings: 1 },
      ],
      offeringsByCategory: new Map([
        ['k-baby', 2],
        ['k-orient', 1],
      ]),
    });
    expect(coverage.totalCells).toBe(6);
    expect(coverage.totalGaps).toBe(3);
    const albino = coverage.rows.find((r) => r.comune.name === 'Albino')!;
    expect(albino.cells).toEqual([
      { categoryId: 'k-baby', offerings: 2 },
      { categoryId: 'k-verde', offerings: 0 },
      { categoryId: 'k-orient', offerings: 0 },
    ]);
    expect(albino.gaps).toEqual(['k-verde', 'k-orient']);
    expect(albino.coveragePercent).toBe(33);
    const nembro = coverage.rows.find((r) => r.comune.name === 'Nembro')!;
    expect(nembro.gaps).toEqual(['k-verde']);
    expect(nembro.coveragePercent).toBe(67);
    expect(coverage.byCategory.map((c) => [c.category.slug, c.offerings, c.comuniCovered])).toEqual([
      ['baby-sitting', 2, 2],
      ['cura-del-verde', 0, 0],
      ['orientamento-welfare', 1, 1],
    ]);
  });

  it('an alliance without offerings is all gaps', () => {
    const coverage = computeCoverage({ comuni, categories, counts: [], offeringsByCategory: new Map() });
    expect(coverage.totalGaps).toBe(6);
    expect(coverage.rows.every((r) => r.coveragePercent === 0)).toBe(true);
  });
});

describe('barWidths', () => {
  it('scales to the largest value', () => {
    expect(barWidths([0, 2, 4], 200)).toEqual([0, 100, 200]);
    expect(barWidths([0, 0], 200)).toEqual([0, 0]);
  });
});
