import { useId, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { TextField } from '@/components/ui/Field';
import { FilterPanel } from '@/components/ui/FilterPanel';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { ProductGrid, ProductGridSkeleton } from '@/components/ui/ProductCard';
import { Rating } from '@/components/ui/Rating';
import { RatingAndStockFilters } from '@/components/ui/RatingAndStockFilters';
import { isApiError } from '@/lib/errors';
import { useListingParams } from '@/lib/filters';
import { formatDate } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import {
  PAGE_SIZE,
  filtersFromSearchParams,
  useProducts,
  useVendor,
  useVendorSearch,
  useVendorShippingMethods,
  type VendorProfile,
} from '../api/catalog';
import { CategorySelect, ListingHead } from './ListingParts';

/** A vendor's storefront: who they are, how they ship and take returns, and what they sell. */
export function VendorStorePage() {
  const { slug = '' } = useParams();
  const vendor = useVendor(slug);
  useDocumentTitle(vendor.data?.name);
  if (vendor.isPending) return <Spinner label="Loading the shop…" />;
  if (vendor.isError) {
    return isApiError(vendor.error) && vendor.error.status === 404 ? (
      <div className="stack">
        <h1>Shop not found</h1>
        <p>This vendor is not selling on Agora at the moment.</p>
        <Link to="/products">Browse all products</Link>
      </div>
    ) : (
      <ErrorMessage error={vendor.error} onRetry={() => void vendor.refetch()} />
    );
  }
  return (
    <div className="stack">
      <VendorProfileView vendor={vendor.data} />
      <VendorProducts vendor={vendor.data} />
    </div>
  );
}

function VendorProfileView({ vendor }: { vendor: VendorProfile }) {
  const shipping = useVendorShippingMethods(vendor.slug);
  return (
    <header className="vendor-profile stack">
      <h1>{vendor.name}</h1>
      <Rating average={vendor.rating_average} count={vendor.rating_count} showEmpty />
      {vendor.description ? <p className="vendor-profile__about">{vendor.description}</p> : null}
      <dl className="attributes">
        <div>
          <dt>Ships within</dt>
          <dd>
            {vendor.handling_days} {vendor.handling_days === 1 ? 'working day' : 'working days'}
          </dd>
        </div>
        <div>
          <dt>Returns</dt>
          <dd>
            {vendor.return_window_days
              ? `Within ${vendor.return_window_days} days of delivery`
              : 'Not accepted'}
          </dd>
        </div>
        {vendor.approved_at ? (
          <div>
            <dt>Selling on Agora since</dt>
            <dd>{formatDate(vendor.approved_at)}</dd>
          </div>
        ) : null}
      </dl>
      {shipping.data?.length ? (
        <section aria-label="Shipping">
          <h2 className="h3">Shipping</h2>
          <ul className="vendor-profile__shipping">
            {shipping.data.map((method) => (
              <li key={method.code}>
                {method.name}: <Price amount={method.price} currency={method.currency} />
                {method.free_above ? (
                  <>
                    {' '}
                    (free from <Price amount={method.free_above} currency={method.currency} />)
                  </>
                ) : null}
                , {method.delivery_days_min}–{method.delivery_days_max} days
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </header>
  );
}

function VendorProducts({ vendor }: { vendor: VendorProfile }) {
  const [searchParams, , update] = useListingParams();
  // The shop is the vendor filter: a `vendor` in the URL is not this page's to change.
  const filters = { ...filtersFromSearchParams(searchParams), vendor: undefined };
  const q = searchParams.get('q')?.trim() ?? '';
  const listed = useProducts({ ...filters, vendor: vendor.slug });
  const searched = useVendorSearch(vendor.slug, q, filters);
  const products = q ? searched : listed;
  const headingId = useId();

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update({ q: String(new FormData(event.currentTarget).get('q') ?? '').trim() || undefined });
  };
  const active = [filters.category, filters.in_stock, filters.min_rating].filter(Boolean).length;

  return (
    <div className="listing">
      <FilterPanel label="Filters" title="Filter" active={active}>
        <CategorySelect value={filters.category} onChange={(category) => update({ category })} />
        <RatingAndStockFilters filters={filters} update={update} />
      </FilterPanel>
      <section className="listing__results" aria-labelledby={headingId}>
        <ListingHead
          heading={
            <h2 id={headingId}>{q ? `“${q}” at ${vendor.name}` : `Products by ${vendor.name}`}</h2>
          }
          count={products.data?.count}
          // the in-shop search always counts exactly; the product list may estimate
          countIsEstimate={
            products.data && 'count_is_estimate' in products.data && products.data.count_is_estimate
          }
          ordering={filters.ordering}
          onOrderingChange={(ordering) => update({ ordering })}
        />
        <form role="search" className="row" onSubmit={onSearch} key={q}>
          <TextField
            label={`Search ${vendor.name}`}
            name="q"
            type="search"
            defaultValue={q}
            className="grow"
          />
          <Button type="submit">Search</Button>
        </form>
        {products.isPending ? (
          <ProductGridSkeleton />
        ) : products.isError ? (
          <ErrorMessage error={products.error} onRetry={() => void products.refetch()} />
        ) : products.data.results.length === 0 ? (
          <EmptyState title="No products match">
            {q || active ? 'Try other words or remove a filter.' : 'Check back soon.'}
          </EmptyState>
        ) : (
          <div aria-busy={products.isFetching || undefined}>
            <ProductGrid products={products.data.results} label={`Products by ${vendor.name}`} />
            <Pagination page={filters.page ?? 1} count={products.data.count} pageSize={PAGE_SIZE} />
          </div>
        )}
      </section>
    </div>
  );
}
