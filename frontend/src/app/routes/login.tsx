import { LoginPage } from '@/features/auth/components/LoginPage';
import { useMergeGuestCart } from '@/features/cart/api/cart';

export function Component() {
  const merge = useMergeGuestCart();
  return <LoginPage onLoggedIn={merge} />;
}
