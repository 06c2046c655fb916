import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api } from '@/lib/api';
import { createIdempotencyKeeper, isInProgress } from '@/lib/idempotency';
import { queryKeys } from '@/lib/query-keys';
import { cartTokenStore, isSignedIn } from '@/lib/session';

export type ShippingMethod = { code: string; name: string; price: string; currency: string };

export type ShippingAddress = {
  full_name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  postal_code: string;
  country: string;
};

export type CheckoutBody = {
  email: string;
  shipping_address: ShippingAddress;
  shipping_method: string;
  payment_method: string;
  payment_token?: string | undefined;
};

/** What checkout accepts now (`GET /payment-methods/`): the storefront offers exactly these. */
export type PaymentMethod = {
  code: string;
  name: string;
  test: boolean;
  publishable_key: string | null;
};

export type PlacedOrder = {
  number: string;
  status: string;
  email: string;
  total: string;
  currency: string;
  payment: { status: string; client_secret?: string | null } | null;
  [key: string]: unknown;
};

export const shippingMethodsQueryOptions = () =>
  queryOptions({
    queryKey: ['shipping-methods'],
    queryFn: ({ signal }) =>
      api<ShippingMethod[] | { results: ShippingMethod[] }>('/shipping-methods/', { signal }),
    select: (data) => (Array.isArray(data) ? data : data.results),
    staleTime: 10 * 60_000,
  });

export function useShippingMethods() {
  return useQuery(shippingMethodsQueryOptions());
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
      // The server turned the cart into the order; a guest's token is spent.
      if (!isSignedIn()) cartTokenStore.set(null);
      await queryClient.invalidateQueries({ queryKey: queryKeys.cart });
      await queryClient.invalidateQueries({ queryKey: queryKeys.orders, exact: true });
    },
  });
}
