import type { QueryClient } from '@tanstack/react-query';
import {
  FEATURED_PRODUCTS,
  filtersFromSearchParams,
  productsQueryOptions,
} from '@/features/catalog/api/catalog';

/**
 * Render-as-you-fetch for the first page of a visit: the product data of the home page and the
 * listing is requested as soon as the main bundle runs, in parallel with the route's chunk,
 * instead of after it (one round trip less before the first product images, the LCP). The
 * pages' own hooks find the request in the cache under the same key.
 */
export function prefetchInitialRoute(
  client: QueryClient,
  location: Pick<Location, 'pathname' | 'search'>,
): void {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') {
    void client.prefetchQuery(productsQueryOptions(FEATURED_PRODUCTS));
  } else if (path === '/products') {
    const filters = filtersFromSearchParams(new URLSearchParams(location.search));
    void client.prefetchQuery(productsQueryOptions(filters));
  }
}
