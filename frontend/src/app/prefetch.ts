import type { QueryClient } from '@tanstack/react-query';
import {
  FEATURED_PRODUCTS,
  filtersFromSearchParams,
  productsQueryOptions,
  type ProductFilters,
} from '@/features/catalog/api/catalog';
import { EAGER_CARD_IMAGES, preloadImages } from '@/lib/images';

/**
 * Render-as-you-fetch for the first page of a visit: the product data of the home page and the
 * listing is requested as soon as the main bundle runs, in parallel with the route's chunk,
 * instead of after it (one round trip less before the first product images, the LCP). The
 * pages' own hooks find the request in the cache under the same key. The first row's images
 * are preloaded as soon as the data arrives, while the route's chunk may still be on its way.
 */
export function prefetchInitialRoute(
  client: QueryClient,
  location: Pick<Location, 'pathname' | 'search'>,
): void {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') {
    void prefetchProducts(client, FEATURED_PRODUCTS);
  } else if (path === '/products') {
    void prefetchProducts(client, filtersFromSearchParams(new URLSearchParams(location.search)));
  }
}

async function prefetchProducts(client: QueryClient, filters: ProductFilters): Promise<void> {
  const options = productsQueryOptions(filters);
  await client.prefetchQuery(options);
  const page = client.getQueryData(options.queryKey);
  preloadImages((page?.results ?? []).slice(0, EAGER_CARD_IMAGES).map((p) => p.thumbnail));
}
