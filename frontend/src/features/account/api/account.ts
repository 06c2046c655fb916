import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { api, apiBlob, type Paginated } from '@/lib/api';
import { orderTokenHeaders } from '@/lib/order-tokens';
import { queryKeys } from '@/lib/query-keys';
import { cartTokenStore, endSession, startSession } from '@/lib/session';

export type OrderLine = {
  id?: number;
  product_name?: string;
  variant_name?: string;
  name?: string;
  sku?: string;
  quantity: number;
  /** Of `quantity`: units the seller cancelled, and units in parcels. */
  quantity_cancelled?: number;
  quantity_shipped?: number;
  unit_price?: string;
  line_total?: string;
};

export type Parcel = {
  id: number;
  carrier?: string;
  tracking_number?: string;
  tracking_url?: string;
  shipped_at: string;
  lines: { line_id: number; quantity: number }[];
};

/** One vendor's part of the order: its own parcel(s), shipping method and price. */
export type SubOrder = {
  id: number;
  vendor: { slug: string; name: string };
  status: string;
  subtotal?: string;
  currency?: string;
  tracking_number?: string | null;
  shipped_at?: string | null;
  /** This vendor's shipping: its parcel's price ("0.00" when free). */
  shipping?: string;
  shipping_method?: string;
  delivery_days_min?: number | null;
  delivery_days_max?: number | null;
  parcels?: Parcel[];
  lines?: OrderLine[];
};

export type Order = {
  number: string;
  status: string;
  email: string;
  created_at?: string;
  lines?: OrderLine[];
  subtotal?: string;
  shipping?: string;
  total: string;
  currency: string;
  vendor_orders?: SubOrder[];
  payment?: { status: string; client_secret?: string | null; amount_refunded?: string } | null;
  /** What went back to the customer so far; more than 0 on a partially refunded order. */
  refunded_total?: string;
  /** The server's word on whether the shopper may still cancel the whole order. */
  can_cancel?: boolean;
};

export type ReturnStatus =
  'requested' | 'approved' | 'rejected' | 'disputed' | 'closed' | 'refunded' | (string & {});

export type ReturnRequest = {
  id: number;
  order_number: string;
  vendor: { slug: string; name: string };
  vendor_order_id: number;
  status: ReturnStatus;
  reason: string;
  vendor_note?: string;
  dispute_reason?: string;
  staff_note?: string;
  lines: { line_id: number; name: string; quantity: number; unit_price: string }[];
  refund: { amount: string; currency: string; status: string } | null;
  restocked?: boolean;
  created_at: string;
  refunded_at?: string | null;
  /** What the caller may do now, computed by the server (the shopper: `dispute`). */
  actions: string[];
};

export type ReturnableLine = {
  vendor_order_id: number;
  vendor: { slug: string; name: string };
  line_id: number;
  name: string;
  /** Units that may still be returned (0 once the window closed). */
  quantity: number;
  until: string;
};

export type OrderReturns = { returnable: ReturnableLine[]; returns: ReturnRequest[] };

export type Address = {
  id: number;
  full_name: string;
  line1: string;
  line2?: string;
  city: string;
  postal_code: string;
  country: string;
};

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

export type ReturnCreate = {
  vendor_order: number;
  lines: { line: number; quantity: number }[];
  reason: string;
};

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

export const addressesQueryOptions = () =>
  queryOptions({
    queryKey: addressesKey,
    queryFn: ({ signal }) => api<Address[] | Paginated<Address>>('/me/addresses/', { signal }),
    select: (data) => (Array.isArray(data) ? data : data.results),
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
      api<{ access: string }>('/me/password/', {
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
      api<{ detail: string }>('/me/email/verification/', { method: 'POST', body: {} }),
  });
}

// --- privacy ------------------------------------------------------------------------------------

export type DataExport = {
  id: number;
  status: 'queued' | 'ready' | 'failed' | 'expired';
  requested_at: string;
  ready_at: string | null;
  expires_at: string | null;
  download_url: string | null;
};

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
