import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { categories, product, productDetail } from '@/test/fixtures';
import { server } from '@/test/server';
import { API, apiError, paginated, renderWithProviders } from '@/test/utils';
import { filtersFromSearchParams } from './api/catalog';
import { HomePage } from './components/HomePage';
import { ProductListPage } from './components/ProductListPage';
import { ProductPage } from './components/ProductPage';

describe('home', () => {
  it('shows categories and featured products', async () => {
    server.use(
      http.get(API('/categories/'), () => HttpResponse.json(categories)),
      http.get(API('/products/'), () => HttpResponse.json(paginated([product]))),
    );
    renderWithProviders(<HomePage />);
    expect(await screen.findByRole('link', { name: 'Home' })).toHaveAttribute(
      'href',
      '/products?category=home',
    );
    const featured = await screen.findByRole('list', { name: 'Featured products' });
    // Decorative (alt=""), so not an "img" role: the link text names the product.
    const img = featured.querySelector('img');
    expect(img).toHaveAttribute('width', '400');
    expect(img).toHaveAttribute('height', '400');
    expect(img).toHaveAttribute('sizes');
    expect(within(featured).getByRole('link', { name: /Desk Lamp/ })).toHaveAttribute(
      'href',
      '/products/desk-lamp',
    );
  });

  it('explains an empty shop and a failed request in words', async () => {
    server.use(
      http.get(API('/categories/'), () => apiError(500, 'server_error', 'boom')),
      http.get(API('/products/'), () => HttpResponse.json(paginated([]))),
    );
    renderWithProviders(<HomePage />);
    expect(await screen.findByText('Nothing for sale yet')).toBeInTheDocument();
    expect(await screen.findByRole('alert')).toHaveTextContent('Something went wrong on our side');
  });
});

describe('listing', () => {
  it('reads filters from the URL, sends them, and keeps changes in the URL from page 1', async () => {
    const requests: URLSearchParams[] = [];
    server.use(
      http.get(API('/categories/'), () => HttpResponse.json(categories)),
      http.get(API('/products/'), ({ request }) => {
        requests.push(new URL(request.url).searchParams);
        return HttpResponse.json(paginated([product], 60));
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<ProductListPage />, {
      route: '/products?category=lighting&page=2&ordering=price',
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Lighting' })).toBeInTheDocument();
    expect(await screen.findByText('60 products')).toBeInTheDocument();
    expect(requests[0]?.get('category')).toBe('lighting');
    expect(requests[0]?.get('page')).toBe('2');
    expect(requests[0]?.get('ordering')).toBe('price');
    expect(screen.getByRole('link', { name: 'Page 3' })).toHaveAttribute(
      'href',
      '/products?category=lighting&page=3&ordering=price',
    );

    await user.click(screen.getByRole('checkbox', { name: 'In stock only' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/products?category=lighting&ordering=price&in_stock=true',
      ),
    );
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), '-created_at');
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('ordering=-created_at'),
    );
    await user.type(screen.getByRole('textbox', { name: 'Min' }), '10');
    await user.type(screen.getByRole('textbox', { name: 'Max' }), '50');
    await user.click(screen.getByRole('button', { name: 'Apply price' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('min_price=10&max_price=50'),
    );
    await user.type(screen.getByRole('textbox', { name: 'Vendor' }), 'lumen');
    await user.click(screen.getByRole('button', { name: 'Apply vendor' }));
    await waitFor(() => expect(requests.at(-1)?.get('vendor')).toBe('lumen'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Category' }), 'bags');
    await waitFor(() => expect(requests.at(-1)?.get('category')).toBe('bags'));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        /^\/products\?ordering=-created_at$/,
      ),
    );
  });

  it('ignores malformed URL values', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams('min_price=abc&max_price=12.5&ordering=evil&page=-3&in_stock=yes'),
    );
    expect(filters).toEqual({
      category: undefined,
      vendor: undefined,
      min_price: undefined,
      max_price: '12.5',
      in_stock: undefined,
      ordering: undefined,
      page: undefined,
    });
  });

  it('shows an empty state when nothing matches', async () => {
    server.use(
      http.get(API('/categories/'), () =>
        HttpResponse.json({ count: 0, next: null, previous: null, results: [] }),
      ),
      http.get(API('/products/'), () => HttpResponse.json(paginated([]))),
    );
    renderWithProviders(<ProductListPage />, { route: '/products?in_stock=true' });
    expect(await screen.findByText('No products match these filters')).toBeInTheDocument();
  });

  it('says "about" when the API only estimates how many products match', async () => {
    server.use(
      http.get(API('/categories/'), () => HttpResponse.json(categories)),
      http.get(API('/products/'), () =>
        HttpResponse.json({ ...paginated([product], 12000), count_is_estimate: true }),
      ),
    );
    renderWithProviders(<ProductListPage />, { route: '/products?min_price=10' });
    expect(await screen.findByText('About 12,000 products')).toBeInTheDocument();
  });
});

describe('product page', () => {
  it('shows images, lets the shopper pick a variant and passes it to the add-to-cart slot', async () => {
    server.use(http.get(API('/products/desk-lamp/'), () => HttpResponse.json(productDetail)));
    const user = userEvent.setup();
    renderWithProviders(
      <ProductPage
        renderAddToCart={(variant) => (
          <p data-testid="slot">{variant ? `variant ${variant.id}` : 'none'}</p>
        )}
      />,
      { route: '/products/desk-lamp', path: '/products/:slug' },
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Desk Lamp' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Lamp front' })).toHaveAttribute('loading', 'eager');
    expect(screen.getByText('Only 3 left')).toBeInTheDocument();
    expect(screen.getByTestId('slot')).toHaveTextContent('variant 11');
    await user.click(screen.getByRole('radio', { name: /White/ }));
    expect(screen.getByText('Out of stock')).toBeInTheDocument();
    expect(screen.getByTestId('slot')).toHaveTextContent('variant 12');
    await user.click(screen.getByRole('button', { name: 'Show image 2' }));
    expect(screen.getByRole('img', { name: 'Lamp side' })).toBeInTheDocument();
    expect(screen.getByText('steel')).toBeInTheDocument();
  });

  it('says when a product does not exist', async () => {
    server.use(http.get(API('/products/nope/'), () => apiError(404, 'not_found', 'Not found.')));
    renderWithProviders(<ProductPage renderAddToCart={() => null} />, {
      route: '/products/nope',
      path: '/products/:slug',
    });
    expect(await screen.findByRole('heading', { name: 'Product not found' })).toBeInTheDocument();
  });
});
