import './payouts.css';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { SelectField, TextField } from '@/components/ui/Field';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { formatDate, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import {
  downloadStatement,
  ENTRY_TYPES,
  useBalance,
  useConnectPayouts,
  useEarnings,
  useLedger,
  usePayoutAccount,
  usePayouts,
  useStatements,
  type Balance,
  type LedgerFilters,
  type PayoutAccount,
} from '@/features/vendor/api/payouts';
import { EarningsChart } from './EarningsChart';

const ACCOUNT_TEXT: Record<PayoutAccount['status'], string> = {
  not_connected: 'Connect a payout account to receive your earnings.',
  onboarding: 'Finish onboarding with the payout provider to receive your earnings.',
  restricted: 'The payout provider needs more details before it can pay you.',
  enabled: 'Payouts are enabled.',
};

function AccountCard() {
  const [params] = useSearchParams();
  // Back from the provider's onboarding: its answer reaches us by webhook, so ask until it has.
  const account = usePayoutAccount({ untilEnabled: params.get('onboarding') === 'return' });
  const connect = useConnectPayouts();
  if (account.isPending) return <Spinner label="Loading your payout account…" />;
  if (account.isError)
    return <ErrorMessage error={account.error} onRetry={() => void account.refetch()} />;
  const a = account.data;
  const onConnect = () =>
    connect.mutate(undefined, { onSuccess: ({ url }) => window.location.assign(url) });
  return (
    <section className="panel stack" aria-labelledby="payout-account-heading">
      <div className="section-head">
        <h2 id="payout-account-heading">Payout account</h2>
        <span className={`badge badge--${a.status === 'enabled' ? 'paid' : 'pending'}`}>
          {humanize(a.status)}
        </span>
      </div>
      {params.get('onboarding') === 'return' && a.status !== 'enabled' ? (
        <Notice>
          Thanks — the provider is checking your details; this page updates when it is done.
        </Notice>
      ) : null}
      <p>{ACCOUNT_TEXT[a.status]}</p>
      {a.status === 'enabled' ? (
        <p className="muted">
          Paid {a.schedule === 'weekly' ? `weekly on ${a.weekly_anchor ?? 'Monday'}` : 'daily'} when
          your available balance reaches <Price amount={a.minimum_amount} currency="EUR" />.
        </p>
      ) : (
        <Button onClick={onConnect} busy={connect.isPending}>
          {a.status === 'not_connected' ? 'Connect payouts' : 'Continue onboarding'}
        </Button>
      )}
      {a.on_hold ? (
        <Notice tone="warning">
          Your payouts are on hold: {a.hold_reason}. Contact support to resolve it.
        </Notice>
      ) : null}
      {connect.isError ? <ErrorMessage error={connect.error} /> : null}
    </section>
  );
}

function BalanceCards({ balances, holdDays }: { balances: Balance[]; holdDays: number }) {
  return (
    <>
      {balances.map((b) => (
        <ul key={b.currency} className="stat-cards" aria-label={`Balance in ${b.currency}`}>
          <li className="stat-card">
            <span className="stat-card__label">Pending</span>
            <Price amount={b.pending} currency={b.currency} />
            <span className="muted">Held {holdDays} days after shipping</span>
          </li>
          <li className="stat-card">
            <span className="stat-card__label">Available</span>
            <Price amount={b.available} currency={b.currency} />
            <span className="muted">Paid with your next payout</span>
          </li>
          <li className="stat-card">
            <span className="stat-card__label">Paid out</span>
            <Price amount={b.paid_out} currency={b.currency} />
            <span className="muted">Transferred to you so far</span>
            {Number(b.in_transit) !== 0 ? (
              <span className="muted">
                <Price amount={b.in_transit} currency={b.currency} /> on its way
              </span>
            ) : null}
          </li>
        </ul>
      ))}
    </>
  );
}

function Earnings({ currency }: { currency: string }) {
  const earnings = useEarnings(90);
  if (earnings.isPending) return <Spinner label="Loading the chart…" />;
  if (earnings.isError) return <ErrorMessage error={earnings.error} />;
  return (
    <EarningsChart points={earnings.data.points} currency={earnings.data.currency || currency} />
  );
}

function Payouts() {
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get('payouts_page')) || 1);
  const payouts = usePayouts(page);
  if (payouts.isPending) return <Spinner label="Loading payouts…" />;
  if (payouts.isError) return <ErrorMessage error={payouts.error} />;
  if (payouts.data.results.length === 0)
    return (
      <EmptyState title="No payouts yet">Your first payout follows your first sales.</EmptyState>
    );
  return (
    <>
      <table aria-label="Payouts">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Amount</th>
            <th scope="col">Status</th>
            <th scope="col">Entries</th>
            <th scope="col">Transfer</th>
          </tr>
        </thead>
        <tbody>
          {payouts.data.results.map((p) => (
            <tr key={p.id}>
              <td>{formatDate(p.created_at)}</td>
              <td>
                <Price amount={p.amount} currency={p.currency} />
              </td>
              <td>
                <span className={`badge badge--${p.status}`}>{humanize(p.status)}</span>
                {p.failure_reason ? <span className="muted"> {p.failure_reason}</span> : null}
              </td>
              <td>{p.entry_count}</td>
              <td className="muted">{p.transfer_id || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pagination
        page={page}
        count={payouts.data.count}
        param="payouts_page"
        label="Pages of payouts"
      />
    </>
  );
}

function LedgerTable() {
  const [params, setParams] = useSearchParams();
  const filters: LedgerFilters = {
    type: params.get('type') ?? undefined,
    date_from: params.get('from') ?? undefined,
    date_to: params.get('to') ?? undefined,
    page: Math.max(1, Number(params.get('page')) || 1),
  };
  const ledger = useLedger(filters);
  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams(params);
    for (const [field, key] of [
      ['type', 'type'],
      ['from', 'from'],
      ['to', 'to'],
    ] as const) {
      const value = String(form.get(field) ?? '');
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete('page');
    setParams(next);
  };
  return (
    <>
      <form className="row" onSubmit={onFilter} aria-label="Filter the ledger">
        <SelectField label="Type" name="type" defaultValue={filters.type ?? ''}>
          <option value="">All types</option>
          {ENTRY_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </SelectField>
        <TextField label="From" name="from" type="date" defaultValue={filters.date_from ?? ''} />
        <TextField label="To" name="to" type="date" defaultValue={filters.date_to ?? ''} />
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </form>
      {ledger.isPending ? (
        <Spinner label="Loading the ledger…" />
      ) : ledger.isError ? (
        <ErrorMessage error={ledger.error} />
      ) : ledger.data.results.length === 0 ? (
        <EmptyState title="No entries">Entries appear when your orders ship.</EmptyState>
      ) : (
        <>
          <table aria-label="Ledger">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col">Amount</th>
                <th scope="col">Order</th>
                <th scope="col">Available</th>
              </tr>
            </thead>
            <tbody>
              {ledger.data.results.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.created_at)}</td>
                  <td>
                    {humanize(e.type)}
                    {e.reason ? <span className="muted"> — {e.reason}</span> : null}
                  </td>
                  <td>
                    <Price amount={e.amount} currency={e.currency} />
                  </td>
                  <td>{e.order_number ?? (e.payout_id ? `Payout ${e.payout_id}` : '—')}</td>
                  <td>
                    {e.state === 'pending' ? `from ${formatDate(e.available_at)}` : 'Available'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={filters.page ?? 1} count={ledger.data.count} />
        </>
      )}
    </>
  );
}

function Statements() {
  const statements = useStatements();
  const current = new Date().toISOString().slice(0, 7);
  const months = statements.data?.map((s) => s.month) ?? [];
  const options = months.includes(current) ? months : [current, ...months];
  const [month, setMonth] = useState('');
  const chosen = month || options[0] || current;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'csv' | 'pdf' | null>(null);
  const download = (kind: 'csv' | 'pdf') => {
    setBusy(kind);
    setError(null);
    downloadStatement(chosen, kind)
      .catch(setError)
      .finally(() => setBusy(null));
  };
  return (
    <div className="row">
      <SelectField label="Month" value={chosen} onChange={(e) => setMonth(e.target.value)}>
        {options.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </SelectField>
      <Button variant="secondary" busy={busy === 'csv'} onClick={() => download('csv')}>
        Download CSV
      </Button>
      <Button variant="secondary" busy={busy === 'pdf'} onClick={() => download('pdf')}>
        Download PDF
      </Button>
      {error ? <ErrorMessage error={error} /> : null}
    </div>
  );
}

export function PayoutsPage() {
  useDocumentTitle('Payouts');
  const balance = useBalance();
  return (
    <div className="stack-lg">
      <AccountCard />
      <section className="stack" aria-labelledby="balance-heading">
        <h2 id="balance-heading">Balance</h2>
        {balance.isPending ? (
          <Spinner label="Loading your balance…" />
        ) : balance.isError ? (
          <ErrorMessage error={balance.error} onRetry={() => void balance.refetch()} />
        ) : (
          <BalanceCards balances={balance.data.balances} holdDays={balance.data.hold_days} />
        )}
      </section>
      <section className="stack" aria-labelledby="chart-heading">
        <h2 id="chart-heading">Sales and payouts, last 90 days</h2>
        <Earnings currency={balance.data?.balances[0]?.currency ?? 'EUR'} />
      </section>
      <section className="stack" aria-labelledby="payouts-heading">
        <h2 id="payouts-heading">Payouts</h2>
        <Payouts />
      </section>
      <section className="stack" aria-labelledby="statement-heading">
        <h2 id="statement-heading">Monthly statement</h2>
        <Statements />
      </section>
      <section className="stack" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        <LedgerTable />
      </section>
    </div>
  );
}
