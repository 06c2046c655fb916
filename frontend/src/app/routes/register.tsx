import { RegisterPage } from '@/features/auth/components/RegisterPage';
import { useMergeGuestCart } from '@/features/cart/api/cart';

export function Component() {
  const merge = useMergeGuestCart();
  return <RegisterPage onLoggedIn={merge} />;
}
