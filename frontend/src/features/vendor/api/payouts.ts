import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiFile, type Paginated } from '@/lib/api';
import { queryKeys } from '@/lib/query-keys';
import type { Schema } from '@/lib/types';

/** One currency of the vendor's balance; money is decimal strings, never computed here. */
export type Balance = Schema<'Balance'>;

export type EntryType = Schema<'LedgerEntry'>['type'];

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

export type LedgerEntry = Schema<'LedgerEntry'>;

export type Payout = Schema<'Payout'>;

export type PayoutAccount = Schema<'PayoutAccount'>;

export type DailyPoint = Schema<'DailyPoint'>;
export type Earnings = Schema<'Earnings'>;
export type StatementMonth = Schema<'StatementMonth'>;
export type LedgerFilters = { type?: string; date_from?: string; date_to?: string; page?: number };

const moneyKey = [...queryKeys.vendor, 'money'] as const;

export const balanceQueryOptions = () =>
  queryOptions({
    queryKey: [...moneyKey, 'balance'],
    queryFn: ({ signal }) => api<Schema<'Balances'>>('/vendor/balance/', { signal }),
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
/** `untilEnabled`: asks again every 5 s until the account is enabled (back from onboarding). */
export const usePayoutAccount = ({ untilEnabled = false } = {}) =>
  useQuery({
    ...payoutAccountQueryOptions(),
    refetchInterval: (query) =>
      untilEnabled && query.state.data?.status !== 'enabled' ? ACCOUNT_POLL_MS : false,
  });

export const ACCOUNT_POLL_MS = 5000;

/** Connect (or continue) payouts: the answer is the provider's onboarding link to open. */
export function useConnectPayouts() {
  return useMutation({
    mutationFn: () => api<Schema<'OnboardingLink'>>('/vendor/payout-account/', { method: 'POST' }),
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
