import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { cartTokenStore, sessionStore } from '@/lib/session';
import { server } from './server';

// findBy*/waitFor give up after 1 s by default; on the 2-core machine shared with other jobs a
// page's first render (the home page renders in slices) has taken longer. Only a failing wait
// gets slower.
configure({ asyncUtilTimeout: 5_000 });

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
