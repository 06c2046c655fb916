import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Route } from 'react-router';
import { describe, expect, it } from 'vitest';
import { server } from '@/test/server';
import { API, apiError, recordPosts, renderWithProviders } from '@/test/utils';
import { ForgotPasswordPage } from './components/ForgotPasswordPage';
import { LoginPage } from './components/LoginPage';
import { ResetPasswordPage } from './components/ResetPasswordPage';
import { VerifyEmailPage } from './components/VerifyEmailPage';

const DETAIL =
  'If an account uses this address, we have emailed it a link to choose a new password.';

describe('forgot password', () => {
  it('is reachable from sign-in, checks the address and confirms without telling whether it exists', async () => {
    const asked = recordPosts('/auth/password/reset/', () =>
      HttpResponse.json({ detail: DETAIL }, { status: 202 }),
    );
    const user = userEvent.setup();
    renderWithProviders(<LoginPage />, {
      route: '/login',
      path: '/login',
      extraRoutes: <Route path="/forgot-password" element={<ForgotPasswordPage />} />,
    });
    await user.click(screen.getByRole('link', { name: 'Forgot your password?' }));
    await user.click(await screen.findByRole('button', { name: 'Send me a link' }));
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription(
      'Enter a valid email address.',
    );
    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Send me a link' }));
    expect(await screen.findByRole('heading', { name: 'Check your inbox' })).toBeInTheDocument();
    expect(screen.getByText(DETAIL)).toBeInTheDocument();
    expect(asked).toEqual([{ email: 'ada@example.com' }]);
  });

  it('says so when asked too often', async () => {
    server.use(
      http.post(API('/auth/password/reset/'), () =>
        apiError(429, 'throttled', 'Too many requests. Try again later.'),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<ForgotPasswordPage />);
    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Send me a link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many requests');
  });
});

describe('reset password', () => {
  it('reads the link from the URL fragment, drops it from the address bar and sets the password', async () => {
    const sent = recordPosts(
      '/auth/password/reset/confirm/',
      () => new HttpResponse(null, { status: 204 }),
    );
    const user = userEvent.setup();
    renderWithProviders(<ResetPasswordPage />, {
      route: '/reset-password#uid=MQ&token=abc-123',
      path: '/reset-password',
      extraRoutes: <Route path="/login" element={<LoginPage />} />,
    });
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/reset-password$/),
    );
    await user.type(screen.getByLabelText(/^New password/), 'a-new-passphrase');
    await user.type(screen.getByLabelText(/^Confirm new password/), 'different-one');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(screen.getByLabelText(/^Confirm new password/)).toHaveAccessibleDescription(
      'The passwords do not match.',
    );
    await user.clear(screen.getByLabelText(/^Confirm new password/));
    await user.type(screen.getByLabelText(/^Confirm new password/), 'a-new-passphrase');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText(/Your new password is set/)).toBeInTheDocument();
    // The notice was on the sign-in page from its first render: focus on it is what is read.
    await waitFor(() => expect(screen.getByRole('status')).toHaveFocus());
    expect(sent).toEqual([{ uid: 'MQ', token: 'abc-123', password: 'a-new-passphrase' }]);
  });

  it('offers a new link when this one is used up or expired', async () => {
    server.use(
      http.post(API('/auth/password/reset/confirm/'), () =>
        apiError(400, 'validation_error', 'Some fields are invalid.', {
          token: ['This link is invalid or has expired. Ask for a new one.'],
        }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<ResetPasswordPage />, {
      route: '/reset-password#uid=MQ&token=old',
      path: '/reset-password',
    });
    await user.type(screen.getByLabelText(/^New password/), 'a-new-passphrase');
    await user.type(screen.getByLabelText(/^Confirm new password/), 'a-new-passphrase');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This link is invalid or has expired',
    );
    expect(screen.getByRole('link', { name: 'Send me a new link' })).toHaveAttribute(
      'href',
      '/forgot-password',
    );
  });

  it('explains an incomplete link', () => {
    renderWithProviders(<ResetPasswordPage />, {
      route: '/reset-password',
      path: '/reset-password',
    });
    expect(screen.getByRole('heading', { name: 'This link is incomplete' })).toBeInTheDocument();
  });
});

describe('verify email', () => {
  it('verifies the address once from the link', async () => {
    const tokens = recordPosts('/auth/email/verify/', () =>
      HttpResponse.json({ email: 'ada@example.com', email_verified: true }),
    );
    renderWithProviders(<VerifyEmailPage />, {
      route: '/verify-email#token=signed-token',
      path: '/verify-email',
    });
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
    expect(screen.getByText(/is verified/)).toBeInTheDocument();
    expect(tokens).toEqual([{ token: 'signed-token' }]);
  });

  it('shows why a link does not work and how to get a new one', async () => {
    server.use(
      http.post(API('/auth/email/verify/'), () =>
        apiError(400, 'validation_error', 'Some fields are invalid.', {
          token: ['This verification link is invalid or has expired. Ask for a new one.'],
        }),
      ),
    );
    renderWithProviders(<VerifyEmailPage />, {
      route: '/verify-email#token=expired',
      path: '/verify-email',
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('We could not verify your address');
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeInTheDocument();
  });
});
