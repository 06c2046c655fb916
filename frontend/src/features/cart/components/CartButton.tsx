import { cartDrawerStore, useCart } from '../api/cart';

/** The header's cart button: where focus goes back to when the cart drawer's opener is gone. */
export const CART_BUTTON_ID = 'header-cart';

export function CartButton() {
  const cart = useCart();
  const count = cart.data?.item_count ?? 0;
  return (
    <button
      type="button"
      id={CART_BUTTON_ID}
      className="header__cart"
      onClick={() => cartDrawerStore.set(true)}
      aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}
      aria-haspopup="dialog"
    >
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          fill="currentColor"
          d="M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM7.2 14h9.9c.8 0 1.4-.4 1.7-1l3.2-6.5L20.3 6H6.2L5.3 4H2v2h2l3.6 7.6-1.4 2.4c-.7 1.3.2 3 1.8 3h12v-2H7.4l.8-1.5z"
        />
      </svg>
      <span className="header__cart-count" aria-hidden="true">
        {count}
      </span>
    </button>
  );
}
