import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ALLIANCE_LEVEL_ROLES } from '~/domain/auth/roles';
import { categoryName, ScrollRegion } from '~/domain/offerings/offerings.ui';
import { barWidths } from '~/domain/territory/territory.fns';
import { getTerritoryMap } from '~/domain/territory/territory.server';
import { formatNumber } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

// The territory map for the alliance's staff: a bar chart of approved offerings per category
// (with its data as a table), the municipality × category matrix with the gaps marked, and the
// gaps listed per municipality.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'territorymap.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ALLIANCE_LEVEL_ROLES });
  return json({ map: await getTerritoryMap(getDb(), actor) });
}

type TerritoryData = ReturnType<typeof useLoaderData<typeof loader>>['map'];

// Each category on two lines (its name, then its bar), so the chart stays legible on a phone.
const CHART = { width: 400, barWidth: 320, rowHeight: 44, barHeight: 14 };

function CategoryChart({ map }: { map: TerritoryData }) {
  const t = useT();
  const locale = useLocale();
  const widths = barWidths(
    map.byCategory.map((c) => c.offerings),
    CHART.barWidth,
  );
  const height = map.byCategory.length * CHART.rowHeight + 4;
  return (
    <section aria-labelledby="chart-title" className="mb-5">
      <h2 id="chart-title" className="h4">
        {t('territorymap.chart.title')}
      </h2>
      <svg
        role="img"
        aria-labelledby="chart-svg-title chart-svg-desc"
        viewBox={`0 0 ${CHART.width} ${height}`}
        width="100%"
        style={{ maxWidth: '560px' }}
        className="d-block mb-3"
      >
        <title id="chart-svg-title">{t('territorymap.chart.title')}</title>
        <desc id="chart-svg-desc">
          {t('territorymap.chart.desc')}{' '}
          {map.byCategory
            .map((c) =>
              t('territorymap.chart.bar', { category: categoryName(c.category, locale), count: c.offerings, comuni: c.comuniCovered, total: map.rows.length }),
            )
            .join('; ')}
        </desc>
        {map.byCategory.map((c, i) => {
          const y = i * CHART.rowHeight;
          const width = widths[i] ?? 0;
          const barY = y + 20;
          return (
            <g key={c.category.id} aria-hidden="true">
              <text x={0} y={y + 14} fontSize="12" fill="#1a1a1a">
                {categoryName(c.category, locale)}
              </text>
              {c.offerings === 0 ? (
                <rect x={0.5} y={barY + 0.5} width={CHART.barWidth - 1} height={CHART.barHeight} fill="#fdecec" stroke="#a61919" strokeDasharray="4 3" />
              ) : (
                <rect x={0} y={barY} width={Math.max(width, 3)} height={CHART.barHeight + 1} fill="#0066cc" />
              )}
              <text x={(c.offerings === 0 ? CHART.barWidth : width) + 6} y={barY + 12} fontSize="12" fill={c.offerings === 0 ? '#a61919' : '#1a1a1a'} fontWeight="600">
                {c.offerings === 0 ? t('territorymap.uncovered') : formatNumber(c.offerings, locale)}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('territorymap.chart.textTitle')}</summary>
        <ScrollRegion label={t('territorymap.chart.textTitle')}>
          <table className="table table-sm">
            <caption className="visually-hidden">{t('territorymap.chart.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('territorymap.chart.category')}</th>
                <th scope="col">{t('territorymap.chart.offerings')}</th>
                <th scope="col">{t('territorymap.chart.comuni')}</th>
              </tr>
            </thead>
            <tbody>
              {map.byCategory.map((c) => (
                <tr key={c.category.id}>
                  <th scope="row">{categoryName(c.category, locale)}</th>
                  <td>{formatNumber(c.offerings, locale)}</td>
                  <td>
                    {c.comuniCovered} / {map.rows.length}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </details>
    </section>
  );
}

// The municipality column stays in view while the categories scroll sideways.
const STICKY = { position: 'sticky', left: 0, zIndex: 1, minWidth: '11rem' } as const;

function CoverageMatrix({ map }: { map: TerritoryData }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="matrix-title" className="mb-5">
      <h2 id="matrix-title" className="h4">
        {t('territorymap.matrix.title')}
      </h2>
      <p className="small">{t('territorymap.scrollHint')}</p>
      <ScrollRegion label={t('territorymap.matrix.title')}>
        <table className="table table-bordered table-sm align-middle text-center territory-matrix">
          <caption className="visually-hidden">{t('territorymap.matrix.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="text-start bg-white" style={STICKY}>
                {t('territorymap.col.comune')}
              </th>
              {map.categories.map((c) => (
                <th key={c.id} scope="col" className="small fw-semibold" style={{ minWidth: '7rem' }}>
                  {categoryName(c, locale)}
                </th>
              ))}
              <th scope="col">{t('territorymap.col.coverage')}</th>
            </tr>
          </thead>
          <tbody>
            {map.rows.map((row) => (
              <tr key={row.comune.id}>
                <th scope="row" className="text-start bg-white" style={STICKY}>
                  {row.comune.name}
                  <span className="d-block small text-muted fw-normal">{row.comune.ambitoName}</span>
                </th>
                {row.cells.map((cell) =>
                  cell.offerings === 0 ? (
                    <td key={cell.categoryId} className="table-danger fw-semibold">
                      {t('territorymap.uncovered')}
                    </td>
                  ) : (
                    <td key={cell.categoryId}>
                      {formatNumber(cell.offerings, locale)}
                      <span className="visually-hidden"> {t('territorymap.offerings', { count: cell.offerings })}</span>
                    </td>
                  ),
                )}
                <td>{t('territorymap.percent', { percent: row.coveragePercent })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}

function GapList({ map }: { map: TerritoryData }) {
  const t = useT();
  const locale = useLocale();
  const names = new Map(map.categories.map((c) => [c.id, categoryName(c, locale)]));
  return (
    <section aria-labelledby="gaps-title" className="mb-5">
      <h2 id="gaps-title" className="h4">
        {t('territorymap.gaps.title')}
      </h2>
      <ul className="list-unstyled">
        {map.rows.map((row) => (
          <li key={row.comune.id} className="mb-3">
            <h3 className="h6 mb-1">
              {row.comune.name}:{' '}
              {row.gaps.length === 0 ? t('territorymap.gaps.none') : t('territorymap.gaps.count', { count: row.gaps.length })}
            </h3>
            {row.gaps.length > 0 ? <p className="mb-0">{row.gaps.map((id) => names.get(id)).join(', ')}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function TerritoryMap() {
  const { map } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <PageHeader title={t('territorymap.title')} lead={t('territorymap.lead', { alliance: map.allianceName })}>
        <p className="fw-semibold">{t('territorymap.summary', { gaps: map.totalGaps, cells: map.totalCells })}</p>
      </PageHeader>
      <CategoryChart map={map} />
      <CoverageMatrix map={map} />
      <GapList map={map} />
    </>
  );
}
