import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Route } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { cartTokenStore, sessionStore } from '@/lib/session';
import { server } from '@/test/server';
import { API, apiError, renderWithProviders } from '@/test/utils';
import { LoginPage } from './components/LoginPage';
import { RegisterPage } from './components/RegisterPage';
import { useLogout } from './api/auth';

describe('login', () => {
  it('validates, signs in, runs the after-login hook, then follows ?next', async () => {
    server.use(
      http.post(API('/auth/token/'), async ({ request }) => {
        const body = (await request.json()) as { password: string; mode?: string };
        expect(body.mode).toBe('cookie');
        return body.password === 'right-password'
          ? HttpResponse.json({ access: 'a' })
          : apiError(
              401,
              'not_authenticated',
              'No active account found with the given credentials',
            );
      }),
    );
    const onLoggedIn = vi.fn(async () => {
      expect(sessionStore.get()).toEqual({ access: 'a' });
      // no token is kept where page script could read it later
      expect(JSON.stringify(window.localStorage)).not.toContain('"a"');
    });
    const user = userEvent.setup();
    renderWithProviders(<LoginPage onLoggedIn={onLoggedIn} />, {
      route: '/login?next=/checkout',
      path: '/login',
      extraRoutes: <Route path="/checkout" element={<h1>Checkout</h1>} />,
    });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription(
      'Enter a valid email address.',
    );
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('Enter your password.');

    await user.type(screen.getByLabelText(/^Email/), 'shopper@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'That email and password do not match an account.',
    );

    await user.clear(screen.getByLabelText(/^Password/));
    await user.type(screen.getByLabelText(/^Password/), 'right-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Checkout' })).toBeInTheDocument();
    expect(onLoggedIn).toHaveBeenCalledOnce();
  });

  it('refuses to redirect off-site', async () => {
    server.use(http.post(API('/auth/token/'), () => HttpResponse.json({ access: 'a' })));
    const user = userEvent.setup();
    renderWithProviders(<LoginPage />, {
      route: '/login?next=//evil.example',
      path: '/login',
      extraRoutes: <Route path="/account" element={<h1>Account</h1>} />,
    });
    await user.type(screen.getByLabelText(/^Email/), 'a@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/account$/));
  });
});

describe('register', () => {
  it('checks the password locally, shows server field errors, then signs in', async () => {
    let attempts = 0;
    server.use(
      http.post(API('/auth/register/'), () => {
        attempts += 1;
        return attempts === 1
          ? apiError(400, 'validation_error', 'Invalid input.', {
              email: ['A user with that email already exists.'],
            })
          : HttpResponse.json({ id: 1, email: 'new@example.com' }, { status: 201 });
      }),
      http.post(API('/auth/token/'), () => HttpResponse.json({ access: 'a' })),
    );
    const onLoggedIn = vi.fn(async () => undefined);
    const user = userEvent.setup();
    renderWithProviders(<RegisterPage onLoggedIn={onLoggedIn} />, {
      route: '/register',
      path: '/register',
      extraRoutes: <Route path="/account" element={<h1>Account</h1>} />,
    });
    await user.type(screen.getByLabelText(/^Email/), 'new@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'short');
    await user.type(screen.getByLabelText(/^Confirm password/), 'different');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription(
      /Use at least 10 characters\./,
    );
    expect(screen.getByLabelText(/^Confirm password/)).toHaveAccessibleDescription(
      'The passwords do not match.',
    );

    await user.clear(screen.getByLabelText(/^Password/));
    await user.type(screen.getByLabelText(/^Password/), 'long-enough-pw');
    await user.clear(screen.getByLabelText(/^Confirm password/));
    await user.type(screen.getByLabelText(/^Confirm password/), 'long-enough-pw');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription(
        'A user with that email already exists.',
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/account'));
    expect(onLoggedIn).toHaveBeenCalledOnce();
  });
});

describe('logout', () => {
  function LogoutButton() {
    const logout = useLogout();
    return (
      <button type="button" onClick={() => logout.mutate()}>
        Sign out
      </button>
    );
  }

  it('revokes the cookie session and forgets it locally even if the server fails', async () => {
    sessionStore.set({ access: 'a' });
    cartTokenStore.set('leftover');
    let revocations = 0;
    server.use(
      http.delete(API('/auth/token/refresh/'), () => {
        revocations += 1;
        return new HttpResponse(null, { status: 500 });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<LogoutButton />);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(sessionStore.get()).toBeNull());
    expect(revocations).toBe(1);
    expect(cartTokenStore.get()).toBeNull();
    expect(window.localStorage.getItem('agora.session')).toBeNull();
  });
});
