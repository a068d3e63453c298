import { describe, expect, it } from 'vitest';
import {
  availableDecisions,
  bandsOverlap,
  canOfferingTransition,
  canVersionTransition,
  centsToEuroInput,
  compareVersions,
  editMode,
  formDataValues,
  OFFERING_STATUSES,
  parseEuroToCents,
  planReview,
  planStatusDecision,
  planSubmit,
  VERSION_STATUSES,
  versionToFormValues,
  type ComparableVersion,
  type OfferingStatusName,
  type VersionStatusName,
} from './offerings.fns';
import { diffText, renderDescription } from './offerings.text';

describe('offering lifecycle', () => {
  const allowed: Array<[OfferingStatusName, OfferingStatusName]> = [
    ['DRAFT', 'SUBMITTED'],
    ['SUBMITTED', 'APPROVED'],
    ['SUBMITTED', 'CHANGES_REQUESTED'],
    ['SUBMITTED', 'REJECTED'],
    ['CHANGES_REQUESTED', 'SUBMITTED'],
    ['APPROVED', 'SUSPENDED'],
    ['APPROVED', 'RETIRED'],
    ['SUSPENDED', 'APPROVED'],
    ['SUSPENDED', 'RETIRED'],
  ];
  const key = (from: string, to: string) => `${from}→${to}`;
  const allowedKeys = new Set(allowed.map(([f, t]) => key(f, t)));

  it('allows exactly the documented transitions (every pair checked)', () => {
    for (const from of OFFERING_STATUSES) {
      for (const to of OFFERING_STATUSES) {
        expect(canOfferingTransition(from, to), key(from, to)).toBe(allowedKeys.has(key(from, to)));
      }
    }
  });

  it('refuses skipping review, reopening rejected or retired offerings', () => {
    expect(canOfferingTransition('DRAFT', 'APPROVED')).toBe(false);
    expect(canOfferingTransition('CHANGES_REQUESTED', 'APPROVED')).toBe(false);
    expect(canOfferingTransition('REJECTED', 'SUBMITTED')).toBe(false);
    expect(canOfferingTransition('RETIRED', 'APPROVED')).toBe(false);
    expect(canOfferingTransition('APPROVED', 'DRAFT')).toBe(false);
  });
});

describe('version lifecycle', () => {
  const allowed = new Set([
    'DRAFT→SUBMITTED',
    'SUBMITTED→APPROVED',
    'SUBMITTED→CHANGES_REQUESTED',
    'SUBMITTED→REJECTED',
    'CHANGES_REQUESTED→SUBMITTED',
    'APPROVED→SUPERSEDED',
  ]);
  it('allows exactly the documented transitions (every pair checked)', () => {
    for (const from of VERSION_STATUSES) {
      for (const to of VERSION_STATUSES) expect(canVersionTransition(from, to), `${from}→${to}`).toBe(allowed.has(`${from}→${to}`));
    }
  });
});

