import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useIsAuthenticated } from '@/lib/session';
import { useStore } from '@/lib/store';
import { guestHeartsStore, mergeGuestHearts } from '../api/wishlist';

/** Whenever a signed-in session finds a guest's hearts in this browser, they join the account. */
export function GuestWishlistMerger() {
  const authenticated = useIsAuthenticated();
  const hearts = useStore(guestHeartsStore);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (authenticated && hearts.length) void mergeGuestHearts(queryClient);
  }, [authenticated, hearts, queryClient]);
  return null;
}
