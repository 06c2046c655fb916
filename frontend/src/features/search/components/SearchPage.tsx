import { useId, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage } from '@/components/ui/Feedback';
import { CheckboxField, TextField } from '@/components/ui/Field';
import { FilterPanel } from '@/components/ui/FilterPanel';
import { Pagination } from '@/components/ui/Pagination';
import { ProductGrid, ProductGridSkeleton } from '@/components/ui/ProductCard';
import { RatingAndStockFilters } from '@/components/ui/RatingAndStockFilters';
import { activeFilterCount, useListingParams } from '@/lib/filters';
import { formatMoney } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import {
  SEARCH_PAGE_SIZE,
  attributeFilter,
  searchParamsFromUrl,
  useSearch,
  type AttributeFacet,
  type PriceFacet,
  type SearchResponse,
  type TermFacet,
} from '../api/search';

function priceLabel(range: PriceFacet, currency: string): string {
  if (range.min !== null && range.max !== null)
    return `${formatMoney(range.min, currency)} – ${formatMoney(range.max, currency)}`;
  if (range.min !== null) return `${formatMoney(range.min, currency)} and up`;
  if (range.max !== null) return `Up to ${formatMoney(range.max, currency)}`;
  return 'Any price';
}

function TermFacetGroup({
  title,
  param,
  facets,
  selected,
  onToggle,
}: {
  title: string;
  param: string;
  facets: TermFacet[];
  selected: string | undefined;
  onToggle: (param: string, slug: string | undefined) => void;
}) {
  if (!facets.length) return null;
  return (
    <fieldset className="facet">
      <legend>{title}</legend>
      {facets.map((facet) => (
        <CheckboxField
          key={facet.slug}
          label={
            <>
              {facet.name} <span className="muted">({facet.count})</span>
            </>
          }
          checked={selected === facet.slug}
          onChange={(event) => onToggle(param, event.target.checked ? facet.slug : undefined)}
        />
      ))}
    </fieldset>
  );
}

function AttributeFacetGroup({
  facet,
  selected,
  onToggle,
}: {
  facet: AttributeFacet;
  selected: string[];
  onToggle: (filter: string, on: boolean) => void;
}) {
  if (!facet.values.length) return null;
  return (
    <fieldset className="facet">
      <legend>{facet.name}</legend>
      {facet.values.map(({ value, count }) => {
        const filter = attributeFilter(facet.key, value);
        return (
          <CheckboxField
            key={value}
            label={
              <>
                {value} <span className="muted">({count})</span>
              </>
            }
            checked={selected.includes(filter)}
            onChange={(event) => onToggle(filter, event.target.checked)}
          />
        );
      })}
    </fieldset>
  );
}

/** How the query was understood: the corrected words (with a link to the words as typed) and
 * the words left out because no product has them together with the others. */
function Understood({ q, data }: { q: string; data: SearchResponse }) {
  const [urlParams] = useSearchParams();
  const dropped = data.dropped_words ?? [];
  if (!data.corrected_query && !dropped.length) return null;
  const asTyped = new URLSearchParams(urlParams);
  asTyped.set('exact', 'true');
  asTyped.delete('page');
  return (
    <div className="search-understood" role="status">
      {data.corrected_query ? (
        <p>
          Showing results for <strong>{data.corrected_query}</strong> — search instead for{' '}
          <Link to={`/search?${asTyped.toString()}`}>{q}</Link>
        </p>
      ) : null}
      {dropped.length ? (
        <p className="muted">
          No product matches every word: left out{' '}
          {dropped.map((word, i) => (
            <span key={word}>
              {i ? ', ' : ''}
              <s>{word}</s>
            </span>
          ))}
          .
        </p>
      ) : null}
    </div>
  );
}

