/**
 * Query keys that more than one feature touches. Features never import each other, so
 * cache hand-offs (checkout → order page, login → cart) go through these shared keys.
 */
export const queryKeys = {
  me: ['me'] as const,
  cart: ['cart'] as const,
  /** The signed-in user's cart (a guest's is keyed by its token): where the cart is read. */
  signedInCart: ['cart', 'user'] as const,
  orders: ['orders'] as const,
  order: (number: string) => ['orders', 'detail', number] as const,
  vendor: ['vendor'] as const,
};
