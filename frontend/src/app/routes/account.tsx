import { Route, Routes } from 'react-router';
import { Spinner } from '@/components/ui/Feedback';
import { AccountLayout } from '@/features/account/components/AccountLayout';
import { AddressesPage } from '@/features/account/components/AddressesPage';
import { OrderDetailPage, OrdersPage } from '@/features/account/components/OrderPages';
import { PrivacyPage } from '@/features/account/components/PrivacyPage';
import { SecurityPage } from '@/features/account/components/SecurityPage';
import { useMe } from '@/features/auth/api/auth';
import { MyReviewsPage } from '@/features/reviews/components/MyReviewsPage';
import { WishlistPage } from '@/features/wishlist/components/WishlistPage';
import { NotFound } from '../RouteError';
import { RequireAuth } from '../RequireAuth';

function Security() {
  const me = useMe();
  if (!me.data) return <Spinner label="Loading your account…" />;
  return <SecurityPage email={me.data.email} emailVerified={me.data.email_verified} />;
}

export function Component() {
  const me = useMe();
  const name = me.data
    ? [me.data.first_name, me.data.last_name].filter(Boolean).join(' ') || me.data.email
    : undefined;
  const unverified = me.data && !me.data.email_verified ? me.data.email : undefined;
  return (
    <RequireAuth>
      <Routes>
        <Route
          element={
            <AccountLayout
              greeting={name ? `Signed in as ${name}` : undefined}
              unverifiedEmail={unverified}
            />
          }
        >
          <Route index element={<OrdersPage />} />
          <Route path="orders/:number" element={<OrderDetailPage />} />
          <Route path="wishlist" element={<WishlistPage />} />
          <Route path="reviews" element={<MyReviewsPage />} />
          <Route path="addresses" element={<AddressesPage />} />
          <Route path="security" element={<Security />} />
          <Route path="privacy" element={<PrivacyPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </RequireAuth>
  );
}
