import { createStore, storage, useStore } from './store';

export type Tokens = { access: string; refresh: string };

const TOKENS_KEY = 'agora.tokens';
const CART_TOKEN_KEY = 'agora.cartToken';

function isTokens(value: unknown): value is Tokens {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Tokens).access === 'string' &&
    typeof (value as Tokens).refresh === 'string'
  );
}

const stored = storage.read<unknown>(TOKENS_KEY);
/** The signed-in user's JWT pair; `null` when browsing as a guest. */
export const tokenStore = createStore<Tokens | null>(isTokens(stored) ? stored : null);
tokenStore.subscribe(() => storage.write(TOKENS_KEY, tokenStore.get()));

const storedCart = storage.read<unknown>(CART_TOKEN_KEY);
/** A guest's cart token, kept across reloads until it is merged into a user's cart. */
export const cartTokenStore = createStore<string | null>(
  typeof storedCart === 'string' ? storedCart : null,
);
cartTokenStore.subscribe(() => storage.write(CART_TOKEN_KEY, cartTokenStore.get()));

// Another tab signing in or out should not leave this one with stale tokens.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === TOKENS_KEY) {
      const next = storage.read<unknown>(TOKENS_KEY);
      tokenStore.set(isTokens(next) ? next : null);
    } else if (event.key === CART_TOKEN_KEY) {
      const next = storage.read<unknown>(CART_TOKEN_KEY);
      cartTokenStore.set(typeof next === 'string' ? next : null);
    }
  });
}

export function useIsAuthenticated(): boolean {
  return useStore(tokenStore) !== null;
}

export function useCartToken(): string | null {
  return useStore(cartTokenStore);
}
