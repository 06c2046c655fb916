import { screen, waitFor } from '@testing-library/react';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { cartTokenStore, sessionStore } from '@/lib/session';
import { cart, categories, me, product, productDetail } from '@/test/fixtures';
import { server } from '@/test/server';
import { API, paginated } from '@/test/utils';
import { App } from './App';

function catalogHandlers() {
  return [
    http.get(API('/categories/'), () => HttpResponse.json(categories)),
    http.get(API('/products/'), () => HttpResponse.json(paginated([product]))),
    http.get(API('/products/desk-lamp/'), () => HttpResponse.json(productDetail)),
  ];
}

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  return render(<App />);
}

describe('app shell', () => {
  it('loads the home route lazily and navigates to a product and into the cart drawer', async () => {
    let current = cart([]);
    server.use(
      ...catalogHandlers(),
      http.post(API('/carts/'), () => HttpResponse.json(cart([], 'g-1'), { status: 201 })),
      http.get(API('/cart/'), () => HttpResponse.json(current)),
      http.post(API('/cart/items/'), () => {
        current = cart([{ id: 1, variantId: 11, quantity: 1, name: 'Black' }], 'g-1');
        return HttpResponse.json(current);
      }),
    );
    const user = userEvent.setup();
    renderAt('/');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Independent makers, one checkout' }),
    ).toBeInTheDocument();
    await user.click(await screen.findByRole('link', { name: /Desk Lamp/ }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Desk Lamp' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add to cart' }));
    const drawer = await screen.findByRole('dialog', { name: 'Your cart' });
    expect(drawer).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Cart, 1 item' })).toBeInTheDocument();
    expect(cartTokenStore.get()).toBe('g-1');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('sends signed-out visitors of account pages to login and back', async () => {
    renderAt('/account');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(window.location.pathname + window.location.search).toBe('/login?next=%2Faccount');
  });

  it('shows the account and vendor links when signed in, and signs out', async () => {
    sessionStore.set({ access: 'a' });
    server.use(
      ...catalogHandlers(),
      http.get(API('/me/'), () =>
        HttpResponse.json({
          ...me,
          vendor: { slug: 'lumen', name: 'Lumen', status: 'pending', role: 'owner' },
        }),
      ),
      http.get(API('/cart/'), () => HttpResponse.json(cart([], 'user'))),
      http.get(API('/orders/'), () => HttpResponse.json(paginated([]))),
      http.delete(API('/auth/token/refresh/'), () => new HttpResponse(null, { status: 204 })),
    );
    const user = userEvent.setup();
    renderAt('/account');
    expect(await screen.findByText('Signed in as Sam Shopper')).toBeInTheDocument();
    expect(await screen.findByText('No orders yet')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Vendor portal' }));
    expect(await screen.findByText(/your application is under review/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('link', { name: 'Sign in' })).toBeInTheDocument();
    expect(sessionStore.get()).toBeNull();
  });

  it('renders a not-found page for unknown paths', async () => {
    renderAt('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});
