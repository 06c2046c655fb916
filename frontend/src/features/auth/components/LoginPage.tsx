import { type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/ui/Feedback';
import { Button } from '@/components/ui/Button';
import { EmailField, TextField } from '@/components/ui/Field';
import { isApiError } from '@/lib/errors';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle, useFocusOnArrival } from '@/lib/hooks';
import { safeNext } from '@/lib/url';
import { useLogin } from '../api/auth';
import { loginSchema } from '../api/schemas';

type Props = {
  /** Runs after the tokens are stored and before leaving the page (the app merges the guest cart). */
  onLoggedIn?: () => Promise<void>;
};

export function LoginPage({ onLoggedIn }: Props) {
  useDocumentTitle('Sign in');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const form = useFormErrors();
  const next = safeNext(params.get('next'));
  const notice =
    params.get('reset') === 'done'
      ? 'Your new password is set, and every other device was signed out. Sign in with it.'
      : params.get('deleted') === 'done'
        ? 'Your account was deleted. Thank you for shopping with us.'
        : null;
  // Reached after resetting the password or deleting the account: the notice is what matters.
  const noticeRef = useFocusOnArrival<HTMLDivElement>(Boolean(notice));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validateForm(loginSchema, event.currentTarget);
    if (!values) return;
    login.mutate(values, {
      onSuccess: async () => {
        await onLoggedIn?.();
        navigate(next, { replace: true });
      },
      onError: (error) => {
        if (isApiError(error) && error.status === 401) {
          form.setErrors({});
          form.setFormError('That email and password do not match an account.');
        } else {
          form.showApiError(error, ['email', 'password']);
        }
      },
    });
  };

  return (
    <div className="narrow stack">
      <h1>Sign in</h1>
      {notice ? (
        <div className="alert alert--success" role="status" ref={noticeRef} tabIndex={-1}>
          <p>{notice}</p>
        </div>
      ) : null}
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Sign in">
        <ErrorMessage error={form.formError} />
        <EmailField error={form.errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={form.errors.password}
        />
        <Button type="submit" busy={login.isPending}>
          Sign in
        </Button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here?{' '}
        <Link to={`/register${params.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>
          Create an account
        </Link>
      </p>
    </div>
  );
}
