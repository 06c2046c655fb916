import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice } from '@/components/ui/Feedback';
import { EmailField } from '@/components/ui/Field';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { useRequestPasswordReset } from '../api/auth';
import { forgotPasswordSchema } from '../api/schemas';

export function ForgotPasswordPage() {
  useDocumentTitle('Forgot your password?');
  const request = useRequestPasswordReset();
  const form = useFormErrors();
  const [sentTo, setSentTo] = useState<{ email: string; detail: string } | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validateForm(forgotPasswordSchema, event.currentTarget);
    if (!values) return;
    request.mutate(values.email, {
      onSuccess: ({ detail }) => setSentTo({ email: values.email, detail }),
      onError: (error) => form.showApiError(error, ['email']),
    });
  };

  if (sentTo) {
    return (
      <div className="narrow stack">
        <h1>Check your inbox</h1>
        <Notice tone="success">
          <p>{sentTo.detail}</p>
          <p>
            We sent it to <strong>{sentTo.email}</strong>. The link works once, for 24 hours.
          </p>
        </Notice>
        <p>
          Nothing arrived? Look in your spam folder, or{' '}
          <button type="button" className="linklike" onClick={() => setSentTo(null)}>
            try another address
          </button>
          .
        </p>
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="narrow stack">
      <h1>Forgot your password?</h1>
      <p>
        Enter the email address of your account and we will send you a link to choose a new one.
      </p>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Reset your password">
        <ErrorMessage error={form.formError} />
        <EmailField error={form.errors.email} />
        <Button type="submit" busy={request.isPending}>
          Send me a link
        </Button>
      </form>
      <p>
        Remembered it? <Link to="/login">Sign in</Link>
      </p>
    </div>
  );
}
