import { useCallback, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { Drawer } from '@/components/ui/Drawer';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { Price } from '@/components/ui/Price';
import { useDocumentTitle } from '@/lib/hooks';
import { cartDrawerStore, useCart, useCartDrawerOpen } from '../api/cart';
import { usePaymentMethods } from '../api/checkout';
import { CART_BUTTON_ID } from './CartButton';
import { CartLines } from './CartLines';

const cartButton = () => document.getElementById(CART_BUTTON_ID);

/**
 * After a line is removed its controls are gone and focus falls to <body>: it moves to the next
 * line's Remove button, else the previous line's, else the empty-cart message.
 */
function useFocusAfterRemoval(lineIds: number[] | undefined) {
  const root = useRef<HTMLDivElement>(null);
  const before = useRef<number[]>([]);
  const key = lineIds?.join(',') ?? '';
  useEffect(() => {
    const now = key ? key.split(',').map(Number) : [];
    const gone = before.current.findIndex((id) => !now.includes(id));
    before.current = now;
    const active = document.activeElement;
    if (gone < 0 || (active && active !== document.body) || !root.current) return;
    const lines = root.current.querySelectorAll<HTMLElement>('.line');
    const line = lines[Math.min(gone, lines.length - 1)];
    const target = line
      ? line.querySelector<HTMLElement>('.line__remove')
      : root.current.querySelector<HTMLElement>('[data-cart-empty]');
    target?.focus();
  }, [key]);
  return root;
}

export function CartContents({ onNavigate }: { onNavigate?: () => void }) {
  const cart = useCart();
  const root = useFocusAfterRemoval(cart.data?.items.map((line) => line.id));
  // The server says which payment methods exist; with Stripe among them checkout loads in full.
  const stripeOffered = Boolean(usePaymentMethods().data?.some((m) => m.code === 'stripe'));
  return <div ref={root}>{body()}</div>;

  function body() {
    if (cart.isPending && cart.fetchStatus !== 'idle')
      return <Spinner label="Loading your cart…" />;
    if (cart.isError)
      return <ErrorMessage error={cart.error} onRetry={() => void cart.refetch()} />;
    const data = cart.data;
    if (!data || data.items.length === 0) {
      return (
        <div tabIndex={-1} data-cart-empty="">
          <EmptyState title="Your cart is empty">
            <Link to="/products" onClick={onNavigate}>
              Start shopping
            </Link>
          </EmptyState>
        </div>
      );
    }
    return (
      <div className="stack">
        <CartLines cart={data} />
        <p className="totals">
          <span>Subtotal</span>
          <strong>
            <Price amount={data.subtotal} currency={data.currency} />
          </strong>
        </p>
        <p className="muted">Shipping is chosen at checkout.</p>
        {/* With Stripe, checkout is a full page load: the server allows Stripe.js (its CSP) only on
            that page, and a client-side route change would keep this page's stricter policy. */}
        <Link
          to="/checkout"
          className="btn btn--primary btn--block"
          onClick={onNavigate}
          reloadDocument={stripeOffered}
        >
          Go to checkout
        </Link>
      </div>
    );
  }
}

export function CartDrawer() {
  const open = useCartDrawerOpen();
  const close = useCallback(() => cartDrawerStore.set(false), []);
  return (
    <Drawer open={open} onClose={close} title="Your cart" fallbackFocus={cartButton}>
      <CartContents onNavigate={close} />
    </Drawer>
  );
}

export function CartPage() {
  useDocumentTitle('Your cart');
  return (
    <div className="narrow stack">
      <h1>Your cart</h1>
      <CartContents />
    </div>
  );
}
