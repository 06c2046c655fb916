import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api';
import { ApiError } from '@/lib/errors';
import { queryKeys } from '@/lib/query-keys';
import { isSignedIn, useIsAuthenticated } from '@/lib/session';
import { createStore, storage, useStore } from '@/lib/store';
import type { Schema } from '@/lib/types';

export type WishlistEntry = Schema<'WishlistEntry'>;
export type WishlistKeys = Schema<'WishlistKeys'>;
type Cart = Schema<'Cart'>;

/** A heart a guest gave, kept in this browser until they sign in (the product, and the option
 * when it was chosen on the product page). */
export type GuestHeart = { product: string; variant_id?: number | undefined };

const GUEST_KEY = 'agora.wishlist';
const MAX_GUEST_HEARTS = 100; // what POST /me/wishlist/merge/ takes at once

function readGuestHearts(): GuestHeart[] {
  const stored = storage.read<unknown>(GUEST_KEY);
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (heart): heart is GuestHeart =>
      typeof heart === 'object' &&
      heart !== null &&
      typeof (heart as GuestHeart).product === 'string' &&
      ['number', 'undefined'].includes(typeof (heart as GuestHeart).variant_id),
  );
}

export const guestHeartsStore = createStore<GuestHeart[]>(
  typeof window === 'undefined' ? [] : readGuestHearts(),
);
guestHeartsStore.subscribe(() => {
  const hearts = guestHeartsStore.get();
  storage.write(GUEST_KEY, hearts.length ? hearts : null);
});

export const wishlistKeysQueryKey = ['wishlist', 'keys'] as const;
const wishlistListKey = ['wishlist', 'list'] as const;

/** Which products and options carry a heart: the account's (one small request) or the guest's. */
export function useWishlistKeys(): WishlistKeys {
  const authenticated = useIsAuthenticated();
  const guest = useStore(guestHeartsStore);
  const keys = useQuery({
    queryKey: wishlistKeysQueryKey,
    queryFn: ({ signal }) => api<WishlistKeys>('/me/wishlist/keys/', { signal }),
    enabled: authenticated,
    staleTime: 60_000,
  });
  if (authenticated) return keys.data ?? { variant_ids: [], products: [] };
  return {
    products: guest.map((heart) => heart.product),
    variant_ids: guest.flatMap((heart) => (heart.variant_id ? [heart.variant_id] : [])),
  };
}

/** The target of a heart: a product (its card), or one of its options (the product page). */
export type HeartTarget = { product: string; variantId?: number | undefined };

function matches(entry: WishlistEntry, target: HeartTarget): boolean {
  return target.variantId
    ? entry.variant.id === target.variantId
    : entry.product.slug === target.product;
}

async function removeSaved(target: HeartTarget): Promise<void> {
  // The hearts know what is saved, not the entry's id: find it in the list (at most 100 a page).
  const page = await api<Paginated<WishlistEntry>>('/me/wishlist/', { query: { page_size: 100 } });
  const saved = page.results.filter((entry) => matches(entry, target));
  await Promise.all(
    saved.map((entry) => api<undefined>(`/me/wishlist/${entry.id}/`, { method: 'DELETE' })),
  );
}

/** Save or forget: on the account when signed in, in this browser otherwise. */
export function useToggleHeart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ target, saved }: { target: HeartTarget; saved: boolean }) => {
      if (!isSignedIn()) {
        const others = guestHeartsStore
          .get()
          .filter((heart) =>
            target.variantId
              ? heart.variant_id !== target.variantId
              : heart.product !== target.product,
          );
        guestHeartsStore.set(
          saved
            ? others
            : [...others, { product: target.product, variant_id: target.variantId }].slice(
                -MAX_GUEST_HEARTS,
              ),
        );
        return;
      }
      if (saved) await removeSaved(target);
      else
        await api<WishlistEntry>('/me/wishlist/', {
          method: 'POST',
          body: target.variantId ? { variant_id: target.variantId } : { product: target.product },
        });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['wishlist'] }),
  });
}

export function useWishlist(page: number) {
  return useQuery({
    queryKey: [...wishlistListKey, page],
    queryFn: ({ signal }) =>
      api<Paginated<WishlistEntry>>('/me/wishlist/', { signal, query: { page } }),
  });
}

export function useRemoveFromWishlist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (entry: WishlistEntry) =>
      api<undefined>(`/me/wishlist/${entry.id}/`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['wishlist'] }),
  });
}

/** Into the cart (one), off the wishlist; the answer is the cart, shared with the cart feature. */
export function useMoveToCart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (entry: WishlistEntry) =>
      api<Cart>(`/me/wishlist/${entry.id}/move-to-cart/`, {
        method: 'POST',
        body: { quantity: 1 },
      }),
    // Where the header, drawer and checkout read the (signed-in) cart.
    onSuccess: (cart) => queryClient.setQueryData(queryKeys.signedInCart, cart),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['wishlist'] }),
  });
}

let merging: Promise<void> | null = null;

/** At sign-in: the guest's hearts join the account's wishlist, then this browser forgets them. */
export function mergeGuestHearts(queryClient: QueryClient): Promise<void> {
  const hearts = guestHeartsStore.get();
  if (!hearts.length || !isSignedIn()) return Promise.resolve();
  merging ??= (async () => {
    try {
      const keys = await api<Schema<'MergeResult'>>('/me/wishlist/merge/', {
        method: 'POST',
        body: {
          items: hearts.map((heart) =>
            heart.variant_id ? { variant_id: heart.variant_id } : { product: heart.product },
          ),
        },
      });
      guestHeartsStore.set([]);
      queryClient.setQueryData(wishlistKeysQueryKey, {
        variant_ids: keys.variant_ids,
        products: keys.products,
      });
    } catch (error) {
      // A bad heart (a 4xx) would fail every time: drop them; a network failure retries later.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500)
        guestHeartsStore.set([]);
    } finally {
      merging = null;
      await queryClient.invalidateQueries({ queryKey: ['wishlist'] });
    }
  })();
  return merging;
}
