import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { queryKeys } from '@/lib/query-keys';
import { cartTokenStore, tokenStore, useIsAuthenticated, type Tokens } from '@/lib/session';

export type VendorMembership = {
  slug: string;
  name: string;
  status: 'pending' | 'approved' | 'suspended' | 'rejected' | (string & {});
  role: string;
};

export type Me = {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_staff: boolean;
  vendor: VendorMembership | null;
};

export type Credentials = { email: string; password: string };
export type Registration = Credentials & { first_name?: string; last_name?: string };

export const meQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => api<Me>('/me/', { signal }),
    staleTime: 60_000,
  });

/** The signed-in user, or `undefined` for guests (no request is made without a token). */
export function useMe() {
  const authenticated = useIsAuthenticated();
  return useQuery({ ...meQueryOptions(), enabled: authenticated });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      api<Tokens>('/auth/token/', { method: 'POST', body: credentials, anonymous: true }),
    onSuccess: async (tokens) => {
      tokenStore.set(tokens);
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

export function useRegister() {
  return useMutation({
    mutationFn: (registration: Registration) =>
      api<Me>('/auth/register/', { method: 'POST', body: registration, anonymous: true }),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const tokens = tokenStore.get();
      if (!tokens) return;
      try {
        await api<undefined>('/auth/logout/', {
          method: 'POST',
          body: { refresh: tokens.refresh },
        });
      } catch {
        // Logging out locally must work even if the server is unreachable.
      }
    },
    onSettled: () => {
      tokenStore.set(null);
      cartTokenStore.set(null);
      // Nothing a signed-in user saw may stay visible to whoever uses the browser next.
      queryClient.clear();
    },
  });
}
