import { createStore, storage, useStore } from './store';

/**
 * A signed-in browser session. The refresh token lives in an HttpOnly cookie that page script
 * cannot read (the API's cookie mode); the short-lived access token lives only in memory, so
 * nothing an injected script could steal from storage outlives the page. After a reload the
 * access token is `null` until the first API call renews it from the cookie.
 */
export type Session = { access: string | null };

// Only a hint that a refresh cookie may exist: no token is ever written to storage.
const SESSION_KEY = 'agora.session';
const CART_TOKEN_KEY = 'agora.cartToken';
// Written by earlier versions, which kept the JWT pair in localStorage.
const LEGACY_TOKENS_KEY = 'agora.tokens';

storage.write(LEGACY_TOKENS_KEY, null);

/** The signed-in user's session; `null` when browsing as a guest. */
export const sessionStore = createStore<Session | null>(
  storage.read<unknown>(SESSION_KEY) === true ? { access: null } : null,
);
sessionStore.subscribe(() => storage.write(SESSION_KEY, sessionStore.get() ? true : null));

const storedCart = storage.read<unknown>(CART_TOKEN_KEY);
/** A guest's cart token, kept across reloads until it is merged into a user's cart. */
export const cartTokenStore = createStore<string | null>(
  typeof storedCart === 'string' ? storedCart : null,
);
cartTokenStore.subscribe(() => storage.write(CART_TOKEN_KEY, cartTokenStore.get()));

// Another tab signing in or out should not leave this one in the other state.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === SESSION_KEY) {
      const signedIn = storage.read<unknown>(SESSION_KEY) === true;
      if (!signedIn) sessionStore.set(null);
      else if (!sessionStore.get()) sessionStore.set({ access: null });
    } else if (event.key === CART_TOKEN_KEY) {
      const next = storage.read<unknown>(CART_TOKEN_KEY);
      cartTokenStore.set(typeof next === 'string' ? next : null);
    }
  });
}

/** Start a session with the access token the sign-in (or a password change) answered. */
export function startSession(access: string): void {
  sessionStore.set({ access });
}

export function endSession(): void {
  sessionStore.set(null);
}

export function isSignedIn(): boolean {
  return sessionStore.get() !== null;
}

export function useIsAuthenticated(): boolean {
  return useStore(sessionStore) !== null;
}

export function useCartToken(): string | null {
  return useStore(cartTokenStore);
}
