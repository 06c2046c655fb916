import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { cartTokenStore, sessionStore } from '@/lib/session';
import { cart } from '@/test/fixtures';
import { server } from '@/test/server';
import { API, apiError, createTestQueryClient, renderWithProviders } from '@/test/utils';
import { cartDrawerStore, mergeGuestCart, useAddToCart, useCart } from './api/cart';
import { AddToCart } from './components/AddToCart';
import { CartDrawer, CartPage } from './components/CartDrawer';
import { CartButton } from './components/CartButton';

function wrapper(client = createTestQueryClient()) {
  return {
    client,
    Wrapper: ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    ),
  };
}

describe('guest cart', () => {
  it('creates a cart on first add, keeps its token in localStorage and sends it back', async () => {
    const tokensSeen: (string | null)[] = [];
    server.use(
      http.post(API('/carts/'), () => HttpResponse.json(cart([], 'guest-abc'), { status: 201 })),
      http.get(API('/cart/'), () =>
        HttpResponse.json(cart([{ id: 1, variantId: 11, quantity: 2 }], 'guest-abc')),
      ),
      http.post(API('/cart/items/'), async ({ request }) => {
        tokensSeen.push(request.headers.get('X-Cart-Token'));
        expect(await request.json()).toEqual({ variant_id: 11, quantity: 2 });
        return HttpResponse.json(cart([{ id: 1, variantId: 11, quantity: 2 }], 'guest-abc'));
      }),
    );
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => ({ add: useAddToCart(), cart: useCart() }), {
      wrapper: Wrapper,
    });
    expect(result.current.cart.fetchStatus).toBe('idle'); // no token yet: nothing to fetch
    await act(() => result.current.add.mutateAsync({ variantId: 11, quantity: 2 }));
    expect(tokensSeen).toEqual(['guest-abc']);
    expect(JSON.parse(window.localStorage.getItem('agora.cartToken') ?? 'null')).toBe('guest-abc');
    await waitFor(() => expect(result.current.cart.data?.item_count).toBe(2));
  });

  it('starts a new cart when the stored one has expired', async () => {
    cartTokenStore.set('expired');
    let created = 0;
    server.use(
      http.post(API('/cart/items/'), ({ request }) =>
        request.headers.get('X-Cart-Token') === 'fresh'
          ? HttpResponse.json(cart([{ id: 1, variantId: 11, quantity: 1 }], 'fresh'))
          : apiError(404, 'not_found', 'Cart not found.'),
      ),
      http.post(API('/carts/'), () => {
        created += 1;
        return HttpResponse.json(cart([], 'fresh'), { status: 201 });
      }),
    );
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useAddToCart(), { wrapper: Wrapper });
    const updated = await act(() => result.current.mutateAsync({ variantId: 11, quantity: 1 }));
    expect(updated.token).toBe('fresh');
    expect(created).toBe(1);
    expect(cartTokenStore.get()).toBe('fresh');
  });

  it('drops an expired token when reading the cart', async () => {
    cartTokenStore.set('gone');
    server.use(http.get(API('/cart/'), () => apiError(404, 'not_found', 'Not found.')));
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useCart(), { wrapper: Wrapper });
    await waitFor(() => expect(cartTokenStore.get()).toBeNull());
    // The key moves to "no cart" and nothing is fetched for it.
    expect(result.current.data ?? null).toBeNull();
    expect(result.current.fetchStatus).toBe('idle');
  });
});

