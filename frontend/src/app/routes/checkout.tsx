import { useMe } from '@/features/auth/api/auth';
import { CheckoutPage } from '@/features/cart/components/CheckoutPage';

export function Component() {
  const me = useMe();
  // Wait for the email so the pre-filled field does not change under the shopper's cursor.
  if (me.fetchStatus === 'fetching' && !me.data) return null;
  return <CheckoutPage key={me.data?.email ?? 'guest'} defaultEmail={me.data?.email} />;
}
