import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { api } from '@/lib/api';
import { ApiError, isApiError } from '@/lib/errors';
import { queryKeys } from '@/lib/query-keys';
import { cartTokenStore, isSignedIn, useCartToken, useIsAuthenticated } from '@/lib/session';
import { createStore, useStore } from '@/lib/store';
import type { Schema } from '@/lib/types';

export type CartLine = Schema<'CartLine'>;

export type Cart = Schema<'Cart'>;

/** Whose cart: the signed-in user's, or the guest's token. Part of the key so a login swaps it. */
function cartOwner(): string {
  return isSignedIn() ? queryKeys.signedInCart[1] : (cartTokenStore.get() ?? 'none');
}

export const cartQueryKey = () => [...queryKeys.cart, cartOwner()] as const;

export const cartQueryOptions = () =>
  queryOptions({
    queryKey: cartQueryKey(),
    queryFn: async ({ signal }): Promise<Cart | null> => {
      const guest = !isSignedIn();
      if (guest && !cartTokenStore.get()) return null;
      try {
        return await api<Cart>('/cart/', { signal });
      } catch (error) {
        // A guest cart expires after 7 days; start afresh rather than show an error.
        if (guest && isApiError(error) && error.status === 404) {
          cartTokenStore.set(null);
          return null;
        }
        if (!guest && isApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
  });

export function useCart() {
  // Re-render (and re-key) when the session or the guest token changes.
  const authenticated = useIsAuthenticated();
  const token = useCartToken();
  return useQuery({ ...cartQueryOptions(), enabled: authenticated || token !== null });
}

async function createCart(): Promise<Cart> {
  const cart = await api<Cart>('/carts/', { method: 'POST', body: {} });
  if (!isSignedIn()) cartTokenStore.set(cart.token);
  return cart;
}

/** Add a line, creating the guest cart on first use (and again if the old one expired). */
export async function addToCart(variantId: number, quantity: number): Promise<Cart> {
  if (!isSignedIn() && !cartTokenStore.get()) await createCart();
  const add = () =>
    api<Cart>('/cart/items/', { method: 'POST', body: { variant_id: variantId, quantity } });
  try {
    return await add();
  } catch (error) {
    if (isApiError(error) && error.status === 404 && error.code === 'not_found') {
      if (!isSignedIn()) cartTokenStore.set(null);
      await createCart();
      return add();
    }
    throw error;
  }
}

function setCart(queryClient: QueryClient, cart: Cart) {
  queryClient.setQueryData(cartQueryKey(), cart);
}

export function useAddToCart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ variantId, quantity }: { variantId: number; quantity: number }) =>
      addToCart(variantId, quantity),
    onSuccess: (cart) => setCart(queryClient, cart),
  });
}

export function useUpdateCartLine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ lineId, quantity }: { lineId: number; quantity: number }) =>
      api<Cart>(`/cart/items/${lineId}/`, { method: 'PATCH', body: { quantity } }),
    onSuccess: (cart) => setCart(queryClient, cart),
  });
}

export function useRemoveCartLine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (lineId: number) => {
      const cart = await api<Cart | undefined>(`/cart/items/${lineId}/`, { method: 'DELETE' });
      return cart ?? null;
    },
    onSuccess: (cart) => {
      if (cart) setCart(queryClient, cart);
      else void queryClient.invalidateQueries({ queryKey: queryKeys.cart });
    },
  });
}

let merging: Promise<void> | null = null;

/**
 * Fold the guest cart into the signed-in user's cart, then forget the guest token.
 * Shared by the login flow and the app-wide watcher, so it runs once at a time.
 */
export function mergeGuestCart(queryClient: QueryClient): Promise<void> {
  const token = cartTokenStore.get();
  if (!token || !isSignedIn()) return Promise.resolve();
  merging ??= (async () => {
    try {
      const cart = await api<Cart>('/cart/merge/', { method: 'POST', body: { token } });
      cartTokenStore.set(null);
      // Signing in re-keys the cart query, whose read of the account's cart may still be on its
      // way: answered after the merge, it would replace the merged cart with the cart as it was
      // before (empty, on a first login). Drop that read; the merge's answer is the cart now.
      await queryClient.cancelQueries({ queryKey: queryKeys.cart });
      setCart(queryClient, cart);
    } catch (error) {
      // An unknown or expired guest cart has nothing to merge; other failures retry later.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        cartTokenStore.set(null);
      }
      await queryClient.invalidateQueries({ queryKey: queryKeys.cart });
    } finally {
      merging = null;
    }
  })();
  return merging;
}

export function useMergeGuestCart() {
  const queryClient = useQueryClient();
  return () => mergeGuestCart(queryClient);
}

/** Whether the cart drawer is open: any add-to-cart button or the header can open it. */
export const cartDrawerStore = createStore(false);
export const useCartDrawerOpen = () => useStore(cartDrawerStore);
