import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { server } from '@/test/server';
import { API, apiError, recordPosts } from '@/test/utils';
import { api, apiBlob, apiUrl } from './api';
import { ApiError } from './errors';
import { cartTokenStore, sessionStore } from './session';

describe('api client', () => {
  it('repeats the key of a list in the query string and leaves out empty values', () => {
    const url = new URL(
      apiUrl('/search/', { q: 'lamp', attribute: ['material:oak', 'colour:blue'], vendor: '' }),
    );
    expect(url.pathname).toBe('/api/v1/search/');
    expect(url.searchParams.getAll('attribute')).toEqual(['material:oak', 'colour:blue']);
    expect(url.searchParams.has('vendor')).toBe(false);
  });

  it('attaches the access token and parses JSON', async () => {
    sessionStore.set({ access: 'a1' });
    server.use(
      http.get(API('/me/'), ({ request }) =>
        HttpResponse.json({ auth: request.headers.get('Authorization') }),
      ),
    );
    await expect(api('/me/')).resolves.toEqual({ auth: 'Bearer a1' });
  });

  it('keeps no token in storage: only a hint that a session cookie may exist', () => {
    sessionStore.set({ access: 'secret-access' });
    expect(window.localStorage.getItem('agora.session')).toBe('true');
    expect(JSON.stringify(window.localStorage)).not.toContain('secret-access');
  });

  it('after a reload renews the access token from the refresh cookie first', async () => {
    sessionStore.set({ access: null });
    const refreshBodies = recordPosts('/auth/token/refresh/', () =>
      HttpResponse.json({ access: 'fresh' }),
    );
    server.use(
      http.get(API('/me/'), ({ request }) =>
        HttpResponse.json({ auth: request.headers.get('Authorization') }),
      ),
    );
    await expect(api('/me/')).resolves.toEqual({ auth: 'Bearer fresh' });
    expect(refreshBodies).toEqual([{}]); // cookie mode: the browser sends the HttpOnly cookie
    expect(sessionStore.get()).toEqual({ access: 'fresh' });
  });

  it('renews once on 401 and retries', async () => {
    sessionStore.set({ access: 'old' });
    server.use(
      http.get(API('/me/'), ({ request }) =>
        request.headers.get('Authorization') === 'Bearer new'
          ? HttpResponse.json({ ok: true })
          : apiError(401, 'not_authenticated', 'Token expired.'),
      ),
      http.post(API('/auth/token/refresh/'), () => HttpResponse.json({ access: 'new' })),
    );
    await expect(api('/me/')).resolves.toEqual({ ok: true });
    expect(sessionStore.get()).toEqual({ access: 'new' });
  });

  it('shares one renewal between concurrent 401s (the cookie rotates on each)', async () => {
    sessionStore.set({ access: 'old' });
    let refreshes = 0;
    server.use(
      http.get(API('/things/:id/'), ({ request, params }) =>
        request.headers.get('Authorization') === 'Bearer new'
          ? HttpResponse.json({ id: params.id })
          : apiError(401, 'not_authenticated', 'expired'),
      ),
      http.post(API('/auth/token/refresh/'), async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return HttpResponse.json({ access: 'new' });
      }),
    );
    const results = await Promise.all([api('/things/1/'), api('/things/2/'), api('/things/3/')]);
    expect(results).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    expect(refreshes).toBe(1);
  });

  it('does not loop: a second 401 after renewing is thrown', async () => {
    sessionStore.set({ access: 'old' });
    let calls = 0;
    server.use(
      http.get(API('/me/'), () => {
        calls += 1;
        return apiError(401, 'not_authenticated', 'Nope.');
      }),
      http.post(API('/auth/token/refresh/'), () => HttpResponse.json({ access: 'new' })),
    );
    await expect(api('/me/')).rejects.toMatchObject({ status: 401, code: 'not_authenticated' });
    expect(calls).toBe(2);
  });

  it('forgets the session when the refresh cookie is refused', async () => {
    sessionStore.set({ access: 'old' });
    server.use(
      http.get(API('/me/'), () => apiError(401, 'not_authenticated', 'expired')),
      http.post(API('/auth/token/refresh/'), () => apiError(401, 'not_authenticated', 'revoked')),
    );
    await expect(api('/me/')).rejects.toBeInstanceOf(ApiError);
    expect(sessionStore.get()).toBeNull();
    expect(window.localStorage.getItem('agora.session')).toBeNull();
  });

  it('keeps the session when renewing fails for a network error', async () => {
    sessionStore.set({ access: 'old' });
    server.use(
      http.get(API('/me/'), () => apiError(401, 'not_authenticated', 'expired')),
      http.post(API('/auth/token/refresh/'), () => HttpResponse.error()),
    );
    await expect(api('/me/')).rejects.toBeInstanceOf(ApiError);
    expect(sessionStore.get()).not.toBeNull();
  });

  it('never renews for anonymous calls such as login', async () => {
    sessionStore.set({ access: 'old' });
    server.use(
      http.post(API('/auth/token/'), ({ request }) =>
        request.headers.get('Authorization')
          ? HttpResponse.json({}, { status: 500 })
          : apiError(401, 'not_authenticated', 'No active account found.'),
      ),
    );
    await expect(
      api('/auth/token/', {
        method: 'POST',
        body: { email: 'a@b.c', password: 'x' },
        anonymous: true,
      }),
    ).rejects.toMatchObject({ status: 401, message: 'No active account found.' });
    expect(sessionStore.get()).toEqual({ access: 'old' });
  });

  it('downloads files with the same authentication', async () => {
    sessionStore.set({ access: 'a1' });
    server.use(
      http.get(API('/me/export/1/download/'), ({ request }) =>
        request.headers.get('Authorization') === 'Bearer a1'
          ? HttpResponse.json({ account: {} })
          : apiError(401, 'not_authenticated', 'no'),
      ),
    );
    const blob = await apiBlob('/me/export/1/download/');
    expect(JSON.parse(await blob.text())).toEqual({ account: {} });
  });

  it('turns the error envelope into a typed error with flattened field errors', async () => {
    server.use(
      http.post(API('/checkout/'), () =>
        apiError(400, 'validation_error', 'Invalid input.', {
          email: ['Enter a valid email address.'],
          shipping_address: { city: ['This field is required.'] },
        }),
      ),
    );
    const error = await api('/checkout/', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiErr = error as ApiError;
    expect(apiErr.code).toBe('validation_error');
    expect(apiErr.fieldErrors).toEqual({
      email: ['Enter a valid email address.'],
      'shipping_address.city': ['This field is required.'],
    });
  });

  it('maps non-JSON failures and network errors to stable codes', async () => {
    server.use(
      http.get(API('/boom/'), () => new HttpResponse('<h1>Bad gateway</h1>', { status: 502 })),
      http.get(API('/offline/'), () => HttpResponse.error()),
    );
    await expect(api('/boom/')).rejects.toMatchObject({ status: 502, code: 'server_error' });
    await expect(api('/offline/')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('sends the guest cart token only when signed out, and builds query strings', async () => {
    cartTokenStore.set('guest-1');
    const seen: (string | null)[] = [];
    server.use(
      http.get(API('/cart/'), ({ request }) => {
        seen.push(request.headers.get('X-Cart-Token'));
        return HttpResponse.json({ q: new URL(request.url).search });
      }),
    );
    await expect(api('/cart/', { query: { a: 1, b: '', c: undefined, d: true } })).resolves.toEqual(
      {
        q: '?a=1&d=true',
      },
    );
    sessionStore.set({ access: 'a' });
    await api('/cart/');
    expect(seen).toEqual(['guest-1', null]);
  });

  it('returns undefined for 204 and sends multipart bodies untouched', async () => {
    server.use(
      http.delete(API('/me/addresses/1/'), () => new HttpResponse(null, { status: 204 })),
      http.post(API('/vendor/imports/'), async ({ request }) => {
        const form = await request.formData();
        return HttpResponse.json(
          { hasFile: form.has('file'), type: request.headers.get('content-type')?.split(';')[0] },
          { status: 202 },
        );
      }),
    );
    await expect(api('/me/addresses/1/', { method: 'DELETE' })).resolves.toBeUndefined();
    const body = new FormData();
    body.append('file', new File(['sku,name'], 'products.csv', { type: 'text/csv' }));
    await expect(api('/vendor/imports/', { method: 'POST', body })).resolves.toEqual({
      hasFile: true,
      type: 'multipart/form-data',
    });
  });
});

describe('session storage', () => {
  it('drops the JWT pair earlier versions kept in localStorage', async () => {
    window.localStorage.setItem('agora.tokens', JSON.stringify({ access: 'x', refresh: 'y' }));
    vi.resetModules();
    await import('./session');
    expect(window.localStorage.getItem('agora.tokens')).toBeNull();
  });
});
