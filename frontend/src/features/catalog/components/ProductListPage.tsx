import { useId, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, EmptyState } from '@/components/ui/Feedback';
import { TextField } from '@/components/ui/Field';
import { FilterPanel } from '@/components/ui/FilterPanel';
import { Pagination } from '@/components/ui/Pagination';
import { ProductGrid, ProductGridSkeleton } from '@/components/ui/ProductCard';
import { RatingAndStockFilters } from '@/components/ui/RatingAndStockFilters';
import { activeFilterCount, useListingParams } from '@/lib/filters';
import { useDocumentTitle } from '@/lib/hooks';
import {
  PAGE_SIZE,
  filtersFromSearchParams,
  useCategories,
  useProducts,
  type Category,
} from '../api/catalog';
import { CategorySelect, ListingHead } from './ListingParts';

function findName(categories: Category[], slug: string): string | undefined {
  for (const category of categories) {
    if (category.slug === slug) return category.name;
    const inner = findName(category.children ?? [], slug);
    if (inner) return inner;
  }
  return undefined;
}

export function ProductListPage() {
  const [searchParams, setSearchParams, update] = useListingParams();
  const filters = filtersFromSearchParams(searchParams);
  const categories = useCategories();
  const products = useProducts(filters);
  const headingId = useId();
  const categoryName =
    filters.category && categories.data ? findName(categories.data, filters.category) : undefined;
  const title = categoryName ?? 'All products';
  useDocumentTitle(title);

  const onPriceSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    update({
      min_price: String(data.get('min_price') ?? '').trim() || undefined,
      max_price: String(data.get('max_price') ?? '').trim() || undefined,
    });
  };

  const activeFilters = activeFilterCount(filters);
  const hasFilters = activeFilters > 0;

  return (
    <div className="listing">
      <FilterPanel label="Filters" title="Filter" active={activeFilters}>
        <CategorySelect value={filters.category} onChange={(category) => update({ category })} />
        <form
          onSubmit={onPriceSubmit}
          className="filters__price"
          key={`${filters.min_price}-${filters.max_price}`}
        >
          <fieldset>
            <legend>Price</legend>
            <div className="row">
              <TextField
                label="Min"
                name="min_price"
                inputMode="decimal"
                defaultValue={filters.min_price ?? ''}
                pattern="\d+(\.\d{1,2})?"
              />
              <TextField
                label="Max"
                name="max_price"
                inputMode="decimal"
                defaultValue={filters.max_price ?? ''}
                pattern="\d+(\.\d{1,2})?"
              />
            </div>
            <Button type="submit" variant="secondary">
              Apply price
            </Button>
          </fieldset>
        </form>
        <form
          className="filters__vendor"
          key={filters.vendor ?? ''}
          onSubmit={(event) => {
            event.preventDefault();
            const vendor = String(new FormData(event.currentTarget).get('vendor') ?? '').trim();
            update({ vendor: vendor || undefined });
          }}
        >
          <TextField
            label="Vendor"
            name="vendor"
            defaultValue={filters.vendor ?? ''}
            hint="The vendor's short name, e.g. from a product page."
          />
          <Button type="submit" variant="secondary">
            Apply vendor
          </Button>
        </form>
        <RatingAndStockFilters filters={filters} update={update} />
        {hasFilters ? (
          <Button
            variant="ghost"
            onClick={() => setSearchParams(filters.ordering ? { ordering: filters.ordering } : {})}
          >
            Clear filters
          </Button>
        ) : null}
      </FilterPanel>

      <section className="listing__results" aria-labelledby={headingId}>
        <ListingHead
          heading={<h1 id={headingId}>{title}</h1>}
          count={products.data?.count}
          countIsEstimate={products.data?.count_is_estimate}
          ordering={filters.ordering}
          onOrderingChange={(ordering) => update({ ordering })}
        />
        {products.isPending ? (
          <ProductGridSkeleton />
        ) : products.isError ? (
          <ErrorMessage error={products.error} onRetry={() => void products.refetch()} />
        ) : products.data.results.length === 0 ? (
          <EmptyState title="No products match these filters">
            {hasFilters ? 'Try removing a filter or widening the price range.' : 'Check back soon.'}
          </EmptyState>
        ) : (
          <div
            aria-busy={products.isFetching || undefined}
            className={products.isPlaceholderData ? 'is-stale' : undefined}
          >
            {/* Keeps the heading outline h1 → h2 → h3 (the cards' names) for screen readers. */}
            <h2 className="visually-hidden">Products</h2>
            <ProductGrid products={products.data.results} label="Products" />
            <Pagination page={filters.page ?? 1} count={products.data.count} pageSize={PAGE_SIZE} />
          </div>
        )}
      </section>
    </div>
  );
}
