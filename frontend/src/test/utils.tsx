import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { http, HttpResponse } from 'msw';
import { server } from './server';

export function createTestQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

/** Shows where the app navigated to, so tests can assert on it. */
function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{`${location.pathname}${location.search}`}</div>;
}

type Options = Omit<RenderOptions, 'wrapper'> & {
  route?: string;
  /** Route pattern for the element, e.g. "/products/:slug" so useParams works. */
  path?: string;
  queryClient?: QueryClient;
  extraRoutes?: ReactNode;
};

export function renderWithProviders(ui: ReactElement, options: Options = {}) {
  const {
    route = '/',
    path = '*',
    queryClient = createTestQueryClient(),
    extraRoutes,
    ...rest
  } = options;
  const result = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path={path} element={ui} />
          {extraRoutes}
        </Routes>
        <LocationProbe />
      </MemoryRouter>
    </QueryClientProvider>,
    rest,
  );
  return { ...result, queryClient };
}

export function apiError(status: number, code: string, message: string, details: unknown = {}) {
  return HttpResponse.json({ error: { code, message, details } }, { status });
}

export const API = (path: string) => `*/api/v1${path}`;

/** Answers every POST to the API's `path` with `answer()`, and keeps the request bodies, in order,
 * in the list it returns: what the page sent is then asserted like what it shows. */
export function recordPosts(path: string, answer: () => Response): unknown[] {
  const bodies: unknown[] = [];
  server.use(
    http.post(API(path), async ({ request }) => {
      bodies.push(await request.json());
      return answer();
    }),
  );
  return bodies;
}

export function paginated<T>(results: T[], count = results.length) {
  return { count, next: null, previous: null, results };
}
