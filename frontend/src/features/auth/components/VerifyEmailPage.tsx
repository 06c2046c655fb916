import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { useDocumentTitle } from '@/lib/hooks';
import { useIsAuthenticated } from '@/lib/session';
import { useLinkFragment, useVerifyEmail } from '../api/auth';

/** The page an emailed verification link opens: `/verify-email#token=…`. */
export function VerifyEmailPage() {
  useDocumentTitle('Verify your email address');
  const signedIn = useIsAuthenticated();
  const verify = useVerifyEmail();
  const token = useLinkFragment().get('token') ?? '';
  const sent = useRef(false);

  useEffect(() => {
    // Once, even under StrictMode's double effects.
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate(token);
  }, [token, verify]);

  let body;
  if (!token) {
    body = <ErrorMessage error="This link is incomplete. Open the link from the email again." />;
  } else if (verify.isSuccess) {
    body = (
      <Notice tone="success">
        <p>
          Thank you: <strong>{verify.data.email}</strong> is verified.
        </p>
      </Notice>
    );
  } else if (verify.isError) {
    body = <ErrorMessage error={verify.error} title="We could not verify your address" />;
  } else {
    body = <Spinner label="Verifying your address…" />;
  }

  return (
    <div className="narrow stack">
      <h1>Verify your email address</h1>
      {body}
      {verify.isError || !token ? (
        <p>
          {signedIn ? (
            <Link to="/account/security">Send me a new link</Link>
          ) : (
            <>
              <Link to="/login?next=%2Faccount%2Fsecurity">Sign in</Link> to get a new link.
            </>
          )}
        </p>
      ) : null}
      {verify.isSuccess ? (
        <p>
          <Link to={signedIn ? '/account' : '/login'}>
            {signedIn ? 'Go to your account' : 'Sign in'}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
