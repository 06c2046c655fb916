import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  FEATURED_PRODUCTS,
  filtersFromSearchParams,
  productsQueryOptions,
} from '@/features/catalog/api/catalog';
import { product } from '@/test/fixtures';
import { server } from '@/test/server';
import { API, paginated } from '@/test/utils';
import { prefetchInitialRoute } from './prefetch';
import { createQueryClient } from './query-client';

describe('prefetchInitialRoute', () => {
  it('starts the listing request the page will read, with the filters in the URL', async () => {
    const seen: string[] = [];
    server.use(
      http.get(API('/products/'), ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json(paginated([product]));
      }),
    );
    const client = createQueryClient();
    prefetchInitialRoute(client, { pathname: '/products/', search: '?category=lighting&page=2' });
    const key = productsQueryOptions(
      filtersFromSearchParams(new URLSearchParams('category=lighting&page=2')),
    ).queryKey;
    await expect.poll(() => client.getQueryData(key)).toBeTruthy();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('category=lighting');
    expect(seen[0]).toContain('page=2');
  });

  it('starts the featured products on the home page and nothing elsewhere', async () => {
    let requests = 0;
    server.use(
      http.get(API('/products/'), () => {
        requests += 1;
        return HttpResponse.json(paginated([product]));
      }),
    );
    const client = createQueryClient();
    prefetchInitialRoute(client, { pathname: '/account/orders', search: '' });
    prefetchInitialRoute(client, { pathname: '/', search: '' });
    const key = productsQueryOptions(FEATURED_PRODUCTS).queryKey;
    await expect.poll(() => client.getQueryData(key)).toBeTruthy();
    expect(requests).toBe(1);
  });

  it('preloads the first row of product images once the data arrives, each once', async () => {
    const products = Array.from({ length: 6 }, (_, i) => ({
      ...product,
      id: i + 1,
      slug: `p-${i}`,
      thumbnail: i === 1 ? null : `/media/p-${i}.jpg`,
    }));
    server.use(http.get(API('/products/'), () => HttpResponse.json(paginated(products))));
    document.head.querySelectorAll('link[rel="preload"]').forEach((link) => link.remove());
    const client = createQueryClient();
    prefetchInitialRoute(client, { pathname: '/products', search: '' });
    const preloaded = () =>
      [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preload"][as="image"]')].map(
        (link) => link.getAttribute('href'),
      );
    await expect.poll(preloaded).toHaveLength(3);
    // the first four cards load eagerly; one of them has no picture
    expect(preloaded()).toEqual(['/media/p-0.jpg', '/media/p-2.jpg', '/media/p-3.jpg']);
    prefetchInitialRoute(createQueryClient(), { pathname: '/products', search: '' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(preloaded()).toHaveLength(3);
  });
});
