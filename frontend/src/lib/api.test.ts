import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/server';
import { API, apiError } from '@/test/utils';
import { api } from './api';
import { ApiError } from './errors';
import { cartTokenStore, tokenStore } from './session';

describe('api client', () => {
  it('attaches the access token and parses JSON', async () => {
    tokenStore.set({ access: 'a1', refresh: 'r1' });
    server.use(
      http.get(API('/me/'), ({ request }) =>
        HttpResponse.json({ auth: request.headers.get('Authorization') }),
      ),
    );
    await expect(api('/me/')).resolves.toEqual({ auth: 'Bearer a1' });
  });

  it('refreshes once on 401, stores the rotated pair and retries', async () => {
    tokenStore.set({ access: 'old', refresh: 'r1' });
    const refreshBodies: unknown[] = [];
    server.use(
      http.get(API('/me/'), ({ request }) =>
        request.headers.get('Authorization') === 'Bearer new'
          ? HttpResponse.json({ ok: true })
          : apiError(401, 'not_authenticated', 'Token expired.'),
      ),
      http.post(API('/auth/token/refresh/'), async ({ request }) => {
        refreshBodies.push(await request.json());
        return HttpResponse.json({ access: 'new', refresh: 'r2' });
      }),
    );
    await expect(api('/me/')).resolves.toEqual({ ok: true });
    expect(refreshBodies).toEqual([{ refresh: 'r1' }]);
    expect(tokenStore.get()).toEqual({ access: 'new', refresh: 'r2' });
    expect(JSON.parse(window.localStorage.getItem('agora.tokens') ?? 'null')).toEqual({
      access: 'new',
      refresh: 'r2',
    });
  });

  it('shares one refresh between concurrent 401s (rotation would log the second out)', async () => {
    tokenStore.set({ access: 'old', refresh: 'r1' });
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
        return HttpResponse.json({ access: 'new', refresh: 'r2' });
      }),
    );
    const results = await Promise.all([api('/things/1/'), api('/things/2/'), api('/things/3/')]);
    expect(results).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    expect(refreshes).toBe(1);
  });

  it('does not loop: a second 401 after refreshing is thrown', async () => {
    tokenStore.set({ access: 'old', refresh: 'r1' });
    let calls = 0;
    server.use(
      http.get(API('/me/'), () => {
        calls += 1;
        return apiError(401, 'not_authenticated', 'Nope.');
      }),
      http.post(API('/auth/token/refresh/'), () =>
        HttpResponse.json({ access: 'new', refresh: 'r2' }),
      ),
    );
    await expect(api('/me/')).rejects.toMatchObject({ status: 401, code: 'not_authenticated' });
    expect(calls).toBe(2);
  });

  it('forgets the session when the refresh token is rejected', async () => {
    tokenStore.set({ access: 'old', refresh: 'r1' });
    server.use(
      http.get(API('/me/'), () => apiError(401, 'not_authenticated', 'expired')),
      http.post(API('/auth/token/refresh/'), () =>
        apiError(401, 'not_authenticated', 'blacklisted'),
      ),
    );
    await expect(api('/me/')).rejects.toBeInstanceOf(ApiError);
    expect(tokenStore.get()).toBeNull();
  });

  it('never refreshes for anonymous calls such as login', async () => {
    tokenStore.set({ access: 'old', refresh: 'r1' });
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
    expect(tokenStore.get()).toEqual({ access: 'old', refresh: 'r1' });
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
    tokenStore.set({ access: 'a', refresh: 'r' });
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
