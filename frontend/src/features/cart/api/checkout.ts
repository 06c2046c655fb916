import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api } from '@/lib/api';
import { createIdempotencyKeeper, isInProgress } from '@/lib/idempotency';
import { orderTokens } from '@/lib/order-tokens';
import { queryKeys } from '@/lib/query-keys';
import { cartTokenStore, isSignedIn } from '@/lib/session';
import type { Schema } from '@/lib/types';
import { cartQueryKey, type Cart } from './cart';

/** One way a vendor ships its part of the cart (`GET /cart/shipping-options/`). */
export type ShippingOption = Schema<'ShippingOption'>;
/** A vendor's part of the cart and the methods it offers for it. */
export type VendorShippingOptions = Schema<'VendorShippingOptions'>;
export type ShippingChoice = Schema<'VendorShippingChoiceRequest'>;
/** What the checkout form sends (the schema's input marks defaulted fields as required). */
export type ShippingAddress = Pick<
  Schema<'ShippingAddressInputRequest'>,
  'full_name' | 'line1' | 'city' | 'postal_code' | 'country'
> & { line2?: string | undefined };

export type CheckoutBody = {
  email: string;
  shipping_address: ShippingAddress;
  /** One method per vendor in the cart. */
  shipping_methods: ShippingChoice[];
  payment_method: string;
  payment_token?: string | undefined;
};
/** What checkout accepts now (`GET /payment-methods/`): the storefront offers exactly these. */
export type PaymentMethod = Schema<'PaymentMethod'>;
/** The placed order; `access_token` opens it without signing in (`X-Order-Token`). */
export type PlacedOrder = Schema<'CheckoutOrder'>;

/** What the cart holds, as a key part: shipping prices depend on each vendor's subtotal. */
export function cartVersion(cart: Cart | null | undefined): string {
  return (cart?.items ?? []).map((line) => `${line.id}:${line.quantity}`).join(',');
}

/** The cart's lines grouped by vendor, each with the methods it offers and their price for it. */
export const shippingOptionsQueryOptions = (country: string, version: string) =>
  queryOptions({
    // Under the cart's key: whatever refreshes the cart refreshes these.
    queryKey: [...cartQueryKey(), 'shipping-options', country, version],
    queryFn: ({ signal }) =>
      api<VendorShippingOptions[]>('/cart/shipping-options/', { signal, query: { country } }),
    staleTime: 60_000,
  });

export function useShippingOptions(country: string, cart: Cart | null | undefined) {
  return useQuery({
    ...shippingOptionsQueryOptions(country, cartVersion(cart)),
    enabled: Boolean(cart?.items.length) && /^[A-Z]{2}$/.test(country),
    placeholderData: (previous) => previous,
  });
}

const shipsThere = (option: ShippingOption) => option.ships_to_country !== false;

/**
 * The method each vendor's parcel goes with: the shopper's choice while it ships to the
 * country, else the vendor's first method that does (none when no method ships there).
 */
export function pickShipping(
  groups: VendorShippingOptions[],
  chosen: Record<string, string>,
): Record<string, ShippingOption | undefined> {
  return Object.fromEntries(
    groups.map((group) => {
      const wanted = group.options.find(
        (option) => option.code === chosen[group.vendor.slug] && shipsThere(option),
      );
      return [group.vendor.slug, wanted ?? group.options.find(shipsThere)];
    }),
  );
}

export const paymentMethodsQueryOptions = () =>
  queryOptions({
    queryKey: ['payment-methods'],
    queryFn: ({ signal }) => api<PaymentMethod[]>('/payment-methods/', { signal }),
    staleTime: 10 * 60_000,
  });

export function usePaymentMethods() {
  return useQuery(paymentMethodsQueryOptions());
}

/** How often, and how long apart, a submission the server is still working on is retried. */
export const IN_PROGRESS_RETRIES = 5;
export const IN_PROGRESS_DELAY_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function useCheckout() {
  const queryClient = useQueryClient();
  // One keeper per checkout page visit: a retry of the same body reuses its key.
  const keeper = useRef(createIdempotencyKeeper()).current;
  return useMutation({
    mutationFn: async (body: CheckoutBody) => {
      const key = keeper.keyFor(body);
      for (let attempt = 0; ; attempt++) {
        try {
          const order = await api<PlacedOrder>('/checkout/', {
            method: 'POST',
            body,
            headers: { 'Idempotency-Key': key },
          });
          keeper.settle();
          return order;
        } catch (error) {
          keeper.settle(error);
          // The first request with this key is still running (a slow provider, a retried
          // double click): ask again with the same key rather than placing a second order.
          if (isInProgress(error) && attempt < IN_PROGRESS_RETRIES) {
            await sleep(IN_PROGRESS_DELAY_MS);
            continue;
          }
          throw error;
        }
      }
    },
    onSuccess: async (order) => {
      queryClient.setQueryData(queryKeys.order(order.number), order);
      // The server turned the cart into the order; a guest's token is spent, and the order's
      // own token is what opens it from now on (tracking, returns).
      if (!isSignedIn()) {
        if (order.access_token) orderTokens.remember(order.number, order.access_token);
        cartTokenStore.set(null);
      }
      // The shipping options were for a cart that is now an order: drop them, refresh the rest.
      const isOptions = (query: { queryKey: readonly unknown[] }) =>
        query.queryKey[2] === 'shipping-options';
      queryClient.removeQueries({ queryKey: queryKeys.cart, predicate: isOptions });
      await queryClient.invalidateQueries({
        queryKey: queryKeys.cart,
        predicate: (query) => !isOptions(query),
      });
      // The order lists (the new order on top); the order's own page was set above.
      await queryClient.invalidateQueries({ queryKey: [...queryKeys.orders, 'list'] });
    },
  });
}
