import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { TextField } from '@/components/ui/Field';
import { errorMessage, isApiError } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import {
  downloadDataExport,
  useDataExports,
  useDeleteAccount,
  useRequestDataExport,
  type DataExport,
} from '../api/account';

const STATUS: Record<DataExport['status'], string> = {
  queued: 'Being prepared…',
  ready: 'Ready',
  failed: 'Failed',
  expired: 'Expired',
};

function ExportRow({ item }: { item: DataExport }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <li className="row row--between">
      <span>
        Asked on {formatDate(item.requested_at)} — <strong>{STATUS[item.status]}</strong>
        {item.status === 'ready' && item.expires_at
          ? ` (until ${formatDate(item.expires_at)})`
          : null}
      </span>
      {item.status === 'ready' ? (
        <Button
          type="button"
          variant="secondary"
          busy={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            downloadDataExport(item)
              .catch((reason: unknown) => setError(errorMessage(reason)))
              .finally(() => setBusy(false));
          }}
        >
          Download
        </Button>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
    </li>
  );
}

function DataCopy() {
  const exports = useDataExports();
  const request = useRequestDataExport();
  const throttled = isApiError(request.error) && request.error.status === 429;
  return (
    <section className="stack panel" aria-label="Your data">
      <h2>A copy of your data</h2>
      <p>
        Get everything we keep about you — account, addresses, orders, cart and the emails we sent —
        as a JSON file. We prepare it in the background and email you when it is ready; it can be
        downloaded here for 7 days.
      </p>
      <div>
        <Button type="button" busy={request.isPending} onClick={() => request.mutate()}>
          Prepare a copy of my data
        </Button>
      </div>
      {request.isSuccess ? (
        <Notice tone="success">
          <p>We are preparing your copy and will email you when it is ready.</p>
        </Notice>
      ) : null}
      {request.isError ? (
        <ErrorMessage
          error={
            throttled ? 'You asked for several copies today; try again tomorrow.' : request.error
          }
        />
      ) : null}
      {exports.isPending ? <Spinner label="Loading your copies…" /> : null}
      {exports.isError ? <ErrorMessage error={exports.error} /> : null}
      {exports.data?.length ? (
        <ul className="stack" aria-label="Your copies">
          {exports.data.map((item) => (
            <ExportRow key={item.id} item={item} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function DeleteAccount() {
  const remove = useDeleteAccount();
  const navigate = useNavigate();
  const [confirmed, setConfirmed] = useState(false);
  // The session is forgotten once this page is gone: ending it while the account pages are
  // still shown would have them bounce to the sign-in redirect instead of the goodbye notice.
  const deleted = useRef(false);
  const { forget } = remove;
  useEffect(
    () => () => {
      if (deleted.current) forget();
    },
    [forget],
  );
  const passwordError =
    isApiError(remove.error) && remove.error.code === 'validation_error'
      ? (remove.error.fieldErrors.password?.join(' ') ?? remove.error.message)
      : undefined;
  // Orders still to be delivered, or with a return open, keep the account (and its address).
  const unfinished =
    isApiError(remove.error) &&
    remove.error.code === 'orders_in_progress' &&
    Array.isArray(remove.error.details.orders)
      ? remove.error.details.orders.filter((number): number is string => typeof number === 'string')
      : [];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = new FormData(event.currentTarget).get('password');
    if (typeof password !== 'string' || !password || !confirmed) return;
    remove.mutate(password, {
      onSuccess: () => {
        deleted.current = true;
        navigate('/login?deleted=done', { replace: true });
      },
    });
  };

  return (
    <form className="stack panel" onSubmit={onSubmit} noValidate aria-label="Delete your account">
      <h2>Delete your account</h2>
      <p>
        This erases your name, email address, addresses and cart, and removes your contact details
        from your past orders. The orders themselves stay, without your name, because the law
        requires us to keep accounting records. Orders still on their way, or with a return open,
        must be delivered, cancelled or closed first. You cannot undo this.
      </p>
      {remove.isError && !passwordError ? (
        <ErrorMessage error={remove.error}>
          {unfinished.length ? (
            <ul aria-label="Orders still in progress">
              {unfinished.map((number) => (
                <li key={number}>
                  <Link to={`/account/orders/${encodeURIComponent(number)}`}>{number}</Link>
                </li>
              ))}
            </ul>
          ) : null}
        </ErrorMessage>
      ) : null}
      <TextField
        label="Your password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={passwordError}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={confirmed}
          onChange={(event) => setConfirmed(event.target.checked)}
        />{' '}
        I understand that my account is deleted for good.
      </label>
      <div>
        <Button type="submit" variant="danger" busy={remove.isPending} disabled={!confirmed}>
          Delete my account
        </Button>
      </div>
    </form>
  );
}

export function PrivacyPage() {
  useDocumentTitle('Your data');
  return (
    <div className="stack">
      <DataCopy />
      <DeleteAccount />
    </div>
  );
}
