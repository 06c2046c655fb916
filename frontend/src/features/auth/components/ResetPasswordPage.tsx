import { type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorMessage } from '@/components/ui/Feedback';
import { Button } from '@/components/ui/Button';
import { NewPasswordFields } from '@/components/ui/Field';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { useConfirmPasswordReset, useLinkFragment } from '../api/auth';
import { newPasswordSchema } from '../api/schemas';

/** The page an emailed reset link opens: `/reset-password#uid=…&token=…`. */
export function ResetPasswordPage() {
  useDocumentTitle('Choose a new password');
  const navigate = useNavigate();
  const confirm = useConfirmPasswordReset();
  const form = useFormErrors();
  const fragment = useLinkFragment();
  const link = { uid: fragment.get('uid') ?? '', token: fragment.get('token') ?? '' };

  if (!link.uid || !link.token) {
    return (
      <div className="narrow stack">
        <h1>This link is incomplete</h1>
        <p>Open the link from the email again, or ask for a new one.</p>
        <p>
          <Link to="/forgot-password">Send me a new link</Link>
        </p>
      </div>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validateForm(newPasswordSchema, event.currentTarget);
    if (!values) return;
    confirm.mutate(
      { ...link, password: values.password },
      {
        onSuccess: () => navigate('/login?reset=done', { replace: true }),
        onError: (error) => form.showApiError(error, ['password']),
      },
    );
  };

  const linkBroken = form.formError?.includes('link');
  return (
    <div className="narrow stack">
      <h1>Choose a new password</h1>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Choose a new password">
        <ErrorMessage error={form.formError}>
          {linkBroken ? (
            <p>
              <Link to="/forgot-password">Send me a new link</Link>
            </p>
          ) : null}
        </ErrorMessage>
        <NewPasswordFields label="New password" errors={form.errors} />
        <Button type="submit" busy={confirm.isPending}>
          Set new password
        </Button>
      </form>
    </div>
  );
}