export function SearchPage() {
  const [urlParams, setUrlParams, update] = useListingParams();
  const params = searchParamsFromUrl(urlParams);
  const search = useSearch(params);
  const headingId = useId();
  useDocumentTitle(params.q ? `Search: ${params.q}` : 'Search');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    // A new query starts from scratch: old facet picks may not exist in the new results.
    setUrlParams(q ? { q } : {});
  };

  const facets = search.data?.facets;
  const currency = search.data?.results[0]?.currency ?? 'EUR';
  const priceSelected = (range: PriceFacet) =>
    (params.min_price ?? null) === (range.min === null ? null : String(range.min)) &&
    (params.max_price ?? null) === (range.max === null ? null : String(range.max));
  const attributes = params.attribute ?? [];
  const toggleAttribute = (filter: string, on: boolean) => {
    const next = new URLSearchParams(urlParams);
    next.delete('attribute');
    for (const kept of attributes.filter((a) => a !== filter)) next.append('attribute', kept);
    if (on) next.append('attribute', filter);
    next.delete('page');
    setUrlParams(next);
  };
  const activeFilters = activeFilterCount(params) + attributes.length;
  const hasFilters = activeFilters > 0;

  return (
    <div className="listing">
      <FilterPanel label="Refine results" title="Refine" active={activeFilters}>
        {search.data ? (
          <>
            <TermFacetGroup
              title="Category"
              param="category"
              facets={facets?.category ?? []}
              selected={params.category}
              onToggle={(p, v) => update({ [p]: v })}
            />
            <TermFacetGroup
              title="Vendor"
              param="vendor"
              facets={facets?.vendor ?? []}
              selected={params.vendor}
              onToggle={(p, v) => update({ [p]: v })}
            />
            {facets?.price.length ? (
              <fieldset className="facet">
                <legend>Price</legend>
                {facets.price.map((range) => (
                  <CheckboxField
                    key={`${range.min}-${range.max}`}
                    label={
                      <>
                        {priceLabel(range, currency)} <span className="muted">({range.count})</span>
                      </>
                    }
                    checked={priceSelected(range)}
                    onChange={(event) =>
                      update(
                        event.target.checked
                          ? {
                              min_price: range.min === null ? undefined : String(range.min),
                              max_price: range.max === null ? undefined : String(range.max),
                            }
                          : { min_price: undefined, max_price: undefined },
                      )
                    }
                  />
                ))}
              </fieldset>
            ) : null}
            {(facets?.attributes ?? []).map((facet) => (
              <AttributeFacetGroup
                key={facet.key}
                facet={facet}
                selected={attributes}
                onToggle={toggleAttribute}
              />
            ))}
          </>
        ) : null}
        <RatingAndStockFilters filters={params} update={update} />
        {hasFilters ? (
          <Button
            variant="ghost"
            onClick={() =>
              setUrlParams(params.exact ? { q: params.q, exact: 'true' } : { q: params.q })
            }
          >
            Clear filters
          </Button>
        ) : null}
      </FilterPanel>

      <section className="listing__results" aria-labelledby={headingId}>
        <h1 id={headingId}>{params.q ? <>Results for “{params.q}”</> : 'Search'}</h1>
        <form role="search" className="row search-page__form" onSubmit={onSubmit} key={params.q}>
          <TextField
            label="Search for"
            name="q"
            type="search"
            defaultValue={params.q}
            className="grow"
          />
          <Button type="submit">Search</Button>
        </form>
        {!params.q ? (
          <EmptyState title="What are you looking for?">
            Type a product name, a material or a vendor.
          </EmptyState>
        ) : search.isPending ? (
          <ProductGridSkeleton />
        ) : search.isError ? (
          <ErrorMessage error={search.error} onRetry={() => void search.refetch()} />
        ) : search.data.results.length === 0 ? (
          <EmptyState title={`No results for “${params.q}”`}>
            {params.exact ? (
              <>
                <Link to={`/search?${new URLSearchParams({ q: params.q }).toString()}`}>
                  Search with spelling corrections
                </Link>{' '}
              </>
            ) : null}
            {hasFilters
              ? 'Try removing a filter.'
              : 'Check the spelling or try a more general word.'}{' '}
            <Link to="/products">Browse all products</Link>
          </EmptyState>
        ) : (
          <div aria-busy={search.isFetching || undefined}>
            <Understood q={params.q} data={search.data} />
            <p className="muted" aria-live="polite">
              {search.data.count} {search.data.count === 1 ? 'result' : 'results'}
            </p>
            <h2 className="visually-hidden">Search results</h2>
            <ProductGrid products={search.data.results} label="Search results" />
            <Pagination
              page={params.page ?? 1}
              count={search.data.count}
              pageSize={SEARCH_PAGE_SIZE}
            />
          </div>
        )}
      </section>
    </div>
  );
}