describe('merging on login', () => {
  it('posts the guest token, stores the merged cart and forgets the token', async () => {
    cartTokenStore.set('guest-1');
    sessionStore.set({ access: 'a' });
    const bodies: unknown[] = [];
    server.use(
      http.post(API('/cart/merge/'), async ({ request }) => {
        expect(request.headers.get('Authorization')).toBe('Bearer a');
        bodies.push(await request.json());
        return HttpResponse.json(cart([{ id: 5, variantId: 11, quantity: 3 }], 'user-cart'));
      }),
    );
    const client = createTestQueryClient();
    await Promise.all([mergeGuestCart(client), mergeGuestCart(client)]);
    expect(bodies).toEqual([{ token: 'guest-1' }]); // concurrent callers share one merge
    expect(cartTokenStore.get()).toBeNull();
    expect(client.getQueryData(['cart', 'user'])).toMatchObject({ item_count: 3 });
  });

  it('keeps the merged cart when the read of the cart sent at sign-in answers after the merge', async () => {
    cartTokenStore.set('guest-1');
    sessionStore.set({ access: 'a' });
    let answerRead = () => {};
    const readHeld = new Promise<void>((resolve) => {
      answerRead = resolve;
    });
    server.use(
      // The account had no cart before the merge: the late read would say so.
      http.get(API('/cart/'), async () => {
        await readHeld;
        return apiError(404, 'not_found', 'No cart.');
      }),
      http.post(API('/cart/merge/'), () =>
        HttpResponse.json(cart([{ id: 5, variantId: 11, quantity: 3 }], 'user-cart')),
      ),
    );
    const { client, Wrapper } = wrapper();
    const { result } = renderHook(() => useCart(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.fetchStatus).toBe('fetching'));
    await act(() => mergeGuestCart(client));
    answerRead();
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(result.current.data).toMatchObject({ item_count: 3 });
  });

  it('forgets a guest token the server does not know, and does nothing when signed out', async () => {
    cartTokenStore.set('unknown');
    const client = createTestQueryClient();
    await mergeGuestCart(client); // signed out: nothing to merge into
    expect(cartTokenStore.get()).toBe('unknown');
    sessionStore.set({ access: 'a' });
    server.use(
      http.post(API('/cart/merge/'), () => apiError(404, 'not_found', 'No such cart.')),
      http.get(API('/cart/'), () => HttpResponse.json(cart([], 'user'))),
    );
    await mergeGuestCart(client);
    expect(cartTokenStore.get()).toBeNull();
  });
});

