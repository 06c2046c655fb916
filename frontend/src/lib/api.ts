import { env } from '@/config/env';
import { ApiError, type ErrorDetails } from './errors';
import { cartTokenStore, tokenStore, type Tokens } from './session';

export type Paginated<T> = {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
};

type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  /** A plain object is sent as JSON; FormData as multipart. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Skip the Authorization header and the refresh dance (login, register, refresh). */
  anonymous?: boolean;
};

const API_PREFIX = '/api/v1';
const REFRESH_PATH = '/auth/token/refresh/';

export function apiUrl(path: string, query?: Query): string {
  const base = env.apiBaseUrl || window.location.origin;
  const url = new URL(`${API_PREFIX}${path}`, base);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        url.searchParams.set(key, String(value));
      }
    }
  }
  return url.toString();
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Proxies and crashed workers answer HTML; the status still says what happened.
  }
  const envelope = (payload as { error?: { code?: string; message?: string; details?: unknown } })
    ?.error;
  if (envelope && typeof envelope.code === 'string') {
    return new ApiError(
      response.status,
      envelope.code,
      envelope.message ?? '',
      (envelope.details ?? {}) as ErrorDetails,
    );
  }
  const code =
    response.status >= 500
      ? 'server_error'
      : response.status === 401
        ? 'not_authenticated'
        : response.status === 404
          ? 'not_found'
          : 'http_error';
  return new ApiError(response.status, code, `Request failed (${response.status}).`);
}

let refreshing: Promise<Tokens | null> | null = null;

/**
 * Swap the refresh token for a new pair. Concurrent 401s share one refresh:
 * rotation blacklists the old refresh token, so a second call would fail and log us out.
 */
function refreshTokens(): Promise<Tokens | null> {
  const current = tokenStore.get();
  if (!current) return Promise.resolve(null);
  refreshing ??= (async () => {
    try {
      const response = await fetch(apiUrl(REFRESH_PATH), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh: current.refresh }),
      });
      if (!response.ok) return null;
      const data = (await response.json()) as Partial<Tokens>;
      if (typeof data.access !== 'string') return null;
      // With rotation the server sends a new refresh token; keep the old one if it did not.
      const next = { access: data.access, refresh: data.refresh ?? current.refresh };
      tokenStore.set(next);
      return next;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function send(path: string, options: RequestOptions, access: string | null) {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body; // the browser sets the multipart boundary
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (access) headers.Authorization = `Bearer ${access}`;
  // A signed-in caller's cart is found by the JWT; the guest token only matters before that.
  const cartToken = cartTokenStore.get();
  if (!access && cartToken && !options.anonymous) headers['X-Cart-Token'] = cartToken;
  try {
    return await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'Network error.');
  }
}

/** Sends a request with the JWT, refreshing it once on a 401; errors become an ApiError. */
async function request(path: string, options: RequestOptions): Promise<Response> {
  const tokens = options.anonymous ? null : tokenStore.get();
  let response = await send(path, options, tokens?.access ?? null);

  if (response.status === 401 && tokens) {
    const renewed = await refreshTokens();
    if (renewed) {
      response = await send(path, options, renewed.access);
    } else {
      // Only forget the session if nobody replaced it while we were refreshing.
      if (tokenStore.get()?.refresh === tokens.refresh) tokenStore.set(null);
    }
  }

  if (!response.ok) throw await toApiError(response);
  return response;
}

/**
 * The one way the app talks to the backend: attaches the JWT, refreshes it once on a
 * 401 and retries, and turns the error envelope into an ApiError.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file the API answers (a statement as CSV or PDF), with the name the server gives it. */
export async function apiFile(
  path: string,
  options: RequestOptions = {},
): Promise<{ blob: Blob; filename: string }> {
  const response = await request(path, {
    ...options,
    headers: { Accept: '*/*', ...options.headers },
  });
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
  return { blob: await response.blob(), filename };
}
