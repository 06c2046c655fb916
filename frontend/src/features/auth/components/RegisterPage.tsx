import { type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/ui/Feedback';
import { Button } from '@/components/ui/Button';
import { EmailField, NewPasswordFields, TextField } from '@/components/ui/Field';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { safeNext } from '@/lib/url';
import { useLogin, useRegister } from '../api/auth';
import { registerSchema } from '../api/schemas';

const FIELDS = ['first_name', 'last_name', 'email', 'password'] as const;

export function RegisterPage({ onLoggedIn }: { onLoggedIn?: () => Promise<void> }) {
  useDocumentTitle('Create an account');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const register = useRegister();
  const login = useLogin();
  const form = useFormErrors();
  const next = safeNext(params.get('next'));

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validateForm(registerSchema, event.currentTarget);
    if (!values) return;
    const { password_confirm: _confirm, ...registration } = values;
    try {
      await register.mutateAsync(registration);
    } catch (error) {
      form.showApiError(error, FIELDS);
      return;
    }
    try {
      // Signing straight in saves a step; if it fails the account still exists.
      await login.mutateAsync({ email: registration.email, password: registration.password });
      await onLoggedIn?.();
      navigate(next, { replace: true });
    } catch {
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
  };

  return (
    <div className="narrow stack">
      <h1>Create an account</h1>
      <form
        className="stack"
        onSubmit={(event) => void onSubmit(event)}
        noValidate
        aria-label="Create an account"
      >
        <ErrorMessage error={form.formError} />
        <div className="row">
          <TextField
            label="First name"
            name="first_name"
            autoComplete="given-name"
            error={form.errors.first_name}
          />
          <TextField
            label="Last name"
            name="last_name"
            autoComplete="family-name"
            error={form.errors.last_name}
          />
        </div>
        <EmailField error={form.errors.email} />
        <NewPasswordFields errors={form.errors} />
        <Button type="submit" busy={register.isPending || login.isPending}>
          Create account
        </Button>
      </form>
      <p>
        Already have an account?{' '}
        <Link to={`/login${params.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>
          Sign in
        </Link>
      </p>
    </div>
  );
}
