import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api, type Paginated } from '@/lib/api';
import { queryKeys } from '@/lib/query-keys';

export type OrderLine = {
  id?: number;
  product_name?: string;
  variant_name?: string;
  name?: string;
  sku?: string;
  quantity: number;
  unit_price?: string;
  line_total?: string;
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
  vendor_orders?: {
    id: number;
    vendor: { slug: string; name: string };
    status: string;
    tracking_number?: string | null;
    lines?: OrderLine[];
  }[];
  payment?: { status: string; client_secret?: string | null; amount_refunded?: string } | null;
  /** What went back to the customer so far; more than 0 on a partially refunded order. */
  refunded_total?: string;
};

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

export const orderQueryOptions = (number: string) =>
  queryOptions({
    queryKey: queryKeys.order(number),
    queryFn: ({ signal }) => api<Order>(`/orders/${encodeURIComponent(number)}/`, { signal }),
    staleTime: 30_000,
  });

export function useOrder(number: string) {
  return useQuery(orderQueryOptions(number));
}

export function useCancelOrder(number: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<Order>(`/orders/${encodeURIComponent(number)}/cancel/`, { method: 'POST' }),
    onSuccess: (order) => {
      queryClient.setQueryData(queryKeys.order(number), order);
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.orders, 'list'] });
    },
  });
}

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
