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

export type SubOrder = {
  id: number;
  number?: string;
  order_number?: string;
  order_status?: string;
  /** What went back to the customer on the whole order so far (partial refunds). */
  order_refunded_total?: string;
  status: string;
  created_at?: string;
  tracking_number?: string | null;
  total?: string;
  subtotal?: string;
  currency?: string;
  lines?: {
    id?: number;
    product_name?: string;
    name?: string;
    variant_name?: string;
    sku?: string;
    quantity: number;
  }[];
  shipping_address?: { full_name?: string; city?: string; country?: string } | null;
};

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
  return useQuery({ ...importQueryOptions(id ?? 0), enabled: id !== null });
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

export function useShipOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, tracking_number }: { id: number; tracking_number?: string | undefined }) =>
      api<SubOrder>(`/vendor/orders/${id}/ship/`, {
        method: 'POST',
        body: tracking_number ? { tracking_number } : {},
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ordersKey }),
  });
}
