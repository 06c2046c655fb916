import { Route, Routes } from 'react-router';
import { AccountLayout } from '@/features/account/components/AccountLayout';
import { AddressesPage } from '@/features/account/components/AddressesPage';
import { OrderDetailPage, OrdersPage } from '@/features/account/components/OrderPages';
import { useMe } from '@/features/auth/api/auth';
import { NotFound } from '../RouteError';
import { RequireAuth } from '../RequireAuth';

export function Component() {
  const me = useMe();
  const name = me.data
    ? [me.data.first_name, me.data.last_name].filter(Boolean).join(' ') || me.data.email
    : undefined;
  return (
    <RequireAuth>
      <Routes>
        <Route element={<AccountLayout greeting={name ? `Signed in as ${name}` : undefined} />}>
          <Route index element={<OrdersPage />} />
          <Route path="orders/:number" element={<OrderDetailPage />} />
          <Route path="addresses" element={<AddressesPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </RequireAuth>
  );
}
