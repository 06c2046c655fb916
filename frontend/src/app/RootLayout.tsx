import { lazy, Suspense, useEffect } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Spinner } from '@/components/ui/Feedback';
import { CardActionContext, type CardAction } from '@/components/ui/ProductCard';
import { useLogout, useMe } from '@/features/auth/api/auth';
import { useCartDrawerOpen } from '@/features/cart/api/cart';
import { CartButton } from '@/features/cart/components/CartButton';
import { GuestCartMerger } from '@/features/cart/components/GuestCartMerger';
import { SearchBox } from '@/features/search/components/SearchBox';
import { GuestWishlistMerger } from '@/features/wishlist/components/GuestWishlistMerger';
import { WishlistHeart } from '@/features/wishlist/components/WishlistHeart';
import { useIsAuthenticated } from '@/lib/session';
import { RouteErrorBoundary } from './RouteError';

// The drawer's code is only fetched the first time a shopper opens it.
const CartDrawer = lazy(() =>
  import('@/features/cart/components/CartDrawer').then((m) => ({ default: m.CartDrawer })),
);

/** Every product card carries a wishlist heart for its product. */
const cardHeart: CardAction = (product) => (
  <WishlistHeart target={{ product: product.slug }} name={product.name} />
);

function AccountNav() {
  const authenticated = useIsAuthenticated();
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  if (!authenticated) {
    return (
      <>
        <NavLink to="/login">Sign in</NavLink>
        <NavLink to="/register" className="hide-sm">
          Register
        </NavLink>
      </>
    );
  }
  return (
    <>
      <NavLink to="/account" aria-label={me.data ? `Account of ${me.data.email}` : 'Account'}>
        Account
      </NavLink>
      <NavLink to="/vendor">{me.data?.vendor ? 'Vendor portal' : 'Sell'}</NavLink>
      <button
        type="button"
        className="linklike"
        disabled={logout.isPending}
        onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/') })}
      >
        Sign out
      </button>
    </>
  );
}

/** A new page starts at the top, as it would after a full page load. */
function useScrollToTopOnNavigate(pathname: string) {
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
}

export function RootLayout() {
  const drawerOpen = useCartDrawerOpen();
  const location = useLocation();
  useScrollToTopOnNavigate(location.pathname);
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="header">
        <div className="header__inner">
          <Link to="/" className="header__logo" aria-label="Agora home">
            Agora
          </Link>
          <div className="header__search">
            <SearchBox />
          </div>
          <nav className="header__nav" aria-label="Main">
            <NavLink to="/products" className="hide-sm">
              Products
            </NavLink>
            <AccountNav />
            <CartButton />
          </nav>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <RouteErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Spinner label="Loading page…" />}>
            <CardActionContext.Provider value={cardHeart}>
              <Outlet />
            </CardActionContext.Provider>
          </Suspense>
        </RouteErrorBoundary>
      </main>
      <footer className="footer">
        <p>
          Agora — an open-source marketplace. <Link to="/vendor">Sell on Agora</Link>
        </p>
      </footer>
      {drawerOpen ? (
        <Suspense fallback={null}>
          <CartDrawer />
        </Suspense>
      ) : null}
      <GuestCartMerger />
      <GuestWishlistMerger />
    </>
  );
}
