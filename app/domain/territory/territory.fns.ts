// Pure coverage arithmetic for the territory map: for every municipality of the alliance and every
// category of the catalogue, how many approved offerings serve it. A cell with none is a gap
// ("scoperto"), which is what the Ambito's plans ask to map.

export interface CoverageComune {
  id: string;
  name: string;
  ambitoName: string;
}

export interface CoverageCategory {
  id: string;
  slug: string;
  nameIt: string;
  nameEn: string;
}

export interface CoverageCount {
  comuneId: string;
  categoryId: string;
  offerings: number;
}

export interface CoverageRow {
  comune: CoverageComune;
  /** One per category, in the categories' order. */
  cells: Array<{ categoryId: string; offerings: number }>;
  coveredCategories: number;
  /** Category ids with no approved offering in this municipality. */
  gaps: string[];
  /** Whole percent of categories covered. */
  coveragePercent: number;
}

export interface CategoryTotal {
  category: CoverageCategory;
  /** Distinct approved offerings of the category in the alliance. */
  offerings: number;
  comuniCovered: number;
}

export interface Coverage {
  categories: CoverageCategory[];
  rows: CoverageRow[];
  byCategory: CategoryTotal[];
  totalCells: number;
  totalGaps: number;
}

export function computeCoverage(input: {
  comuni: readonly CoverageComune[];
  categories: readonly CoverageCategory[];
  counts: readonly CoverageCount[];
  /** Distinct approved offerings per category id (an offering serving 3 municipalities counts once). */
  offeringsByCategory: ReadonlyMap<string, number>;
}): Coverage {
  const count = new Map<string, number>();
  for (const c of input.counts) count.set(`${c.comuneId}:${c.categoryId}`, (count.get(`${c.comuneId}:${c.categoryId}`) ?? 0) + c.offerings);
  const rows: CoverageRow[] = input.comuni.map((comune) => {
    const cells = input.categories.map((category) => ({ categoryId: category.id, offerings: count.get(`${comune.id}:${category.id}`) ?? 0 }));
    const gaps = cells.filter((c) => c.offerings === 0).map((c) => c.categoryId);
    const covered = cells.length - gaps.length;
    return {
      comune,
      cells,
      coveredCategories: covered,
      gaps,
      coveragePercent: cells.length === 0 ? 0 : Math.round((covered / cells.length) * 100),
    };
  });
  const byCategory = input.categories.map((category) => ({
    category,
    offerings: input.offeringsByCategory.get(category.id) ?? 0,
    comuniCovered: rows.filter((r) => r.cells.some((c) => c.categoryId === category.id && c.offerings > 0)).length,
  }));
  const totalCells = input.comuni.length * input.categories.length;
  return { categories: [...input.categories], rows, byCategory, totalCells, totalGaps: rows.reduce((sum, r) => sum + r.gaps.length, 0) };
}

/** Bar lengths for the chart: proportional to the largest value, never wider than `width`. */
export function barWidths(values: readonly number[], width: number): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? 0 : Math.round((v / max) * width)));
}
