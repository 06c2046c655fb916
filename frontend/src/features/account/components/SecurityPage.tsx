import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice } from '@/components/ui/Feedback';
import { NewPasswordFields, TextField } from '@/components/ui/Field';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { changePasswordSchema, useChangePassword, useResendVerification } from '../api/account';

function EmailVerification({ email, verified }: { email: string; verified: boolean }) {
  const resend = useResendVerification();
  if (verified) {
    return (
      <p>
        Your email address <strong>{email}</strong> is verified.
      </p>
    );
  }
  return (
    <div className="stack">
      <p>
        Your email address <strong>{email}</strong> is not verified yet. Open the link we emailed
        you when you signed up (selling on Agora needs a verified address).
      </p>
      {resend.isSuccess ? (
        <Notice tone="success">
          <p>{resend.data.detail}</p>
        </Notice>
      ) : (
        <div>
          <Button
            variant="secondary"
            busy={resend.isPending}
            onClick={() => resend.mutate()}
            type="button"
          >
            Send me a new link
          </Button>
        </div>
      )}
      {resend.isError ? <ErrorMessage error={resend.error} /> : null}
    </div>
  );
}

function ChangePassword() {
  const change = useChangePassword();
  const form = useFormErrors();
  const [done, setDone] = useState(false);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    const values = form.validateForm(changePasswordSchema, event.currentTarget);
    if (!values) return;
    const target = event.currentTarget;
    change.mutate(values, {
      onSuccess: () => {
        target.reset();
        setDone(true);
      },
      onError: (error) => form.showApiError(error, ['current_password', 'new_password']),
    });
  };

  return (
    <form className="stack panel" onSubmit={onSubmit} noValidate aria-label="Change your password">
      <h2>Change your password</h2>
      {done ? (
        <Notice tone="success">
          <p>Your password is changed. Every other device was signed out.</p>
        </Notice>
      ) : null}
      <ErrorMessage error={form.formError} />
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        required
        error={form.errors.current_password}
      />
      <NewPasswordFields name="new_password" label="New password" errors={form.errors} />
      <div>
        <Button type="submit" busy={change.isPending}>
          Change password
        </Button>
      </div>
    </form>
  );
}

export function SecurityPage({ email, emailVerified }: { email: string; emailVerified: boolean }) {
  useDocumentTitle('Sign-in and security');
  return (
    <div className="stack">
      <section className="stack panel" aria-label="Email address">
        <h2>Email address</h2>
        <EmailVerification email={email} verified={emailVerified} />
      </section>
      <ChangePassword />
    </div>
  );
}
