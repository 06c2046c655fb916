import { Spinner, ErrorMessage } from '@/components/ui/Feedback';
import { useMe } from '@/features/auth/api/auth';
import { flattenCategories, useCategories } from '@/features/catalog/api/catalog';
import { VendorPortal } from '@/features/vendor/components/VendorPortal';
import { RequireAuth } from '../RequireAuth';

function Portal() {
  const me = useMe();
  const categories = useCategories();
  if (me.isPending) return <Spinner label="Loading your vendor account…" />;
  if (me.isError) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  return (
    <VendorPortal
      vendor={me.data.vendor}
      email={me.data.email}
      categories={flattenCategories(categories.data ?? [])}
    />
  );
}

export function Component() {
  return (
    <RequireAuth>
      <Portal />
    </RequireAuth>
  );
}