describe('plans', () => {
  const first = (offeringStatus: OfferingStatusName, headStatus: VersionStatusName) => ({ offeringStatus, headStatus, hasLive: false });
  const live = (offeringStatus: OfferingStatusName, headStatus: VersionStatusName) => ({ offeringStatus, headStatus, hasLive: true });

  it('submits a first draft and a version sent back for changes, moving the offering', () => {
    expect(planSubmit(first('DRAFT', 'DRAFT'))).toMatchObject({ versionTo: 'SUBMITTED', offeringFrom: 'DRAFT', offeringTo: 'SUBMITTED' });
    expect(planSubmit(first('CHANGES_REQUESTED', 'CHANGES_REQUESTED'))).toMatchObject({ offeringTo: 'SUBMITTED' });
  });

  it('submits a new version of a live offering without touching the offering', () => {
    expect(planSubmit(live('APPROVED', 'DRAFT'))).toMatchObject({ versionTo: 'SUBMITTED', offeringFrom: 'APPROVED', offeringTo: 'APPROVED' });
    expect(planSubmit(live('SUSPENDED', 'CHANGES_REQUESTED'))).toMatchObject({ offeringTo: 'SUSPENDED' });
  });

  it('refuses submitting twice, or an approved, rejected or retired offering', () => {
    expect(planSubmit(first('SUBMITTED', 'SUBMITTED'))).toBeNull();
    expect(planSubmit(live('APPROVED', 'APPROVED'))).toBeNull();
    expect(planSubmit(first('REJECTED', 'REJECTED'))).toBeNull();
    expect(planSubmit(live('RETIRED', 'DRAFT'))).toBeNull();
  });

  it('reviews a first submission: the offering follows the version', () => {
    expect(planReview(first('SUBMITTED', 'SUBMITTED'), 'approve')).toMatchObject({ versionTo: 'APPROVED', offeringTo: 'APPROVED', supersedeLive: false });
    expect(planReview(first('SUBMITTED', 'SUBMITTED'), 'requestChanges')).toMatchObject({ versionTo: 'CHANGES_REQUESTED', offeringTo: 'CHANGES_REQUESTED' });
    expect(planReview(first('SUBMITTED', 'SUBMITTED'), 'reject')).toMatchObject({ versionTo: 'REJECTED', offeringTo: 'REJECTED' });
  });

  it('reviews a new version: approval supersedes the live one, other decisions leave it live', () => {
    expect(planReview(live('APPROVED', 'SUBMITTED'), 'approve')).toMatchObject({ offeringTo: 'APPROVED', supersedeLive: true });
    expect(planReview(live('APPROVED', 'SUBMITTED'), 'reject')).toMatchObject({ versionTo: 'REJECTED', offeringTo: 'APPROVED', supersedeLive: false });
    expect(planReview(live('SUSPENDED', 'SUBMITTED'), 'requestChanges')).toMatchObject({ offeringTo: 'SUSPENDED' });
  });

  it('refuses reviewing what is not submitted', () => {
    for (const head of ['DRAFT', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED', 'SUPERSEDED'] as const) {
      expect(planReview(first('SUBMITTED', head), 'approve'), head).toBeNull();
      expect(planReview(live('APPROVED', head), 'reject'), head).toBeNull();
    }
    expect(planReview(live('RETIRED', 'SUBMITTED'), 'approve')).toBeNull();
  });

  it('suspends, reinstates and retires only approved offerings', () => {
    expect(planStatusDecision({ offeringStatus: 'APPROVED', hasLive: true }, 'suspend')).toMatchObject({ offeringTo: 'SUSPENDED' });
    expect(planStatusDecision({ offeringStatus: 'SUSPENDED', hasLive: true }, 'reinstate')).toMatchObject({ offeringTo: 'APPROVED' });
    expect(planStatusDecision({ offeringStatus: 'APPROVED', hasLive: true }, 'retire')).toMatchObject({ offeringTo: 'RETIRED' });
    expect(planStatusDecision({ offeringStatus: 'SUBMITTED', hasLive: false }, 'suspend')).toBeNull();
    expect(planStatusDecision({ offeringStatus: 'APPROVED', hasLive: true }, 'reinstate')).toBeNull();
    expect(planStatusDecision({ offeringStatus: 'RETIRED', hasLive: true }, 'reinstate')).toBeNull();
    expect(planStatusDecision({ offeringStatus: 'REJECTED', hasLive: false }, 'retire')).toBeNull();
  });

  it('lists the decisions open to the curator', () => {
    expect(availableDecisions(first('SUBMITTED', 'SUBMITTED'))).toEqual(['approve', 'requestChanges', 'reject']);
    expect(availableDecisions(live('APPROVED', 'SUBMITTED'))).toEqual(['approve', 'requestChanges', 'reject', 'suspend', 'retire']);
    expect(availableDecisions(live('APPROVED', 'APPROVED'))).toEqual(['suspend', 'retire']);
    expect(availableDecisions(live('SUSPENDED', 'APPROVED'))).toEqual(['reinstate', 'retire']);
    expect(availableDecisions(first('REJECTED', 'REJECTED'))).toEqual([]);
  });

  it('edits open versions in place, live offerings through a new version, and locks the rest', () => {
    expect(editMode(first('DRAFT', 'DRAFT'))).toBe('in-place');
    expect(editMode(first('CHANGES_REQUESTED', 'CHANGES_REQUESTED'))).toBe('in-place');
    expect(editMode(live('APPROVED', 'DRAFT'))).toBe('in-place');
    expect(editMode(live('APPROVED', 'APPROVED'))).toBe('new-version');
    expect(editMode(live('APPROVED', 'REJECTED'))).toBe('new-version');
    expect(editMode(live('SUSPENDED', 'APPROVED'))).toBe('new-version');
    expect(editMode(first('SUBMITTED', 'SUBMITTED'))).toBe('locked');
    expect(editMode(live('APPROVED', 'SUBMITTED'))).toBe('locked');
    expect(editMode(first('REJECTED', 'REJECTED'))).toBe('locked');
    expect(editMode(live('RETIRED', 'APPROVED'))).toBe('locked');
  });
});

describe('parseEuroToCents', () => {
  it.each([
    ['12,50', 1250],
    ['12.5', 1250],
    ['12.50', 1250],
    ['12', 1200],
    ['0,5', 50],
    ['1.234,56', 123456],
    ['1.234', 123400],
    ['€ 18,00', 1800],
    ['18,00 €', 1800],
    ['  7 ', 700],
    ['100.000', 10_000_000],
  ])('reads %s as %i cents', (text, cents) => {
    expect(parseEuroToCents(text)).toBe(cents);
  });

  it.each(['', 'abc', '12,505', '12.505.1', '-3', '12,', ',5', '1,2,3', '12 50x', '100.000,01', '1e3', 'Infinity'])('refuses %j', (text) => {
    expect(parseEuroToCents(text)).toBeNull();
  });

  it('writes cents back the Italian way for the form', () => {
    expect(centsToEuroInput(1250)).toBe('12,50');
    expect(centsToEuroInput(5)).toBe('0,05');
    expect(centsToEuroInput(null)).toBe('');
    for (const cents of [0, 1, 99, 100, 1234, 99999]) expect(parseEuroToCents(centsToEuroInput(cents))).toBe(cents);
  });
});

describe('renderDescription', () => {
  it('renders the Markdown subset', () => {
    const html = renderDescription('**Baby-sitting** a domicilio\n\n- mattino\n- pomeriggio\n\n[Sito](https://example.it)');
    expect(html).toContain('<strong>Baby-sitting</strong>');
    expect(html).toContain('<li>mattino</li>');
    expect(html).toContain('<a href="https://example.it">Sito</a>');
  });

  it('renders script and HTML inert', () => {
    const html = renderDescription('Ciao <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href="javascript:alert(1)">x</a>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<a /i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('drops dangerous link protocols and images', () => {
    const html = renderDescription('[clic](javascript:alert(1)) ![foto](https://tracker.example/p.png)');
    expect(html).not.toContain('javascript:');
    expect(html).not.toMatch(/<img/i);
  });
});

describe('availability bands', () => {
  it('detects overlaps in any order', () => {
    expect(bandsOverlap([{ from: '08:00', to: '12:00' }, { from: '14:00', to: '18:00' }])).toBe(false);
    expect(bandsOverlap([{ from: '14:00', to: '18:00' }, { from: '08:00', to: '14:30' }])).toBe(true);
    expect(bandsOverlap([{ from: '08:00', to: '12:00' }, { from: '12:00', to: '13:00' }])).toBe(false);
  });
});

describe('compareVersions', () => {
  const base: ComparableVersion = {
    title: 'Baby-sitting',
    description: 'Testo',
    categoryName: 'Baby-sitting',
    target: 'CHILDREN',
    ageMin: 3,
    ageMax: 10,
    priceUnit: 'HOUR',
    packageHours: null,
    listPriceCents: 1500,
    allianceRateCents: 1200,
    vatTreatment: 'EXEMPT_ART10',
    availability: { weekdays: [1, 2, 3], bands: [{ from: '08:00', to: '12:00' }] },
    bookingNoticeDays: 2,
    cancellationTerms: '24 ore',
    capacityPerWeek: 20,
    contactName: null,
    contactEmail: null,
    contactPhone: null,
    contactAddress: null,
    comuni: ['Nembro', 'Albino'],
  };

  it('marks only the fields that changed', () => {
    const changed = compareVersions(base, {
      ...base,
      allianceRateCents: 1100,
      ageMax: 12,
      comuni: ['Albino', 'Nembro', 'Alzano Lombardo'],
      availability: { weekdays: [3, 2, 1], bands: [{ from: '08:00', to: '12:00' }] },
    })
      .filter((f) => f.changed)
      .map((f) => f.field);
    expect(changed).toEqual(['ages', 'allianceRateCents', 'comuni']);
  });

  it('marks nothing for a first version', () => {
    expect(compareVersions(null, base).some((f) => f.changed)).toBe(false);
  });

  it('diffs descriptions word by word', () => {
    const parts = diffText('Servizio al mattino', 'Servizio al pomeriggio');
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['mattino']);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['pomeriggio']);
  });
});

