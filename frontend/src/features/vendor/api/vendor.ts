import { useEffect } from 'react';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api';
import { queryKeys } from '@/lib/query-keys';
import type { Schema } from '@/lib/types';

export type VendorStatus = Schema<'VendorSummary'>['status'];
export type VendorInfo = Schema<'VendorSummary'>;

/** An option as the product form sends it (`expected_stock`: the stock read before editing). */
export type VendorVariant = Schema<'VariantInputRequest'>;
export type VendorProduct = Schema<'VendorProduct'>;
export type ProductWrite = Schema<'ProductInputRequest'>;
export type ImportJob = Schema<'ImportJob'>;

export type SubOrderLine = Schema<'OrderLine'>;
export type Parcel = Schema<'Parcel'>;
/** The vendor's part of an order (`GET /vendor/orders/`), with the `actions` it allows now. */
export type SubOrder = Schema<'VendorOrder'>;

/** Units of a line still to ship: neither cancelled nor in a parcel. */
export const openQuantity = (line: SubOrderLine) =>
  Math.max(0, line.quantity - (line.quantity_cancelled ?? 0) - (line.quantity_shipped ?? 0));

export type VendorShippingMethod = Schema<'VendorShippingMethod'>;
export type ShippingMethodWrite = Omit<VendorShippingMethod, 'id' | 'currency'>;
/** A platform method: what vendors without an active method of their own offer. */
export type PlatformShippingMethod = Schema<'ShippingMethod'>;
export type VendorPolicies = Schema<'Vendor'>;
export type ReturnStatus = Schema<'Return'>['status'];

export const RETURN_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'disputed',
  'refunded',
  'closed',
] as const;

/** A return of the vendor's; `actions` (approve, reject, refund) are computed by the server. */
export type VendorReturn = Schema<'Return'>;

const productsKey = [...queryKeys.vendor, 'products'] as const;

export function useApplyVendor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<'VendorApplyInputRequest'>) =>
      api<Schema<'Vendor'>>('/vendors/', { method: 'POST', body }),
    // The status shows up in /me/, which the app owns.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export const vendorProductsQueryOptions = (page = 1) =>
  queryOptions({
    queryKey: [...productsKey, 'list', page],
    queryFn: ({ signal }) =>
      api<Paginated<VendorProduct>>('/vendor/products/', { signal, query: { page } }),
  });

export function useVendorProducts(page = 1) {
  return useQuery(vendorProductsQueryOptions(page));
}

export const vendorProductQueryOptions = (id: number) =>
  queryOptions({
    queryKey: [...productsKey, 'detail', id],
    queryFn: ({ signal }) => api<VendorProduct>(`/vendor/products/${id}/`, { signal }),
  });

export function useVendorProduct(id: number) {
  return useQuery({ ...vendorProductQueryOptions(id), enabled: Number.isInteger(id) && id > 0 });
}

function useProductWrite<TVars>(fn: (vars: TVars) => Promise<VendorProduct>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (product) => {
      queryClient.setQueryData(vendorProductQueryOptions(product.id).queryKey, product);
      void queryClient.invalidateQueries({ queryKey: [...productsKey, 'list'] });
    },
  });
}

export function useCreateProduct() {
  return useProductWrite((body: ProductWrite) =>
    api<VendorProduct>('/vendor/products/', { method: 'POST', body }),
  );
}

/** PATCH: `variants`, when sent, is the whole desired list (missing ones are removed). */
export function useUpdateProduct(id: number) {
  return useProductWrite((body: Partial<ProductWrite>) =>
    api<VendorProduct>(`/vendor/products/${id}/`, { method: 'PATCH', body }),
  );
}

export function useSubmitProduct(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<VendorProduct | undefined>(`/vendor/products/${id}/submit/`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productsKey }),
  });
}

export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<undefined>(`/vendor/products/${id}/`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productsKey }),
  });
}

export function useUploadImage(productId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const body = new FormData();
      body.append('image', file);
      return api<Schema<'VendorImage'>>(`/vendor/products/${productId}/images/`, {
        method: 'POST',
        body,
      });
    },
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: vendorProductQueryOptions(productId).queryKey }),
  });
}

export function useStartImport() {
  return useMutation({
    mutationFn: (file: File) => {
      const body = new FormData();
      body.append('file', file);
      return api<ImportJob>('/vendor/imports/', { method: 'POST', body });
    },
  });
}

export const isImportActive = (job: ImportJob | undefined) =>
  !job || job.status === 'queued' || job.status === 'running';

