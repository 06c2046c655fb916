import { lazy, Suspense } from 'react';
import { NavLink, Route, Routes, useLocation } from 'react-router';
import { EmptyState, Notice, Spinner } from '@/components/ui/Feedback';
import { useDocumentTitle } from '@/lib/hooks';
import type { VendorInfo } from '../api/vendor';
import { ApplyForm } from './ApplyForm';
import { PortalContext, type CategoryOption } from './context';
import { ImportPage } from './ImportPage';
import { ProductFormPage } from './ProductFormPage';
import { VendorOrdersPage } from './VendorOrdersPage';
import { VendorProductsPage } from './VendorProductsPage';
import { VendorReturnsPage } from './VendorReturnsPage';
import { VendorReviewsPage } from './VendorReviewsPage';
import { VendorShippingPage } from './VendorShippingPage';

// The money pages load on demand: the chart and tables stay out of the portal's first chunk.
const PayoutsPage = lazy(() =>
  import('./payouts/PayoutsPage').then((m) => ({ default: m.PayoutsPage })),
);
const OnboardingPage = lazy(() =>
  import('./payouts/OnboardingPage').then((m) => ({ default: m.OnboardingPage })),
);

type Props = {
  /** The caller's vendor from GET /me/ (`null` if they have not applied). */
  vendor: VendorInfo | null;
  email?: string | undefined;
  categories: CategoryOption[];
};

function Status({ vendor }: { vendor: VendorInfo }) {
  if (vendor.status === 'pending') {
    return (
      <Notice>
        <strong>{vendor.name}</strong>: your application is under review. We will email you when it
        is approved; you can start selling then.
      </Notice>
    );
  }
  return (
    <Notice tone="warning">
      <strong>{vendor.name}</strong> is {vendor.status}. Products are not listed in the storefront;
      contact support for help.
    </Notice>
  );
}

/** A money page still loading: titled for the page it will show, not the one left behind. */
function PageLoading({ title, label }: { title: string; label: string }) {
  useDocumentTitle(title);
  return <Spinner label={label} />;
}

/** Inside the portal, an address that names no page. */
function PortalNotFound() {
  useDocumentTitle('Page not found');
  return <EmptyState title="Page not found" />;
}

export function VendorPortal({ vendor, email, categories }: Props) {
  // An approved vendor always sees a sub-page, which titles the document itself: a parent's
  // effect runs after its children's, so titling here too would overwrite theirs.
  useDocumentTitle(vendor?.status === 'approved' ? undefined : 'Vendor portal');
  const { pathname } = useLocation();
  // The product list is the portal's home, so the tab stays lit on /vendor and /vendor/products/*.
  const onProducts = pathname === '/vendor' || pathname.startsWith('/vendor/products');
  return (
    <div className="stack">
      <h1>Vendor portal</h1>
      {!vendor ? (
        <ApplyForm defaultEmail={email} />
      ) : vendor.status !== 'approved' ? (
        <Status vendor={vendor} />
      ) : (
        <PortalContext.Provider value={{ categories }}>
          <p className="muted">
            Selling as <strong>{vendor.name}</strong>
          </p>
          <nav aria-label="Vendor portal" className="tabs">
            <NavLink
              to="/vendor"
              end
              className={onProducts ? 'active' : undefined}
              aria-current={onProducts ? 'page' : undefined}
            >
              Products
            </NavLink>
            <NavLink to="/vendor/imports">CSV import</NavLink>
            <NavLink to="/vendor/orders">Orders</NavLink>
            <NavLink to="/vendor/returns">Returns</NavLink>
            <NavLink to="/vendor/shipping">Shipping</NavLink>
            <NavLink to="/vendor/reviews">Reviews</NavLink>
            <NavLink to="/vendor/payouts" end>
              Payouts
            </NavLink>
          </nav>
          <Routes>
            <Route index element={<VendorProductsPage />} />
            <Route path="products" element={<VendorProductsPage />} />
            <Route path="products/new" element={<ProductFormPage />} />
            <Route path="products/:id" element={<ProductFormPage />} />
            <Route path="imports" element={<ImportPage />} />
            <Route path="orders" element={<VendorOrdersPage />} />
            <Route path="returns" element={<VendorReturnsPage />} />
            <Route path="shipping" element={<VendorShippingPage />} />
            <Route path="reviews" element={<VendorReviewsPage />} />
            <Route
              path="payouts"
              element={
                <Suspense fallback={<PageLoading title="Payouts" label="Loading payouts…" />}>
                  <PayoutsPage />
                </Suspense>
              }
            />
            <Route
              path="payouts/onboarding"
              element={
                <Suspense fallback={<PageLoading title="Payout onboarding" label="Loading…" />}>
                  <OnboardingPage />
                </Suspense>
              }
            />
            <Route path="*" element={<PortalNotFound />} />
          </Routes>
        </PortalContext.Provider>
      )}
    </div>
  );
}
