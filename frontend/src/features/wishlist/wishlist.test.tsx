import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '@/lib/query-keys';
import { sessionStore } from '@/lib/session';
import type { Schema } from '@/lib/types';
import { server } from '@/test/server';
import { API, paginated, renderWithProviders } from '@/test/utils';
import { GuestWishlistMerger } from './components/GuestWishlistMerger';
import { WishlistHeart } from './components/WishlistHeart';
import { WishlistPage } from './components/WishlistPage';

function entry(id: number, actions: Schema<'WishlistEntry'>['actions']): Schema<'WishlistEntry'> {
  return {
    id,
    added_at: '2026-11-01T00:00:00Z',
    product: {
      slug: `lamp-${id}`,
      name: `Lamp ${id}`,
      vendor: { slug: 'lumen', name: 'Lumen Works' },
      thumbnail: null,
      rating_average: null,
      rating_count: 0,
    },
    variant: {
      id: 100 + id,
      sku: `L-${id}`,
      name: 'Black',
      price: '29.00',
      currency: 'EUR',
      stock_available: 3,
    },
    available: actions.includes('move_to_cart'),
    actions,
  };
}

describe('wishlist hearts', () => {
  it("keeps a guest's hearts in the browser and moves them to the account at sign-in", async () => {
    const merged: unknown[] = [];
    server.use(
      http.post(API('/me/wishlist/merge/'), async ({ request }) => {
        merged.push(await request.json());
        return HttpResponse.json({ variant_ids: [11], products: ['desk-lamp'], added: 1 });
      }),
      http.get(API('/me/wishlist/keys/'), () =>
        HttpResponse.json({ variant_ids: [11], products: ['desk-lamp'] }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <WishlistHeart target={{ product: 'desk-lamp', variantId: 11 }} name="Desk Lamp" />
        <GuestWishlistMerger />
      </>,
    );
    await user.click(screen.getByRole('button', { name: 'Save Desk Lamp to your wishlist' }));
    expect(
      screen.getByRole('button', { name: 'Remove Desk Lamp from your wishlist' }),
    ).toHaveAttribute('aria-pressed', 'true');
    expect(JSON.parse(window.localStorage.getItem('agora.wishlist') ?? '[]')).toEqual([
      { product: 'desk-lamp', variant_id: 11 },
    ]);

    act(() => sessionStore.set({ access: 'token' }));

    await waitFor(() => expect(merged).toEqual([{ items: [{ variant_id: 11 }] }]));
    await waitFor(() => expect(window.localStorage.getItem('agora.wishlist')).toBeNull());
    // Still saved: now the account says so.
    expect(
      await screen.findByRole('button', { name: 'Remove Desk Lamp from your wishlist' }),
    ).toBeVisible();
  });

  it('saves to and removes from the account when signed in', async () => {
    sessionStore.set({ access: 'token' });
    let saved: string[] = [];
    const posted: unknown[] = [];
    const deleted: string[] = [];
    server.use(
      http.get(API('/me/wishlist/keys/'), () =>
        HttpResponse.json({ variant_ids: [], products: saved }),
      ),
      http.post(API('/me/wishlist/'), async ({ request }) => {
        posted.push(await request.json());
        saved = ['lamp-1'];
        return HttpResponse.json(entry(1, ['remove', 'move_to_cart']), { status: 201 });
      }),
      http.get(API('/me/wishlist/'), () =>
        HttpResponse.json(paginated([entry(1, ['remove', 'move_to_cart'])])),
      ),
      http.delete(API('/me/wishlist/:id/'), ({ params }) => {
        deleted.push(String(params.id));
        saved = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<WishlistHeart target={{ product: 'lamp-1' }} name="Lamp 1" />);
    await user.click(await screen.findByRole('button', { name: 'Save Lamp 1 to your wishlist' }));
    expect(posted).toEqual([{ product: 'lamp-1' }]);
    await user.click(
      await screen.findByRole('button', { name: 'Remove Lamp 1 from your wishlist' }),
    );
    await waitFor(() => expect(deleted).toEqual(['1']));
    expect(
      await screen.findByRole('button', { name: 'Save Lamp 1 to your wishlist' }),
    ).toBeVisible();
  });
});

describe('wishlist page', () => {
  it('moves a saved option to the cart, and offers only what the API allows', async () => {
    sessionStore.set({ access: 'token' });
    let entries = [entry(1, ['remove', 'move_to_cart']), entry(2, ['remove'])];
    const cart = { token: null, items: [], subtotal: '29.00', currency: 'EUR', item_count: 1 };
    server.use(
      http.get(API('/me/wishlist/'), () => HttpResponse.json(paginated(entries))),
      http.post(API('/me/wishlist/1/move-to-cart/'), () => {
        entries = entries.filter((e) => e.id !== 1);
        return HttpResponse.json(cart);
      }),
    );
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(<WishlistPage />);
    expect(await screen.findByText('Lamp 2')).toBeVisible();
    expect(screen.getAllByRole('button', { name: 'Move to cart' })).toHaveLength(1);
    expect(screen.getByText('Unavailable')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Move to cart' }));
    expect(await screen.findByText(/Moved to your cart/)).toBeVisible();
    expect(queryClient.getQueryData(queryKeys.signedInCart)).toEqual(cart);
    await waitFor(() => expect(screen.queryByText('Lamp 1')).not.toBeInTheDocument());
  });
});
