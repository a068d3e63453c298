import { Link, useLocation } from '@remix-run/react';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { Icon } from './Icon';
import { useT } from './i18n';

// Server-side sorted and paginated table: sorting and paging live in the URL (?sort=&dir=&page=),
// so every state is a link that works without JavaScript and can be bookmarked.

export interface ServerTableState {
  sort: string;
  dir: 'asc' | 'desc';
  page: number;
  pages: number;
  total: number;
}

export interface DataTableProps<Row> {
  caption: string;
  columns: ColumnDef<Row, unknown>[];
  data: Row[];
  state: ServerTableState;
  /** Column ids that the server can sort by. */
  sortable: readonly string[];
  emptyText: string;
  getRowId?: (row: Row) => string;
  /** Prefix for the URL parameters when two tables share a page. */
  paramPrefix?: string;
}

function useHrefWith() {
  const location = useLocation();
  return (changes: Record<string, string | number | null>) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) params.delete(key);
      else params.set(key, String(value));
    }
    return `${location.pathname}?${params.toString()}`;
  };
}

export function DataTable<Row>({ caption, columns, data, state, sortable, emptyText, getRowId, paramPrefix = '' }: DataTableProps<Row>) {
  const t = useT();
  const hrefWithRaw = useHrefWith();
  const hrefWith = (changes: Record<string, string | number | null>) =>
    hrefWithRaw(Object.fromEntries(Object.entries(changes).map(([k, v]) => [`${paramPrefix}${k}`, v])));
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    pageCount: state.pages,
    getRowId,
    state: { sorting: [{ id: state.sort, desc: state.dir === 'desc' }] },
  });

  return (
    <div>
      <p className="small text-muted mb-2" aria-live="polite">
        {t('table.results', { count: state.total })}
      </p>
      <div className="table-responsive">
        <table className="table table-hover align-middle">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const id = header.column.id;
                  const label = flexRender(header.column.columnDef.header, header.getContext());
                  const isSorted = state.sort === id;
                  const ariaSort = isSorted ? (state.dir === 'asc' ? 'ascending' : 'descending') : undefined;
                  if (!sortable.includes(id)) {
                    return (
                      <th key={header.id} scope="col">
                        {label}
                      </th>
                    );
                  }
                  const nextDir = isSorted && state.dir === 'asc' ? 'desc' : 'asc';
                  return (
                    <th key={header.id} scope="col" aria-sort={ariaSort}>
                      <Link to={hrefWith({ sort: id, dir: nextDir, page: 1 })} className="table-sort-button text-decoration-none">
                        {label}
                        {isSorted ? <Icon name={state.dir === 'asc' ? 'it-arrow-up' : 'it-arrow-down'} className="icon-sm" /> : null}
                        <span className="visually-hidden">
                          {' '}
                          ({isSorted ? t(state.dir === 'asc' ? 'table.sortedAscending' : 'table.sortedDescending') : ''}
                          {isSorted ? ', ' : ''}
                          {t(nextDir === 'asc' ? 'table.sortAscending' : 'table.sortDescending')})
                        </span>
                      </Link>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length}>{emptyText}</td>
              </tr>
            ) : (
              table.getRowModel().rows.map((row) => (
                <tr key={row.id}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {state.pages > 1 ? (
        <nav className="pagination-wrapper" aria-label={t('table.pagination')}>
          <ul className="pagination">
            <li className={`page-item${state.page <= 1 ? ' disabled' : ''}`}>
              {state.page <= 1 ? (
                <span className="page-link" aria-disabled="true">
                  <Icon name="it-chevron-left" className="icon-primary" />
                  <span className="visually-hidden">{t('table.previous')}</span>
                </span>
              ) : (
                <Link className="page-link" to={hrefWith({ page: state.page - 1 })}>
                  <Icon name="it-chevron-left" className="icon-primary" />
                  <span className="visually-hidden">{t('table.previous')}</span>
                </Link>
              )}
            </li>
            <li className="page-item">
              <span className="page-link" aria-current="page">
                {t('table.page', { page: state.page, pages: state.pages })}
              </span>
            </li>
            <li className={`page-item${state.page >= state.pages ? ' disabled' : ''}`}>
              {state.page >= state.pages ? (
                <span className="page-link" aria-disabled="true">
                  <span className="visually-hidden">{t('table.next')}</span>
                  <Icon name="it-chevron-right" className="icon-primary" />
                </span>
              ) : (
                <Link className="page-link" to={hrefWith({ page: state.page + 1 })}>
                  <span className="visually-hidden">{t('table.next')}</span>
                  <Icon name="it-chevron-right" className="icon-primary" />
                </Link>
              )}
            </li>
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
