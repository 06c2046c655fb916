import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useCartToken, useIsAuthenticated } from '@/lib/session';
import { mergeGuestCart } from '../api/cart';

/**
 * Safety net for merges the login form did not run (a login in another tab, a merge
 * that failed on the network): whenever a signed-in session still holds a guest token.
 */
export function GuestCartMerger() {
  const authenticated = useIsAuthenticated();
  const token = useCartToken();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (authenticated && token) void mergeGuestCart(queryClient);
  }, [authenticated, token, queryClient]);
  return null;
}