describe('form values', () => {
  it('keeps every checked box of a group and drops the intent', () => {
    const data = new FormData();
    data.append('intent', 'save');
    data.append('title', 'Pre scuola');
    data.append('weekdays', '1');
    data.append('weekdays', '3');
    expect(formDataValues(data)).toEqual({ title: 'Pre scuola', weekdays: ['1', '3'], comuni: [] });
  });

  it('writes a saved version back into the form the Italian way', () => {
    const values = versionToFormValues({
      title: 'Baby-sitting',
      description: 'Testo',
      category: { id: 'k' },
      target: 'CHILDREN',
      ageMin: 3,
      ageMax: 10,
      priceUnit: 'HOUR',
      packageHours: null,
      listPriceCents: 1500,
      allianceRateCents: 1250,
      vatTreatment: 'EXEMPT_ART10',
      availability: { weekdays: [1, 5], bands: [{ from: '08:00', to: '12:00' }] },
      bookingNoticeDays: 2,
      cancellationTerms: '',
      capacityPerWeek: null,
      contactName: null,
      contactEmail: null,
      contactPhone: null,
      contactAddress: null,
      comuni: [{ id: 'c1' }],
    });
    expect(values).toMatchObject({ listPrice: '15,00', allianceRate: '12,50', weekdays: ['1', '5'], band1From: '08:00', band1To: '12:00', comuni: ['c1'], capacityPerWeek: '' });
  });
});

describe('diffText keeps each side readable', () => {
  it('rebuilds both texts exactly from their parts', () => {
    const before = '- accompagnamento da scuola e attività\n- aiuto nei compiti';
    const after = '- accompagnamento da scuola, sport e catechismo\n- aiuto nei compiti';
    const parts = diffText(before, after);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
  });
});
