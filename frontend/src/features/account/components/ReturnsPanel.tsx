import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { TextAreaField } from '@/components/ui/Field';
import { Price } from '@/components/ui/Price';
import { formatDate, humanize } from '@/lib/format';
import { readForm, useFormErrors } from '@/lib/forms';
import {
  returnReasonSchema,
  useCreateReturn,
  useDisputeReturn,
  useOrderReturns,
  type Order,
  type ReturnableLine,
  type ReturnRequest,
} from '../api/account';

type ReturnGroup = {
  vendorOrderId: number;
  vendor: { slug: string; name: string };
  lines: ReturnableLine[];
};

/** A return goes to one seller: the returnable lines, per sub-order. */
function groupReturnable(lines: ReturnableLine[]): ReturnGroup[] {
  const groups = new Map<number, ReturnGroup>();
  for (const line of lines) {
    if (line.quantity <= 0) continue;
    const group = groups.get(line.vendor_order_id) ?? {
      vendorOrderId: line.vendor_order_id,
      vendor: line.vendor,
      lines: [],
    };
    group.lines.push(line);
    groups.set(line.vendor_order_id, group);
  }
  return [...groups.values()];
}

function QuantityPicker({
  line,
  value,
  onChange,
  error,
}: {
  line: ReturnableLine;
  value: number;
  onChange: (quantity: number) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <li className="pick-line">
      <label htmlFor={id}>
        {line.name}
        <span className="muted line__meta">
          {' '}
          — up to {line.quantity}, until {formatDate(line.until)}
        </span>
      </label>
      <input
        id={id}
        className="field__control"
        type="number"
        inputMode="numeric"
        min={0}
        max={line.quantity}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) =>
          onChange(
            Math.max(0, Math.min(line.quantity, Math.floor(Number(event.target.value)) || 0)),
          )
        }
      />
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </li>
  );
}

function ReturnForm({
  number,
  groups,
  onDone,
  onCancel,
}: {
  number: string;
  groups: ReturnGroup[];
  onDone: (vendorName: string) => void;
  onCancel: () => void;
}) {
  const create = useCreateReturn(number);
  const form = useFormErrors();
  const [vendorOrderId, setVendorOrderId] = useState(groups[0]?.vendorOrderId ?? 0);
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const group = groups.find((g) => g.vendorOrderId === vendorOrderId) ?? groups[0];
  if (!group) return null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(returnReasonSchema, readForm(event.currentTarget));
    const lines = group.lines
      .filter((line) => (quantities[line.line_id] ?? 0) > 0)
      .map((line) => ({ line: line.line_id, quantity: quantities[line.line_id] ?? 0 }));
    if (!lines.length) {
      form.setErrors((current) => ({ ...current, lines: 'Choose at least one item to return.' }));
      form.setFormError('Please correct the highlighted fields.');
      return;
    }
    if (!values) return;
    create.mutate(
      { vendor_order: group.vendorOrderId, lines, reason: values.reason },
      {
        onSuccess: () => onDone(group.vendor.name),
        onError: (error) =>
          form.showApiError(error, [
            'reason',
            'lines',
            'vendor_order',
            ...group.lines.map((line) => `lines.${line.line_id}`),
          ]),
      },
    );
  };

  const e = form.errors;
  return (
    <form className="panel stack" onSubmit={onSubmit} noValidate aria-label="Return items">
      <ErrorMessage error={form.formError} />
      {groups.length > 1 ? (
        <fieldset>
          <legend>Which seller are you returning to?</legend>
          {groups.map((g) => (
            <label key={g.vendorOrderId} className="choice">
              <input
                type="radio"
                name="vendor_order"
                value={g.vendorOrderId}
                checked={g.vendorOrderId === group.vendorOrderId}
                onChange={() => {
                  setVendorOrderId(g.vendorOrderId);
                  setQuantities({});
                }}
              />
              <span>{g.vendor.name}</span>
            </label>
          ))}
        </fieldset>
      ) : (
        <p>
          Items from <strong>{group.vendor.name}</strong>
        </p>
      )}
      <fieldset aria-describedby={e.lines ? 'return-lines-error' : undefined}>
        <legend>How many of each are you sending back?</legend>
        <ul className="pick-lines">
          {group.lines.map((line) => (
            <QuantityPicker
              key={line.line_id}
              line={line}
              value={quantities[line.line_id] ?? 0}
              error={e[`lines.${line.line_id}`]}
              onChange={(quantity) =>
                setQuantities((current) => ({ ...current, [line.line_id]: quantity }))
              }
            />
          ))}
        </ul>
        {e.lines ? (
          <p className="field__error" id="return-lines-error">
            {e.lines}
          </p>
        ) : null}
      </fieldset>
      <TextAreaField
        label="Why are you returning them?"
        name="reason"
        required
        rows={3}
        maxLength={2000}
        error={e.reason}
        hint="The seller reads this."
      />
      <div className="actions">
        <Button type="submit" busy={create.isPending}>
          Request return
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function DisputeForm({ number, item }: { number: string; item: ReturnRequest }) {
  const dispute = useDisputeReturn(number);
  const form = useFormErrors();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Dispute this decision
      </Button>
    );
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(returnReasonSchema, readForm(event.currentTarget));
    if (!values) return;
    dispute.mutate(
      { id: item.id, reason: values.reason },
      { onError: (error) => form.showApiError(error, ['reason']) },
    );
  };
  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label={`Dispute return ${item.id}`}>
      <TextAreaField
        label="Why do you disagree?"
        name="reason"
        required
        rows={3}
        maxLength={2000}
        error={form.errors.reason}
        hint="Our staff read both sides and decide."
      />
      {form.formError && !form.errors.reason ? <ErrorMessage error={form.formError} /> : null}
      <div className="actions">
        <Button type="submit" busy={dispute.isPending}>
          Send to staff
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function statusText(item: ReturnRequest): string {
  const vendor = item.vendor.name;
  switch (item.status) {
    case 'requested':
      return `Waiting for ${vendor} to answer.`;
    case 'approved':
      return `Approved: send the items back to ${vendor}. You are refunded when they arrive.`;
    case 'rejected':
      return `${vendor} declined this return.`;
    case 'disputed':
      return 'You disputed the decision: our staff will decide.';
    case 'closed':
      return `Our staff upheld ${vendor}'s decision.`;
    case 'refunded':
      return `${vendor} received the items and refunded you.`;
    default:
      return '';
  }
}

