import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api } from '@/lib/api';
import { queryKeys } from '@/lib/query-keys';
import type { Schema } from '@/lib/types';
import {
  cartTokenStore,
  endSession,
  isSignedIn,
  startSession,
  useIsAuthenticated,
} from '@/lib/session';

export type VendorMembership = Schema<'VendorSummary'>;
export type Me = Schema<'User'>;

/** What the sign-in and register forms collect (the request adds `mode`). */
export type Credentials = Pick<Schema<'LoginInputRequest'>, 'email' | 'password'>;
export type Registration = Credentials &
  Partial<Pick<Schema<'RegisterInputRequest'>, 'first_name' | 'last_name'>>;

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
    // Cookie mode: the refresh token goes into an HttpOnly cookie, the answer carries the
    // access token only, and it stays in memory.
    mutationFn: (credentials: Credentials) =>
      api<Schema<'TokenPair'>>('/auth/token/', {
        method: 'POST',
        body: { ...credentials, mode: 'cookie' },
        anonymous: true,
      }),
    onSuccess: async ({ access }) => {
      startSession(access);
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
      if (!isSignedIn()) return;
      try {
        // Revokes the cookie's refresh token and clears the cookie (it is only sent to that path).
        await api<undefined>('/auth/token/refresh/', { method: 'DELETE', anonymous: true });
      } catch {
        // Logging out locally must work even if the server is unreachable.
      }
    },
    onSettled: () => {
      endSession();
      cartTokenStore.set(null);
      // Nothing a signed-in user saw may stay visible to whoever uses the browser next.
      queryClient.clear();
    },
  });
}

// --- recovery --------------------------------------------------------------------------------

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) =>
      api<Schema<'Accepted'>>('/auth/password/reset/', {
        method: 'POST',
        body: { email },
        anonymous: true,
      }),
  });
}

export type ResetConfirm = Schema<'PasswordResetConfirmInputRequest'>;

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: ResetConfirm) =>
      api<undefined>('/auth/password/reset/confirm/', { method: 'POST', body, anonymous: true }),
  });
}

export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) =>
      api<Schema<'EmailVerified'>>('/auth/email/verify/', {
        method: 'POST',
        body: { token },
        anonymous: true,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

/** The key/value pairs of the URL fragment (`#uid=…&token=…`): emailed links carry their
 * tokens there, so they never reach a server log. */
export function fragmentParams(hash: string): URLSearchParams {
  return new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
}

/** An emailed link's fragment (`#token=…`), read once: it is then removed from the address bar
 * and from the history entry, so the secret does not stay on screen or in the history. */
export function useLinkFragment(): URLSearchParams {
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useState(() => fragmentParams(location.hash));
  useEffect(() => {
    if (location.hash) navigate({ pathname: location.pathname, hash: '' }, { replace: true });
  }, [location.hash, location.pathname, navigate]);
  return params;
}
