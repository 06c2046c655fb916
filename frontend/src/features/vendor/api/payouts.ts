import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiFile, type Paginated } from '@/lib/api';
import { queryKeys } from '@/lib/query-keys';

/** One currency of the vendor's balance; money is decimal strings, never computed here. */
export type Balance = {
  currency: string;
  pending: string;
  available: string;
  paid_out: string;
  total: string;
};

export type EntryType =
  | 'sale'
  | 'commission'
  | 'shipping_share'
  | 'refund'
  | 'refund_commission'
  | 'payout'
  | 'payout_reversal'
  | 'adjustment';

export const ENTRY_TYPES: { value: EntryType; label: string }[] = [
  { value: 'sale', label: 'Sales' },
  { value: 'commission', label: 'Commission' },
  { value: 'shipping_share', label: 'Shipping share' },
  { value: 'refund', label: 'Refunds' },
  { value: 'refund_commission', label: 'Commission refunded' },
  { value: 'payout', label: 'Payouts' },
  { value: 'payout_reversal', label: 'Payout reversals' },
  { value: 'adjustment', label: 'Adjustments' },
];

export type LedgerEntry = {
  id: number;
  type: EntryType;
  amount: string;
  currency: string;
  state: 'pending' | 'available';
  available_at: string;
  created_at: string;
  order_number: string | null;
  vendor_order_id: number | null;
  refund_id: number | null;
  payout_id: number | null;
  reason: string;
};

export type Payout = {
  id: number;
  amount: string;
  currency: string;
  status: 'pending' | 'paid' | 'failed' | 'reversed';
  amount_reversed: string;
  transfer_id: string;
  failure_reason: string;
  entry_count: number;
  created_at: string;
  sent_at: string | null;
};

export type PayoutAccount = {
  status: 'not_connected' | 'onboarding' | 'restricted' | 'enabled';
  provider: string | null;
  account_id: string | null;
  details_submitted: boolean;
  payouts_enabled: boolean;
  schedule: 'daily' | 'weekly' | null;
  weekly_anchor: string | null;
  on_hold: boolean;
  hold_reason: string | null;
  minimum_amount: string;
};

export type DailyPoint = { date: string; sales: string; payouts: string };
export type Earnings = { currency: string; days: number; points: DailyPoint[] };
export type StatementMonth = { month: string; entries: number };
export type LedgerFilters = { type?: string; date_from?: string; date_to?: string; page?: number };

const moneyKey = [...queryKeys.vendor, 'money'] as const;

export const balanceQueryOptions = () =>
  queryOptions({
    queryKey: [...moneyKey, 'balance'],
    queryFn: ({ signal }) =>
      api<{ balances: Balance[]; hold_days: number }>('/vendor/balance/', { signal }),
  });

export const ledgerQueryOptions = (filters: LedgerFilters) =>
  queryOptions({
    queryKey: [...moneyKey, 'ledger', filters],
    queryFn: ({ signal }) =>
      api<Paginated<LedgerEntry>>('/vendor/ledger/', { signal, query: filters }),
  });

export const earningsQueryOptions = (days = 90) =>
  queryOptions({
    queryKey: [...moneyKey, 'earnings', days],
    queryFn: ({ signal }) => api<Earnings>('/vendor/earnings/', { signal, query: { days } }),
  });

export const payoutsQueryOptions = (page = 1) =>
  queryOptions({
    queryKey: [...moneyKey, 'payouts', page],
    queryFn: ({ signal }) =>
      api<Paginated<Payout>>('/vendor/payouts/', { signal, query: { page } }),
  });

export const statementsQueryOptions = () =>
  queryOptions({
    queryKey: [...moneyKey, 'statements'],
    queryFn: ({ signal }) => api<StatementMonth[]>('/vendor/statements/', { signal }),
  });

export const payoutAccountQueryOptions = () =>
  queryOptions({
    queryKey: [...moneyKey, 'account'],
    queryFn: ({ signal }) => api<PayoutAccount>('/vendor/payout-account/', { signal }),
  });

export const useBalance = () => useQuery(balanceQueryOptions());
export const useLedger = (filters: LedgerFilters) => useQuery(ledgerQueryOptions(filters));
export const useEarnings = (days = 90) => useQuery(earningsQueryOptions(days));
export const usePayouts = (page = 1) => useQuery(payoutsQueryOptions(page));
export const useStatements = () => useQuery(statementsQueryOptions());
export const usePayoutAccount = () => useQuery(payoutAccountQueryOptions());

/** Connect (or continue) payouts: the answer is the provider's onboarding link to open. */
export function useConnectPayouts() {
  return useMutation({
    mutationFn: () =>
      api<{ url: string; account: PayoutAccount }>('/vendor/payout-account/', { method: 'POST' }),
  });
}

/** The dummy provider's onboarding page only (local runs and tests). */
export function useCompleteTestOnboarding() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (account: string) =>
      api<PayoutAccount>('/vendor/payout-account/dummy-onboarding/', {
        method: 'POST',
        body: { account },
      }),
    onSuccess: (account) => queryClient.setQueryData(payoutAccountQueryOptions().queryKey, account),
  });
}

/** Downloads a monthly statement (the API needs the JWT, so not a plain link). */
export async function downloadStatement(month: string, kind: 'csv' | 'pdf'): Promise<void> {
  const { blob, filename } = await apiFile(`/vendor/statements/${month}/${kind}/`);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
