import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { Schema } from '@/lib/types';
import { categories, product } from '@/test/fixtures';
import { server } from '@/test/server';
import { API, apiError, paginated, renderWithProviders } from '@/test/utils';
import { ProductListPage } from './components/ProductListPage';
import { VendorStorePage } from './components/VendorStorePage';

const lumen = {
  slug: 'lumen',
  name: 'Lumen Works',
  description: 'Lamps made in Porto.',
  handling_days: 2,
  return_window_days: 30,
  rating_average: '4.25',
  rating_count: 8,
  created_at: '2026-01-01T00:00:00Z',
  approved_at: '2026-01-02T00:00:00Z',
} satisfies Schema<'VendorPublic'>;

const parcel = {
  code: 'lumen-parcel',
  name: 'Parcel',
  price: '4.90',
  currency: 'EUR',
  countries: [],
  free_above: '50.00',
  delivery_days_min: 2,
  delivery_days_max: 4,
} satisfies Schema<'OfferedMethod'>;

describe('vendor storefront', () => {
  it("shows the vendor's profile, policies and rating, and lists only its products", async () => {
    const listed: URLSearchParams[] = [];
    server.use(
      http.get(API('/vendors/lumen/'), () => HttpResponse.json(lumen)),
      http.get(API('/vendors/lumen/shipping-methods/'), () => HttpResponse.json([parcel])),
      http.get(API('/categories/'), () => HttpResponse.json(categories)),
      http.get(API('/products/'), ({ request }) => {
        listed.push(new URL(request.url).searchParams);
        return HttpResponse.json(paginated([product]));
      }),
    );
    renderWithProviders(<VendorStorePage />, {
      route: '/vendors/lumen?vendor=someone-else&min_rating=4',
      path: '/vendors/:slug',
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Lumen Works' })).toBeVisible();
    expect(screen.getByRole('img', { name: 'Rated 4.3 out of 5, 8 reviews' })).toBeVisible();
    expect(screen.getByText('Within 30 days of delivery')).toBeVisible();
    expect(await screen.findByText(/Parcel:/)).toHaveTextContent('free from');
    const grid = await screen.findByRole('list', { name: 'Products by Lumen Works' });
    expect(within(grid).getByRole('link', { name: /Desk Lamp/ })).toBeVisible();
    // The shop is the filter: a vendor in the URL cannot widen it; the other filters pass.
    expect(listed.at(-1)?.get('vendor')).toBe('lumen');
    expect(listed.at(-1)?.get('min_rating')).toBe('4');
  });

  it("searches within the vendor's products", async () => {
    const searched: URLSearchParams[] = [];
    server.use(
      http.get(API('/vendors/lumen/'), () => HttpResponse.json(lumen)),
      http.get(API('/vendors/lumen/shipping-methods/'), () => HttpResponse.json([])),
      http.get(API('/categories/'), () => HttpResponse.json(categories)),
      http.get(API('/products/'), () => HttpResponse.json(paginated([product]))),
      http.get(API('/search/'), ({ request }) => {
        searched.push(new URL(request.url).searchParams);
        return HttpResponse.json({
          ...paginated([{ ...product, thumbnail: '/media/lamp.jpg' }]),
          facets: { category: [], vendor: [], price: [] },
        });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<VendorStorePage />, { route: '/vendors/lumen', path: '/vendors/:slug' });
    await user.type(await screen.findByRole('searchbox', { name: 'Search Lumen Works' }), 'lamp');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByRole('heading', { name: '“lamp” at Lumen Works' })).toBeVisible();
    expect(searched.at(-1)?.get('q')).toBe('lamp');
    expect(searched.at(-1)?.get('vendor')).toBe('lumen');
  });

  it('says so for a vendor that is not selling', async () => {
    server.use(
      http.get(API('/vendors/gone/'), () => apiError(404, 'not_found', 'Not found.')),
      http.get(API('/vendors/gone/shipping-methods/'), () => apiError(404, 'not_found', 'No.')),
    );
    renderWithProviders(<VendorStorePage />, { route: '/vendors/gone', path: '/vendors/:slug' });
    expect(await screen.findByRole('heading', { name: 'Shop not found' })).toBeVisible();
  });
});

describe('ratings in the list', () => {
  it('shows each card’s rating, links its vendor, and filters and sorts by rating', async () => {
    const requests: URLSearchParams[] = [];
    server.use(
      http.get(API('/categories/'), () => HttpResponse.json(categories)),
      http.get(API('/products/'), ({ request }) => {
        requests.push(new URL(request.url).searchParams);
        return HttpResponse.json(paginated([product]));
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<ProductListPage />, { route: '/products' });
    const grid = await screen.findByRole('list', { name: 'Products' });
    expect(within(grid).getByRole('img', { name: 'Rated 4.5 out of 5, 2 reviews' })).toBeVisible();
    expect(within(grid).getByRole('link', { name: 'Lumen Works' })).toHaveAttribute(
      'href',
      '/vendors/lumen',
    );
    await user.selectOptions(screen.getByLabelText('Rating'), '4');
    await user.selectOptions(screen.getByLabelText('Sort by'), '-rating');
    expect(screen.getByTestId('location')).toHaveTextContent('min_rating=4');
    expect(screen.getByTestId('location')).toHaveTextContent('ordering=-rating');
    expect(requests.at(-1)?.get('min_rating')).toBe('4');
    expect(requests.at(-1)?.get('ordering')).toBe('-rating');
  });
});
