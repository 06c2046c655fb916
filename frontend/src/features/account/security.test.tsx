import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Route } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { cartTokenStore, sessionStore } from '@/lib/session';
import { server } from '@/test/server';
import { API, apiError, renderWithProviders } from '@/test/utils';
import type { DataExport } from './api/account';
import { PrivacyPage } from './components/PrivacyPage';
import { SecurityPage } from './components/SecurityPage';

describe('security page', () => {
  it('changes the password and keeps this session with the new token', async () => {
    sessionStore.set({ access: 'old' });
    const bodies: unknown[] = [];
    server.use(
      http.post(API('/me/password/'), async ({ request }) => {
        const body = (await request.json()) as { current_password: string };
        bodies.push(body);
        return body.current_password === 'right-current'
          ? HttpResponse.json({ access: 'after-change' })
          : apiError(400, 'validation_error', 'Some fields are invalid.', {
              current_password: ['Your current password is not correct.'],
            });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SecurityPage email="ada@example.com" emailVerified />);
    expect(screen.getByText(/is verified/)).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Current password/), 'wrong-current');
    await user.type(screen.getByLabelText(/^New password/), 'a-new-passphrase');
    await user.type(screen.getByLabelText(/^Confirm new password/), 'a-new-passphrase');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Current password/)).toHaveAccessibleDescription(
        'Your current password is not correct.',
      ),
    );
    await user.clear(screen.getByLabelText(/^Current password/));
    await user.type(screen.getByLabelText(/^Current password/), 'right-current');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText(/Every other device was signed out/)).toBeInTheDocument();
    expect(sessionStore.get()).toEqual({ access: 'after-change' });
    expect(bodies.at(-1)).toEqual({
      current_password: 'right-current',
      new_password: 'a-new-passphrase',
      mode: 'cookie',
    });
  });

  it('sends a new verification link to an unverified address', async () => {
    sessionStore.set({ access: 'a' });
    server.use(
      http.post(API('/me/email/verification/'), () =>
        HttpResponse.json(
          { detail: 'We have emailed a new link to ada@example.com.' },
          { status: 202 },
        ),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<SecurityPage email="ada@example.com" emailVerified={false} />);
    expect(screen.getByText(/is not verified yet/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send me a new link' }));
    expect(
      await screen.findByText('We have emailed a new link to ada@example.com.'),
    ).toBeInTheDocument();
  });
});

const ready: DataExport = {
  id: 7,
  status: 'ready',
  requested_at: '2026-11-01T10:00:00Z',
  ready_at: '2026-11-01T10:01:00Z',
  expires_at: '2026-11-08T10:01:00Z',
  download_url: '/api/v1/me/export/7/download/',
};

describe('privacy page', () => {
  it('asks for a copy, follows it until ready and downloads it', async () => {
    sessionStore.set({ access: 'a' });
    let exports: DataExport[] = [];
    server.use(
      http.get(API('/me/export/'), () => HttpResponse.json(exports)),
      http.post(API('/me/export/'), () => {
        exports = [ready];
        return HttpResponse.json(
          { ...ready, status: 'queued', download_url: null },
          { status: 202 },
        );
      }),
      http.get(API('/me/export/7/download/'), ({ request }) =>
        request.headers.get('Authorization') === 'Bearer a'
          ? HttpResponse.json({ account: { email: 'ada@example.com' } })
          : apiError(401, 'not_authenticated', 'no'),
      ),
    );
    const createObjectURL = vi.fn(() => 'blob:export');
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const click = vi
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderWithProviders(<PrivacyPage />);
    await user.click(screen.getByRole('button', { name: 'Prepare a copy of my data' }));
    expect(await screen.findByText(/We are preparing your copy/)).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Download' }));
    await waitFor(() => expect(click).toHaveBeenCalledOnce());
    expect(createObjectURL).toHaveBeenCalledOnce();
    click.mockRestore();
  });

  it('deletes the account only with the password and the confirmation, then signs out', async () => {
    sessionStore.set({ access: 'a' });
    cartTokenStore.set('guest');
    const passwords: unknown[] = [];
    server.use(
      http.get(API('/me/export/'), () => HttpResponse.json([])),
      http.delete(API('/me/'), async ({ request }) => {
        const body = (await request.json()) as { password: string };
        passwords.push(body.password);
        return body.password === 'right-password'
          ? new HttpResponse(null, { status: 204 })
          : apiError(400, 'validation_error', 'Some fields are invalid.', {
              password: ['Your password is not correct.'],
            });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<PrivacyPage />, {
      route: '/account/privacy',
      path: '/account/privacy',
      extraRoutes: <Route path="/login" element={<h1>Signed out</h1>} />,
    });
    const remove = screen.getByRole('button', { name: 'Delete my account' });
    expect(remove).toBeDisabled();
    await user.type(screen.getByLabelText(/^Your password/), 'wrong-password');
    await user.click(screen.getByRole('checkbox'));
    await user.click(remove);
    await waitFor(() =>
      expect(screen.getByLabelText(/^Your password/)).toHaveAccessibleDescription(
        'Your password is not correct.',
      ),
    );
    expect(sessionStore.get()).not.toBeNull();
    await user.clear(screen.getByLabelText(/^Your password/));
    await user.type(screen.getByLabelText(/^Your password/), 'right-password');
    await user.click(remove);
    expect(await screen.findByRole('heading', { name: 'Signed out' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?deleted=done');
    expect(sessionStore.get()).toBeNull();
    expect(cartTokenStore.get()).toBeNull();
    expect(passwords).toEqual(['wrong-password', 'right-password']);
  });

  it('keeps the account while orders are in progress and says which ones to finish first', async () => {
    sessionStore.set({ access: 'a' });
    const message =
      'Orders still in progress: AG-2345678923, AG-3456789234. Each must be delivered, cancelled or closed (any return settled) before you can delete your account.';
    server.use(
      http.get(API('/me/export/'), () => HttpResponse.json([])),
      http.delete(API('/me/'), () =>
        apiError(409, 'orders_in_progress', message, {
          orders: ['AG-2345678923', 'AG-3456789234'],
        }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<PrivacyPage />, { route: '/account/privacy', path: '/account/privacy' });
    await user.type(screen.getByLabelText(/^Your password/), 'right-password');
    await user.click(screen.getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(within(alert).getByRole('link', { name: 'AG-2345678923' })).toHaveAttribute(
      'href',
      '/account/orders/AG-2345678923',
    );
    expect(within(alert).getByRole('link', { name: 'AG-3456789234' })).toHaveAttribute(
      'href',
      '/account/orders/AG-3456789234',
    );
    expect(screen.getByLabelText(/^Your password/)).not.toHaveAccessibleDescription();
    expect(sessionStore.get()).not.toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent('/account/privacy');
  });
});
