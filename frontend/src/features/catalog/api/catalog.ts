import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api';
import { isMinRating } from '@/lib/ratings';
import type { ListingFilters } from '@/lib/filters';
import type { Schema } from '@/lib/types';

export type Category = Schema<'CategoryNode'>;
export type ProductSummary = Schema<'ProductSummary'>;
export type Variant = Schema<'PublicVariant'>;
export type ProductDetail = Schema<'ProductDetail'>;
export type VendorProfile = Schema<'VendorPublic'>;
export type VendorShippingMethod = Schema<'OfferedMethod'>;

export const ORDERINGS = [
  { value: '', label: 'Featured' },
  { value: 'price', label: 'Price: low to high' },
  { value: '-price', label: 'Price: high to low' },
  { value: 'name', label: 'Name: A to Z' },
  { value: '-created_at', label: 'Newest first' },
  { value: '-rating', label: 'Best rated' },
] as const;

export type ProductFilters = ListingFilters & { page_size?: number | undefined };

export const PAGE_SIZE = 24;
/** The home page's featured products. */
export const FEATURED_PRODUCTS: ProductFilters = { page_size: 8 };

/** The URL is the source of truth for listing state; unknown or bad values are dropped. */
export function filtersFromSearchParams(params: URLSearchParams): ProductFilters {
  const text = (key: string) => params.get(key)?.trim() || undefined;
  const money = (key: string) => {
    const value = text(key);
    return value && /^\d+(\.\d{1,2})?$/.test(value) ? value : undefined;
  };
  const page = Number(params.get('page'));
  const ordering = text('ordering');
  const minRating = text('min_rating');
  return {
    category: text('category'),
    vendor: text('vendor'),
    min_price: money('min_price'),
    max_price: money('max_price'),
    in_stock: params.get('in_stock') === 'true' ? true : undefined,
    min_rating: isMinRating(minRating) ? minRating : undefined,
    ordering: ORDERINGS.some((o) => o.value === ordering) ? ordering : undefined,
    page: Number.isInteger(page) && page > 1 ? page : undefined,
  };
}

export const categoriesQueryOptions = () =>
  queryOptions({
    queryKey: ['categories'],
    queryFn: ({ signal }) => api<Category[] | Paginated<Category>>('/categories/', { signal }),
    // Tolerate a paginated answer as well as a bare tree.
    select: (data) => (Array.isArray(data) ? data : data.results),
    staleTime: 10 * 60_000,
  });

export function useCategories() {
  return useQuery(categoriesQueryOptions());
}

export const productsQueryOptions = (filters: ProductFilters) =>
  queryOptions({
    queryKey: ['products', 'list', filters],
    queryFn: ({ signal }) =>
      api<Schema<'PaginatedProductSummaryList'>>('/products/', {
        signal,
        query: { page_size: PAGE_SIZE, ...filters },
      }),
    placeholderData: keepPreviousData,
  });

export function useProducts(filters: ProductFilters) {
  return useQuery(productsQueryOptions(filters));
}

export const productQueryOptions = (slug: string) =>
  queryOptions({
    queryKey: ['products', 'detail', slug],
    queryFn: ({ signal }) =>
      api<ProductDetail>(`/products/${encodeURIComponent(slug)}/`, { signal }),
  });

export function useProduct(slug: string) {
  return useQuery(productQueryOptions(slug));
}

/** The tree as indented options for a select. */
export function flattenCategories(
  categories: Category[],
  depth = 0,
): { slug: string; label: string }[] {
  return categories.flatMap((category) => [
    { slug: category.slug, label: `${'— '.repeat(depth)}${category.name}` },
    ...flattenCategories(category.children ?? [], depth + 1),
  ]);
}

export const vendorQueryOptions = (slug: string) =>
  queryOptions({
    queryKey: ['vendors', 'detail', slug],
    queryFn: ({ signal }) =>
      api<VendorProfile>(`/vendors/${encodeURIComponent(slug)}/`, { signal }),
    staleTime: 5 * 60_000,
  });

export function useVendor(slug: string) {
  return useQuery(vendorQueryOptions(slug));
}

export function useVendorShippingMethods(slug: string) {
  return useQuery({
    queryKey: ['vendors', 'shipping', slug],
    queryFn: ({ signal }) =>
      api<VendorShippingMethod[]>(`/vendors/${encodeURIComponent(slug)}/shipping-methods/`, {
        signal,
      }),
    staleTime: 5 * 60_000,
  });
}

/** Words searched within one vendor's products (the search endpoint, filtered to the vendor). */
export function useVendorSearch(vendor: string, q: string, filters: ProductFilters) {
  return useQuery({
    queryKey: ['vendors', 'search', vendor, q, filters],
    queryFn: ({ signal }) =>
      api<Schema<'SearchPage'>>('/search/', {
        signal,
        query: { page_size: PAGE_SIZE, ...filters, vendor, q },
      }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
}