describe('cart UI', () => {
  it('edits quantities in place and shows stock problems next to the line', async () => {
    cartTokenStore.set('guest-1');
    let current = cart([{ id: 1, variantId: 11, quantity: 1, name: 'Black' }]);
    server.use(
      http.get(API('/cart/'), () => HttpResponse.json(current)),
      http.patch(API('/cart/items/1/'), async ({ request }) => {
        const { quantity } = (await request.json()) as { quantity: number };
        if (quantity > 2)
          return apiError(409, 'insufficient_stock', 'Not enough stock.', {
            variant_id: 11,
            available: 2,
          });
        current = cart([{ id: 1, variantId: 11, quantity, name: 'Black' }]);
        return HttpResponse.json(current);
      }),
      http.delete(API('/cart/items/1/'), () => {
        current = cart([]);
        return HttpResponse.json(current);
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <CartButton />
        <CartPage />
      </>,
    );
    expect(await screen.findByRole('link', { name: 'Desk lamp' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cart, 1 item' })).toBeInTheDocument();
    await user.click(
      screen.getByRole('button', { name: 'Increase quantity of Desk lamp (Black)' }),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Cart, 2 items' })).toBeInTheDocument(),
    );
    await user.click(
      screen.getByRole('button', { name: 'Increase quantity of Desk lamp (Black)' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('Only 2 available.');
    await user.click(screen.getByRole('button', { name: 'Remove Desk lamp (Black) from cart' }));
    expect(await screen.findByText('Your cart is empty')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Cart, 0 items' }));
    expect(cartDrawerStore.get()).toBe(true);
    cartDrawerStore.set(false);
  });

  it('adds to cart and opens the drawer; sold-out variants cannot be added', async () => {
    server.use(
      http.post(API('/carts/'), () => HttpResponse.json(cart([], 'g'), { status: 201 })),
      http.post(API('/cart/items/'), () =>
        apiError(409, 'insufficient_stock', 'Not enough.', { variant_id: 11, available: 1 }),
      ),
    );
    const user = userEvent.setup();
    const { unmount } = renderWithProviders(<AddToCart variant={{ id: 11, stock_available: 3 }} />);
    await user.click(screen.getByRole('button', { name: 'Add to cart' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only 1 available');
    unmount();
    renderWithProviders(<AddToCart variant={{ id: 12, stock_available: 0 }} />);
    expect(screen.getByRole('button', { name: 'Sold out' })).toBeDisabled();
  });

  it('keeps "Add to cart" focused while it adds, and the drawer hands focus back to it', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let posts = 0;
    let current = cart([]);
    cartTokenStore.set('guest-1');
    server.use(
      http.get(API('/payment-methods/'), () => HttpResponse.json([])),
      http.get(API('/cart/'), () => HttpResponse.json(current)),
      http.post(API('/cart/items/'), async () => {
        posts += 1;
        await held;
        current = cart([{ id: 1, variantId: 11, quantity: 1, name: 'Black' }]);
        return HttpResponse.json(current, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <CartButton />
        <AddToCart variant={{ id: 11, stock_available: 3 }} />
        <CartDrawer />
      </>,
    );
    const add = screen.getByRole('button', { name: 'Add to cart' });
    add.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(add).toHaveAttribute('aria-busy', 'true'));
    // Busy, it is announced as unavailable but stays focusable: a disabled button drops focus.
    expect(add).toHaveAttribute('aria-disabled', 'true');
    expect(add).toBeEnabled();
    expect(add).toHaveFocus();
    await user.click(add);
    await user.keyboard('{Enter}');
    expect(posts).toBe(1);
    release();
    expect(await screen.findByRole('dialog', { name: 'Your cart' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Add to cart' })).toHaveFocus();
  });

  it('keeps focus on a busy stepper, and after a removal moves it to the next line', async () => {
    cartTokenStore.set('guest-1');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let current = cart([
      { id: 1, variantId: 11, quantity: 1, name: 'Black' },
      { id: 2, variantId: 12, quantity: 1, name: 'White' },
      { id: 3, variantId: 13, quantity: 1, name: 'Red' },
    ]);
    const without = (id: number) => {
      current = { ...current, items: current.items.filter((line) => line.id !== id) };
      return HttpResponse.json(current);
    };
    let patches = 0;
    server.use(
      http.get(API('/payment-methods/'), () => HttpResponse.json([])),
      http.get(API('/cart/'), () => HttpResponse.json(current)),
      http.patch(API('/cart/items/1/'), async () => {
        patches += 1;
        await held;
        return HttpResponse.json(current);
      }),
      http.delete(API('/cart/items/:id/'), ({ params }) => without(Number(params.id))),
    );
    const user = userEvent.setup();
    renderWithProviders(<CartPage />);
    const increase = await screen.findByRole('button', {
      name: 'Increase quantity of Desk lamp (Black)',
    });
    increase.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(increase).toHaveAttribute('aria-disabled', 'true'));
    expect(increase).toBeEnabled();
    expect(increase).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(patches).toBe(1);
    release();
    await waitFor(() => expect(increase).not.toHaveAttribute('aria-disabled'));
    expect(increase).toHaveFocus();

    // The first line goes: focus lands on the next line's Remove.
    await user.click(screen.getByRole('button', { name: 'Remove Desk lamp (Black) from cart' }));
    const removeWhite = screen.getByRole('button', { name: 'Remove Desk lamp (White) from cart' });
    await waitFor(() => expect(removeWhite).toHaveFocus());
    // The last line goes: on the previous one.
    await user.click(screen.getByRole('button', { name: 'Remove Desk lamp (Red) from cart' }));
    await waitFor(() => expect(removeWhite).toHaveFocus());
    // The only line left goes: on the empty cart's message.
    await user.click(removeWhite);
    const empty = await screen.findByText('Your cart is empty');
    await waitFor(() => expect(empty.closest('[data-cart-empty]')).toHaveFocus());
  });

  it('titles the cart page "Your cart"', () => {
    document.title = '';
    server.use(http.get(API('/payment-methods/'), () => HttpResponse.json([])));
    renderWithProviders(<CartPage />);
    expect(document.title).toBe('Your cart · Agora');
  });

  it('returns focus to the header cart button when nothing focusable opened the drawer', async () => {
    cartTokenStore.set('guest-1');
    server.use(
      http.get(API('/payment-methods/'), () => HttpResponse.json([])),
      http.get(API('/cart/'), () => HttpResponse.json(cart([]))),
    );
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <CartButton />
        <CartDrawer />
      </>,
    );
    (document.activeElement as HTMLElement | null)?.blur();
    expect(document.activeElement).toBe(document.body);
    act(() => cartDrawerStore.set(true));
    expect(await screen.findByRole('dialog', { name: 'Your cart' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: /^Cart, / })).toHaveFocus();
  });
});
