import { env } from '@/config/env';
import { ApiError, type ErrorDetails } from './errors';
import { cartTokenStore, sessionStore, type Session } from './session';

export type Paginated<T> = {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
};

/** Query-string values; an array repeats the key (`attribute=a&attribute=b`). */
type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  /** A plain object is sent as JSON; FormData as multipart. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Skip the Authorization header and the token renewal (login, register, recovery). */
  anonymous?: boolean;
};

const API_PREFIX = '/api/v1';
const REFRESH_PATH = '/auth/token/refresh/';

export function apiUrl(path: string, query?: Query): string {
  const base = env.apiBaseUrl || window.location.origin;
  const url = new URL(`${API_PREFIX}${path}`, base);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (Array.isArray(value)) {
        for (const item of value as readonly string[]) url.searchParams.append(key, item);
      } else if (value !== undefined && value !== null && value !== '') {
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

/** A renewed access token, or none; `ended` when the server says the session is over (401). */
type Renewal = { access: string | null; ended: boolean };
let refreshing: Promise<Renewal> | null = null;

async function postRefresh(): Promise<Renewal> {
  try {
    // Cookie mode: no body token; the browser sends the HttpOnly refresh cookie (same origin).
    const response = await fetch(apiUrl(REFRESH_PATH), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
      credentials: 'same-origin',
    });
    if (!response.ok) return { access: null, ended: response.status === 401 };
    const data = (await response.json()) as { access?: unknown };
    return typeof data.access === 'string'
      ? { access: data.access, ended: false }
      : { access: null, ended: false };
  } catch {
    return { access: null, ended: false }; // offline: the session may still be fine
  }
}

/**
 * Get a new access token from the refresh cookie. Concurrent callers share one request, and
 * tabs take turns (Web Locks): the cookie rotates on every refresh, so two tabs sending the same
 * cookie at once would make the second one look stolen and sign it out.
 */
function refreshAccess(): Promise<Renewal> {
  if (!sessionStore.get()) return Promise.resolve({ access: null, ended: true });
  refreshing ??= (async () => {
    try {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      const renewal = locks
        ? await locks.request('agora-session-refresh', postRefresh)
        : await postRefresh();
      if (renewal.access && sessionStore.get()) sessionStore.set({ access: renewal.access });
      return renewal;
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

/** Sign out locally when the server says the session is over (unless another sign-in replaced it). */
function sessionEnded(session: Session): void {
  if (sessionStore.get() === session || sessionStore.get()?.access === session.access) {
    sessionStore.set(null);
  }
}

/**
 * Sends a request as the signed-in user (or a guest): renews the access token from the refresh
 * cookie when it has none yet (after a reload) or when it expired (one 401), then retries once.
 */
async function authorised(path: string, options: RequestOptions): Promise<Response> {
  const session = options.anonymous ? null : sessionStore.get();
  let access = session?.access ?? null;
  if (session && !access) {
    const renewal = await refreshAccess();
    if (renewal.access) access = renewal.access;
    else if (renewal.ended) sessionEnded(session);
  }
  let response = await send(path, options, access);
  if (response.status === 401 && session && sessionStore.get()) {
    const current = sessionStore.get() as Session;
    const renewal = await refreshAccess();
    if (renewal.access) response = await send(path, options, renewal.access);
    else if (renewal.ended) sessionEnded(current);
  }
  return response;
}

/** Sends a request as `authorised` does; an error answer becomes an ApiError. */
async function request(path: string, options: RequestOptions): Promise<Response> {
  const response = await authorised(path, options);
  if (!response.ok) throw await toApiError(response);
  return response;
}

/**
 * The one way the app talks to the backend: attaches the access token, renews it from the
 * refresh cookie when needed, and turns the error envelope into an ApiError.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file answer (a download), with the same authentication as `api`. */
export async function apiBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  const response = await request(path, options);
  return response.blob();
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
