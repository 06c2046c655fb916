import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { api, apiBlob, type Paginated } from '@/lib/api';
import { orderTokenHeaders } from '@/lib/order-tokens';
import { queryKeys } from '@/lib/query-keys';
import type { Schema } from '@/lib/types';
import { cartTokenStore, endSession, startSession } from '@/lib/session';

export type OrderLine = Schema<'OrderLine'>;
export type Parcel = Schema<'Parcel'>;
/** One vendor's part of the order: its own parcel(s), shipping method and price. */
export type SubOrder = Schema<'OrderVendorOrder'>;
/** The order, with the server's `can_cancel`: whether the shopper may still cancel it. */
export type Order = Schema<'Order'>;
export type ReturnStatus = Schema<'Return'>['status'];
/** A return; its `actions` (the shopper's: `dispute`) are computed by the server. */
export type ReturnRequest = Schema<'Return'>;
export type ReturnableLine = Schema<'ReturnableLine'>;
export type OrderReturns = Schema<'OrderReturns'>;

export type Address = Schema<'Address'>;

export const ordersQueryOptions = (page = 1) =>
  queryOptions({
    queryKey: [...queryKeys.orders, 'list', page],
    queryFn: ({ signal }) => api<Paginated<Order>>('/orders/', { signal, query: { page } }),
  });

export function useOrders(page = 1) {
  return useQuery(ordersQueryOptions(page));
}

const orderPath = (number: string) => `/orders/${encodeURIComponent(number)}/`;

export const orderQueryOptions = (number: string) =>
  queryOptions({
    queryKey: queryKeys.order(number),
    // A guest's order opens with the token checkout gave this browser (X-Order-Token).
    queryFn: ({ signal }) =>
      api<Order>(orderPath(number), { signal, headers: orderTokenHeaders(number) }),
    staleTime: 30_000,
  });

export function useOrder(number: string) {
  return useQuery(orderQueryOptions(number));
}

export function useCancelOrder(number: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<Order>(`${orderPath(number)}cancel/`, {
        method: 'POST',
        headers: orderTokenHeaders(number),
      }),
    onSuccess: (order) => {
      queryClient.setQueryData(queryKeys.order(number), order);
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.orders, 'list'] });
    },
  });
}

// --- returns ------------------------------------------------------------------------------------

const returnsKey = (number: string) => [...queryKeys.order(number), 'returns'] as const;

export const orderReturnsQueryOptions = (number: string) =>
  queryOptions({
    queryKey: returnsKey(number),
    queryFn: ({ signal }) =>
      api<OrderReturns>(`${orderPath(number)}returns/`, {
        signal,
        headers: orderTokenHeaders(number),
      }),
  });

export function useOrderReturns(number: string, enabled = true) {
  return useQuery({ ...orderReturnsQueryOptions(number), enabled });
}

/** After a return changes, the order (refunded total, status) may have changed too. */
function useRefreshOrder(number: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: returnsKey(number) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.order(number), exact: true }),
    ]);
}

export type ReturnCreate = Schema<'ReturnCreateInputRequest'>;

export function useCreateReturn(number: string) {
  const refresh = useRefreshOrder(number);
  return useMutation({
    mutationFn: (body: ReturnCreate) =>
      api<ReturnRequest>(`${orderPath(number)}returns/`, {
        method: 'POST',
        body,
        headers: orderTokenHeaders(number),
      }),
    onSuccess: refresh,
  });
}

export function useDisputeReturn(number: string) {
  const refresh = useRefreshOrder(number);
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) =>
      api<ReturnRequest>(`${orderPath(number)}returns/${id}/dispute/`, {
        method: 'POST',
        body: { reason },
        headers: orderTokenHeaders(number),
      }),
    onSuccess: refresh,
  });
}

export const returnReasonSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Tell the seller why.')
    .max(2000, 'Keep it under 2000 characters.'),
});

const addressesKey = ['me', 'addresses'] as const;

/** The largest page the API serves (`page_size` up to 100). */
const ADDRESS_PAGE_SIZE = 100;

