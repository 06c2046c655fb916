import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { cartTokenStore, sessionStore } from '@/lib/session';
import { server } from './server';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  sessionStore.set(null);
  cartTokenStore.set(null);
  window.localStorage.clear();
});
afterAll(() => server.close());

// jsdom has no layout: scrolling is a no-op here.
window.scrollTo = () => undefined;
