import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { CheckboxField, SelectField, TextAreaField, TextField } from '@/components/ui/Field';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { formatDate, formatMoney, humanize } from '@/lib/format';
import { readForm, useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { refundReturnSchema, rejectReturnSchema } from '../api/schemas';
import {
  RETURN_STATUSES,
  useReturnAction,
  useVendorReturns,
  type VendorReturn,
} from '../api/vendor';

/** The returned lines' value, in cents so it adds up exactly: the default refund, for the hint. */
function returnValue(item: VendorReturn): string {
  const cents = item.lines.reduce(
    (sum, line) => sum + Math.round(Number(line.unit_price) * 100) * line.quantity,
    0,
  );
  return (cents / 100).toFixed(2);
}

function RejectForm({ item, onDone }: { item: VendorReturn; onDone: () => void }) {
  const act = useReturnAction();
  const form = useFormErrors();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(rejectReturnSchema, readForm(event.currentTarget));
    if (!values) return;
    act.mutate(
      { id: item.id, action: 'reject', note: values.note },
      { onSuccess: onDone, onError: (error) => form.showApiError(error, ['note']) },
    );
  };
  return (
    <form
      className="panel stack"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Reject return ${item.id}`}
    >
      <TextAreaField
        label="Why do you reject it?"
        name="note"
        required
        rows={2}
        maxLength={500}
        error={form.errors.note}
        hint="The shopper reads it and may dispute it with our staff."
      />
      {form.formError && !form.errors.note ? <ErrorMessage error={form.formError} /> : null}
      <div className="actions">
        <Button type="submit" variant="danger" busy={act.isPending}>
          Reject return
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RefundForm({ item, onDone }: { item: VendorReturn; onDone: () => void }) {
  const act = useReturnAction();
  const form = useFormErrors();
  const value = returnValue(item);
  const currency = item.refund?.currency ?? 'EUR';
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(refundReturnSchema, readForm(event.currentTarget));
    if (!values) return;
    act.mutate(
      { id: item.id, action: 'refund', amount: values.amount, restock: values.restock },
      { onSuccess: onDone, onError: (error) => form.showApiError(error, ['amount', 'restock']) },
    );
  };
  return (
    <form
      className="panel stack"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Refund return ${item.id}`}
    >
      <ErrorMessage error={form.formError} />
      <TextField
        label="Amount to refund"
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        placeholder={value}
        error={form.errors.amount}
        hint={`Leave empty to refund the items' full value, ${formatMoney(value, currency)}; less if they came back damaged.`}
      />
      <CheckboxField label="Put the items back on sale (restock)" name="restock" />
      <div className="actions">
        <Button type="submit" busy={act.isPending}>
          Refund
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function ReturnItem({ item }: { item: VendorReturn }) {
  const approve = useReturnAction();
  const [mode, setMode] = useState<'reject' | 'refund' | null>(null);
  const can = (action: string) => item.actions.includes(action);
  const units = item.lines.reduce((sum, line) => sum + line.quantity, 0);
  return (
    <li className="list__item list__item--block" aria-label={`Return ${item.id}`}>
      <div className="section-head">
        <strong>
          Return {item.id} · order {item.order_number}
        </strong>
        <span className={`badge badge--${item.status}`}>{humanize(item.status)}</span>
      </div>
      <p className="muted">
        Asked {formatDate(item.created_at)} · {units} {units === 1 ? 'item' : 'items'}
      </p>
      <ul className="plain">
        {item.lines.map((line) => (
          <li key={line.line_id}>
            {line.quantity} × {line.name} at <Price amount={line.unit_price} />
          </li>
        ))}
      </ul>
      <p>Shopper&apos;s reason: {item.reason}</p>
      {item.vendor_note ? <p>Your note: {item.vendor_note}</p> : null}
      {item.dispute_reason ? <p>Shopper&apos;s dispute: {item.dispute_reason}</p> : null}
      {item.staff_note ? <p>Staff decision: {item.staff_note}</p> : null}
      {item.status === 'disputed' ? (
        <p className="muted">Our staff decide disputed returns; you will get an email.</p>
      ) : null}
      {item.status === 'approved' ? (
        <p className="muted">Refund the shopper when the items arrive back.</p>
      ) : null}
      {item.refund ? (
        <p>
          Refunded <Price amount={item.refund.amount} currency={item.refund.currency} />
          {item.refund.status !== 'succeeded' ? ` (${humanize(item.refund.status)})` : ''}
          {item.restocked ? ' · restocked' : ''}
        </p>
      ) : null}
      {approve.isError ? <ErrorMessage error={approve.error} /> : null}
      {mode === 'reject' ? (
        <RejectForm item={item} onDone={() => setMode(null)} />
      ) : mode === 'refund' ? (
        <RefundForm item={item} onDone={() => setMode(null)} />
      ) : item.actions.length ? (
        <div className="actions">
          {can('approve') ? (
            <Button
              busy={approve.isPending}
              onClick={() => approve.mutate({ id: item.id, action: 'approve' })}
            >
              Approve return
            </Button>
          ) : null}
          {can('reject') ? (
            <Button variant="secondary" onClick={() => setMode('reject')}>
              Reject
            </Button>
          ) : null}
          {can('refund') ? (
            <Button onClick={() => setMode('refund')}>Items received: refund</Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function VendorReturnsPage() {
  useDocumentTitle('Returns');
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const status = params.get('status') ?? '';
  const returns = useVendorReturns(status, page);
  return (
    <section className="stack" aria-labelledby="vr-heading">
      <div className="section-head">
        <h2 id="vr-heading">Returns</h2>
        <SelectField
          label="Show"
          className="field--inline"
          value={status}
          onChange={(event) => {
            const next = new URLSearchParams(params);
            if (event.target.value) next.set('status', event.target.value);
            else next.delete('status');
            next.delete('page');
            setParams(next);
          }}
        >
          <option value="">All returns</option>
          {RETURN_STATUSES.map((value) => (
            <option key={value} value={value}>
              {humanize(value)}
            </option>
          ))}
        </SelectField>
      </div>
      <p className="muted">
        Answer each request: approve it (the shopper sends the items back and you refund them on
        receipt) or reject it with a note the shopper reads.
      </p>
      {returns.isPending ? (
        <Spinner label="Loading returns…" />
      ) : returns.isError ? (
        <ErrorMessage error={returns.error} onRetry={() => void returns.refetch()} />
      ) : returns.data.results.length === 0 ? (
        <EmptyState title={status ? `No ${humanize(status).toLowerCase()} returns` : 'No returns'}>
          Returns of your shipped orders show up here.
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Returns">
            {returns.data.results.map((item) => (
              <ReturnItem key={item.id} item={item} />
            ))}
          </ul>
          <Pagination page={page} count={returns.data.count} />
        </>
      )}
    </section>
  );
}