/** Every saved address: the list is paginated, and the account page shows them all. */
async function allAddresses(signal: AbortSignal, page = 1): Promise<Address[]> {
  const data = await api<Paginated<Address>>('/me/addresses/', {
    signal,
    query: { page, page_size: ADDRESS_PAGE_SIZE },
  });
  return data.next ? [...data.results, ...(await allAddresses(signal, page + 1))] : data.results;
}

export const addressesQueryOptions = () =>
  queryOptions({
    queryKey: addressesKey,
    queryFn: ({ signal }) => allAddresses(signal),
  });

export function useAddresses() {
  return useQuery(addressesQueryOptions());
}

export const addressSchema = z.object({
  full_name: z.string().trim().min(1, 'Enter the full name.'),
  line1: z.string().trim().min(1, 'Enter the street address.'),
  line2: z.string().trim().optional(),
  city: z.string().trim().min(1, 'Enter the city.'),
  postal_code: z
    .string()
    .trim()
    .min(1, 'Enter the postal code.')
    .max(16, 'That postal code is too long.'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Use the two-letter country code, e.g. DE.'),
});

export type AddressInput = z.output<typeof addressSchema>;
export const ADDRESS_FIELDS = [
  'full_name',
  'line1',
  'line2',
  'city',
  'postal_code',
  'country',
] as const;

export function useSaveAddress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id?: number | undefined; values: AddressInput }) =>
      id === undefined
        ? api<Address>('/me/addresses/', { method: 'POST', body: values })
        : api<Address>(`/me/addresses/${id}/`, { method: 'PATCH', body: values }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: addressesKey }),
  });
}

export function useDeleteAddress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<undefined>(`/me/addresses/${id}/`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: addressesKey }),
  });
}

// --- security -----------------------------------------------------------------------------------

export const changePasswordSchema = z
  .object({
    current_password: z.string().min(1, 'Enter your current password.'),
    new_password: z.string().min(10, 'Use at least 10 characters.'),
    new_password_confirm: z.string(),
  })
  .refine((value) => value.new_password === value.new_password_confirm, {
    path: ['new_password_confirm'],
    message: 'The passwords do not match.',
  });

export function useChangePassword() {
  return useMutation({
    mutationFn: ({ current_password, new_password }: z.output<typeof changePasswordSchema>) =>
      api<Schema<'TokenPair'>>('/me/password/', {
        method: 'POST',
        body: { current_password, new_password, mode: 'cookie' },
      }),
    // Every other session was revoked; this one goes on with the new tokens (cookie renewed).
    onSuccess: ({ access }) => startSession(access),
  });
}

export function useResendVerification() {
  return useMutation({
    mutationFn: () =>
      api<Schema<'Accepted'>>('/me/email/verification/', { method: 'POST', body: {} }),
  });
}

// --- privacy ------------------------------------------------------------------------------------

export type DataExport = Schema<'DataExport'>;

const exportsKey = ['me', 'exports'] as const;

export function useDataExports() {
  return useQuery({
    queryKey: exportsKey,
    queryFn: ({ signal }) => api<DataExport[]>('/me/export/', { signal }),
    // A worker prepares it: look again every few seconds while one is being prepared.
    refetchInterval: (query) =>
      query.state.data?.some((item) => item.status === 'queued') ? 3000 : false,
  });
}

export function useRequestDataExport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<DataExport>('/me/export/', { method: 'POST', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: exportsKey }),
  });
}

/** Downloads a ready export as a file (the request carries the access token). */
export async function downloadDataExport(item: DataExport): Promise<void> {
  if (!item.download_url) return;
  const blob = await apiBlob(item.download_url.replace(/^\/api\/v1/, ''));
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `agora-data-${(item.ready_at ?? item.requested_at).slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Deletes the account. The caller leaves the account pages first, then calls `forget` from the
 * result: ending the session while still on them would bounce it to the sign-in redirect.
 */
export function useDeleteAccount() {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (password: string) =>
      api<undefined>('/me/', { method: 'DELETE', body: { password } }),
  });
  const forget = useCallback(() => {
    endSession();
    cartTokenStore.set(null);
    queryClient.clear();
  }, [queryClient]);
  return { ...mutation, forget };
}