export const importQueryOptions = (id: number) =>
  queryOptions({
    queryKey: [...queryKeys.vendor, 'imports', id],
    queryFn: ({ signal }) => api<ImportJob>(`/vendor/imports/${id}/`, { signal }),
    // Poll every second while the worker is on it, then stop.
    refetchInterval: (query) => (isImportActive(query.state.data) ? 1000 : false),
  });

export function useImportJob(id: number | null) {
  const queryClient = useQueryClient();
  const job = useQuery({ ...importQueryOptions(id ?? 0), enabled: id !== null });
  const finished = job.data !== undefined && !isImportActive(job.data);
  // Once the import is done, the product list shows what it created and changed.
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: productsKey });
  }, [finished, queryClient]);
  return job;
}

const ordersKey = [...queryKeys.vendor, 'orders'] as const;

export const vendorOrdersQueryOptions = (page = 1) =>
  queryOptions({
    queryKey: [...ordersKey, page],
    queryFn: ({ signal }) =>
      api<Paginated<SubOrder>>('/vendor/orders/', { signal, query: { page } }),
  });

export function useVendorOrders(page = 1) {
  return useQuery(vendorOrdersQueryOptions(page));
}

export type LineQuantities = { line: number; quantity: number }[];

export type ParcelWrite = {
  lines: LineQuantities;
  carrier: string;
  tracking_number: string;
  tracking_url: string;
};

export function useShipParcel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: ParcelWrite & { id: number }) =>
      api<SubOrder>(`/vendor/orders/${id}/parcels/`, { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ordersKey }),
  });
}

export function useCancelLines() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number; lines: LineQuantities; reason: string }) =>
      api<SubOrder>(`/vendor/orders/${id}/cancel-lines/`, { method: 'POST', body }),
    // A cancellation refunds the shopper: the order's refunded total changes too.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ordersKey }),
  });
}

// --- shipping methods and policies ------------------------------------------------------------

const methodsKey = [...queryKeys.vendor, 'shipping-methods'] as const;

export function useVendorShippingMethods() {
  return useQuery({
    queryKey: methodsKey,
    queryFn: ({ signal }) => api<VendorShippingMethod[]>('/vendor/shipping-methods/', { signal }),
  });
}

export function usePlatformShippingMethods() {
  return useQuery({
    queryKey: ['shipping-methods', 'platform'],
    queryFn: ({ signal }) => api<PlatformShippingMethod[]>('/shipping-methods/', { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useSaveShippingMethod() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: number | undefined; body: Partial<ShippingMethodWrite> }) =>
      id === undefined
        ? api<VendorShippingMethod>('/vendor/shipping-methods/', { method: 'POST', body })
        : api<VendorShippingMethod>(`/vendor/shipping-methods/${id}/`, { method: 'PATCH', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: methodsKey }),
  });
}

export function useDeleteShippingMethod() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      api<undefined>(`/vendor/shipping-methods/${id}/`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: methodsKey }),
  });
}

const policiesKey = [...queryKeys.vendor, 'policies'] as const;

export function useVendorPolicies() {
  return useQuery({
    queryKey: policiesKey,
    queryFn: ({ signal }) => api<VendorPolicies>('/vendor/policies/', { signal }),
  });
}

export function useSavePolicies() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { handling_days: number; return_window_days: number }) =>
      api<VendorPolicies>('/vendor/policies/', { method: 'PATCH', body }),
    onSuccess: (policies) => queryClient.setQueryData(policiesKey, policies),
  });
}

// --- returns ------------------------------------------------------------------------------------

const returnsKey = [...queryKeys.vendor, 'returns'] as const;

export const vendorReturnsQueryOptions = (status: string, page = 1) =>
  queryOptions({
    queryKey: [...returnsKey, status, page],
    queryFn: ({ signal }) =>
      api<Paginated<VendorReturn>>('/vendor/returns/', {
        signal,
        query: { status: status || undefined, page },
      }),
  });

export function useVendorReturns(status: string, page = 1) {
  return useQuery(vendorReturnsQueryOptions(status, page));
}

export type ReturnAction =
  | { id: number; action: 'approve' }
  | { id: number; action: 'reject'; note: string }
  | { id: number; action: 'refund'; amount?: string | undefined; restock: boolean };

export function useReturnAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, ...body }: ReturnAction) =>
      api<VendorReturn>(`/vendor/returns/${id}/${action}/`, { method: 'POST', body }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: returnsKey }),
        // A refund changes what the order's refunded total says on the orders page.
        queryClient.invalidateQueries({ queryKey: ordersKey }),
      ]),
  });
}