function ReturnItem({ number, item }: { number: string; item: ReturnRequest }) {
  const units = item.lines.reduce((sum, line) => sum + line.quantity, 0);
  return (
    <li className="list__item list__item--block" aria-label={`Return ${item.id}`}>
      <div className="section-head">
        <strong>
          Return of {units} {units === 1 ? 'item' : 'items'} to {item.vendor.name}
        </strong>
        <span className={`badge badge--${item.status}`}>{humanize(item.status)}</span>
      </div>
      <ul className="plain">
        {item.lines.map((line) => (
          <li key={line.line_id}>
            {line.quantity} × {line.name}
          </li>
        ))}
      </ul>
      <p className="muted">
        Requested {formatDate(item.created_at)} · your reason: {item.reason}
      </p>
      <p>{statusText(item)}</p>
      {item.vendor_note ? (
        <p>
          {item.vendor.name}: {item.vendor_note}
        </p>
      ) : null}
      {item.dispute_reason ? <p className="muted">Your dispute: {item.dispute_reason}</p> : null}
      {item.staff_note ? <p>Staff: {item.staff_note}</p> : null}
      {item.refund ? (
        <p>
          Refunded <Price amount={item.refund.amount} currency={item.refund.currency} />
          {item.refund.status !== 'succeeded' ? ` (${humanize(item.refund.status)})` : ''}
        </p>
      ) : null}
      {item.actions.includes('dispute') ? <DisputeForm number={number} item={item} /> : null}
    </li>
  );
}

/**
 * Returns of a shipped order: what was asked so far (with the server's status and the actions
 * it allows) and a "Return items" form for what may still go back, one seller at a time.
 */
export function ReturnsPanel({ order }: { order: Order }) {
  const shipped =
    order.vendor_orders?.some(
      (sub) =>
        Boolean(sub.parcels?.length) ||
        Boolean(sub.lines?.some((line) => (line.quantity_shipped ?? 0) > 0)),
    ) ?? false;
  const returns = useOrderReturns(order.number, shipped);
  const [open, setOpen] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  if (!shipped) return null;

  const groups = returns.data ? groupReturnable(returns.data.returnable) : [];
  const until = groups
    .flatMap((group) => group.lines.map((line) => line.until))
    .sort()
    .at(-1);
  return (
    <section className="stack" aria-labelledby="returns-heading">
      <div className="section-head">
        <h3 id="returns-heading">Returns</h3>
        {groups.length && !open ? (
          <Button
            variant="secondary"
            onClick={() => {
              setSentTo(null);
              setOpen(true);
            }}
          >
            Return items
          </Button>
        ) : null}
      </div>
      {returns.isPending ? (
        <Spinner label="Loading returns…" />
      ) : returns.isError ? (
        <ErrorMessage error={returns.error} onRetry={() => void returns.refetch()} />
      ) : (
        <>
          {sentTo ? (
            <Notice tone="success">
              Your return request went to {sentTo}. We email you when they answer.
            </Notice>
          ) : null}
          {open && groups.length ? (
            <ReturnForm
              number={order.number}
              groups={groups}
              onCancel={() => setOpen(false)}
              onDone={(vendorName) => {
                setOpen(false);
                setSentTo(vendorName);
              }}
            />
          ) : null}
          {!open && groups.length && until ? (
            <p className="muted">You can return shipped items until {formatDate(until)}.</p>
          ) : null}
          {returns.data.returns.length ? (
            <ul className="list" aria-label="Your returns">
              {returns.data.returns.map((item) => (
                <ReturnItem key={item.id} number={order.number} item={item} />
              ))}
            </ul>
          ) : !groups.length ? (
            <p className="muted">Nothing from this order can be returned any more.</p>
          ) : null}
        </>
      )}
    </section>
  );
}
