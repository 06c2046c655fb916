import { Link, useLocation } from 'react-router';

/** The API's page size where a list does not ask for another (REST_FRAMEWORK's PAGE_SIZE). */
export const API_PAGE_SIZE = 20;

/**
 * Page links that keep every other query parameter, so filters survive paging. `pageSize` is
 * the size the API pages by — never the length of the page shown, which is shorter on the last.
 */
export function Pagination({
  page,
  count,
  pageSize = API_PAGE_SIZE,
  param = 'page',
  label = 'Pagination',
}: {
  page: number;
  count: number;
  pageSize?: number;
  /** The query parameter holding the page (a second list on a page needs its own). */
  param?: string;
  label?: string;
}) {
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (pages <= 1) return null;

  const hrefFor = (target: number) => {
    const params = new URLSearchParams(location.search);
    if (target <= 1) params.delete(param);
    else params.set(param, String(target));
    const qs = params.toString();
    return `${location.pathname}${qs ? `?${qs}` : ''}`;
  };

  const window = [page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages);
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span aria-hidden="true" className="pagination__disabled">
          ← Previous
        </span>
      )}
      <ul>
        {window.map((p) => (
          <li key={p}>
            {p === page ? (
              <span aria-current="page" className="pagination__current">
                {p}
              </span>
            ) : (
              <Link to={hrefFor(p)} aria-label={`Page ${p}`}>
                {p}
              </Link>
            )}
          </li>
        ))}
      </ul>
      {page < pages ? (
        <Link to={hrefFor(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span aria-hidden="true" className="pagination__disabled">
          Next →
        </span>
      )}
    </nav>
  );
}
