import { useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { TextAreaField, TextField } from '@/components/ui/Field';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { formatDate, humanize, isZeroMoney } from '@/lib/format';
import { readForm, useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { cancelLinesSchema, parcelSchema } from '../api/schemas';
import {
  openQuantity,
  useCancelLines,
  useShipParcel,
  useVendorOrders,
  type LineQuantities,
  type Parcel,
  type SubOrder,
  type SubOrderLine,
} from '../api/vendor';

function lineName(line: SubOrderLine): string {
  const base = line.product_name || line.sku;
  return line.variant_name ? `${base} (${line.variant_name})` : base;
}

function lineProgress(line: SubOrderLine): string {
  const parts: string[] = [];
  if (line.quantity_shipped) parts.push(`${line.quantity_shipped} shipped`);
  if (line.quantity_cancelled) parts.push(`${line.quantity_cancelled} cancelled`);
  const open = openQuantity(line);
  if (open && parts.length) parts.push(`${open} to ship`);
  return parts.length ? ` — ${parts.join(', ')}` : '';
}

const orderLabel = (order: SubOrder) => order.order_number;

function safeUrl(url: string | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

function Parcels({ order }: { order: SubOrder }) {
  const names = new Map(order.lines.map((line) => [line.id, lineName(line)]));
  return (
    <ul className="parcels" aria-label={`Parcels of order ${orderLabel(order)}`}>
      {(order.parcels ?? []).map((parcel: Parcel, index) => {
        const url = safeUrl(parcel.tracking_url);
        return (
          <li key={parcel.id} className="parcel">
            <p>
              <strong>Parcel {index + 1}</strong>{' '}
              <span className="muted">shipped {formatDate(parcel.shipped_at)}</span>
            </p>
            <p>
              {parcel.carrier || 'No carrier given'}
              {parcel.tracking_number ? ` · ${parcel.tracking_number}` : ''}
              {url ? (
                <>
                  {' · '}
                  <a href={url} target="_blank" rel="noopener noreferrer">
                    tracking link
                  </a>
                </>
              ) : null}
            </p>
            <p className="muted">
              {parcel.lines
                .map((item) => `${item.quantity} × ${names.get(item.line_id) ?? 'item'}`)
                .join(', ')}
            </p>
          </li>
        );
      })}
    </ul>
  );
}

/** A number input per open line: how many units of it this action takes. */
function LinePicker({
  lines,
  quantities,
  onChange,
  errors,
  verb,
}: {
  lines: SubOrderLine[];
  quantities: Record<number, number>;
  onChange: (lineId: number, quantity: number) => void;
  errors: Record<string, string | undefined>;
  verb: string;
}) {
  const prefix = useId();
  return (
    <ul className="pick-lines">
      {lines.map((line) => {
        const id = line.id ?? 0;
        const open = openQuantity(line);
        const inputId = `${prefix}-${id}`;
        const error = errors[`lines.${id}`];
        return (
          <li key={id} className="pick-line">
            <label htmlFor={inputId}>
              {lineName(line)}{' '}
              <span className="muted line__meta">
                ({open} of {line.quantity} left to ship)
              </span>
            </label>
            <input
              id={inputId}
              className="field__control"
              type="number"
              inputMode="numeric"
              min={0}
              max={open}
              value={quantities[id] ?? 0}
              aria-label={`${verb} of ${lineName(line)}`}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${inputId}-error` : undefined}
              onChange={(event) =>
                onChange(
                  id,
                  Math.max(0, Math.min(open, Math.floor(Number(event.target.value)) || 0)),
                )
              }
            />
            {error ? (
              <p className="field__error" id={`${inputId}-error`}>
                {error}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function chosenLines(lines: SubOrderLine[], quantities: Record<number, number>): LineQuantities {
  return lines
    .filter((line) => line.id !== undefined && (quantities[line.id] ?? 0) > 0)
    .map((line) => ({ line: line.id ?? 0, quantity: quantities[line.id ?? 0] ?? 0 }));
}

const lineFieldKeys = (lines: SubOrderLine[]) => [
  'lines',
  ...lines.map((line) => `lines.${line.id ?? 0}`),
];

function ParcelForm({ order, onDone }: { order: SubOrder; onDone: (message: string) => void }) {
  const ship = useShipParcel();
  const form = useFormErrors();
  const open = order.lines.filter((line) => openQuantity(line) > 0);
  // By default the parcel holds everything that is left.
  const [quantities, setQuantities] = useState<Record<number, number>>(() =>
    Object.fromEntries(open.map((line) => [line.id ?? 0, openQuantity(line)])),
  );
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(parcelSchema, readForm(event.currentTarget));
    const lines = chosenLines(open, quantities);
    if (!lines.length) {
      form.setErrors((current) => ({ ...current, lines: 'Put at least one item in the parcel.' }));
      form.setFormError('Please correct the highlighted fields.');
      return;
    }
    if (!values) return;
    const all = open.every((line) => (quantities[line.id ?? 0] ?? 0) === openQuantity(line));
    ship.mutate(
      { id: order.id, lines, ...values },
      {
        onSuccess: () =>
          onDone(
            all ? 'Parcel shipped: the order is on its way.' : 'Parcel shipped. The rest is open.',
          ),
        onError: (error) =>
          form.showApiError(error, [
            'carrier',
            'tracking_number',
            'tracking_url',
            ...lineFieldKeys(open),
          ]),
      },
    );
  };
  const e = form.errors;
  return (
    <form
      className="panel stack"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Ship a parcel of order ${orderLabel(order)}`}
    >
      <ErrorMessage error={form.formError} />
      <fieldset>
        <legend>What goes in this parcel?</legend>
        <LinePicker
          lines={open}
          quantities={quantities}
          onChange={(id, quantity) => setQuantities((current) => ({ ...current, [id]: quantity }))}
          errors={e}
          verb="Units in the parcel"
        />
        {e.lines ? <p className="field__error">{e.lines}</p> : null}
      </fieldset>
      <div className="row row--top">
        <TextField label="Carrier" name="carrier" autoComplete="off" error={e.carrier} />
        <TextField
          label="Tracking number"
          name="tracking_number"
          autoComplete="off"
          error={e.tracking_number}
        />
      </div>
      <TextField
        label="Tracking link"
        name="tracking_url"
        type="url"
        inputMode="url"
        autoComplete="off"
        placeholder="https://"
        error={e.tracking_url}
        hint="The shopper gets an email per parcel with these details."
      />
      <div className="actions">
        <Button type="submit" busy={ship.isPending}>
          Ship parcel
        </Button>
        <Button variant="ghost" onClick={() => onDone('')}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function CancelLinesForm({
  order,
  onDone,
}: {
  order: SubOrder;
  onDone: (message: string) => void;
}) {
  const cancel = useCancelLines();
  const form = useFormErrors();
  const open = order.lines.filter((line) => openQuantity(line) > 0);
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(cancelLinesSchema, readForm(event.currentTarget));
    const lines = chosenLines(open, quantities);
    if (!lines.length) {
      form.setErrors((current) => ({ ...current, lines: 'Choose what you cannot ship.' }));
      form.setFormError('Please correct the highlighted fields.');
      return;
    }
    if (!values) return;
    cancel.mutate(
      { id: order.id, lines, reason: values.reason },
      {
        onSuccess: () => onDone('Cancelled: the shopper is refunded and told why.'),
        onError: (error) => form.showApiError(error, ['reason', ...lineFieldKeys(open)]),
      },
    );
  };
  const e = form.errors;
  return (
    <form
      className="panel stack"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Cancel lines of order ${orderLabel(order)}`}
    >
      <ErrorMessage error={form.formError} />
      <fieldset>
        <legend>What can you not ship?</legend>
        <LinePicker
          lines={open}
          quantities={quantities}
          onChange={(id, quantity) => setQuantities((current) => ({ ...current, [id]: quantity }))}
          errors={e}
          verb="Units to cancel"
        />
        {e.lines ? <p className="field__error">{e.lines}</p> : null}
      </fieldset>
      <TextAreaField
        label="Reason"
        name="reason"
        required
        rows={2}
        maxLength={200}
        error={e.reason}
        hint="The shopper reads it. Their stock goes back on sale and they are refunded what you cancel (with your shipping if nothing is left to ship)."
      />
      <div className="actions">
        <Button type="submit" variant="danger" busy={cancel.isPending}>
          Cancel these items
        </Button>
        <Button variant="ghost" onClick={() => onDone('')}>
          Keep them
        </Button>
      </div>
    </form>
  );
}

function SubOrderItem({ order }: { order: SubOrder }) {
  const [mode, setMode] = useState<'ship' | 'cancel' | null>(null);
  const [done, setDone] = useState('');
  const currency = order.currency;
  // What the vendor may do is the server's answer (`actions`), the same rules ship and cancel
  // apply: no guessing from statuses here.
  const canShip = order.actions.includes('ship');
  const canCancel = order.actions.includes('cancel_lines');
  const finish = (message: string) => {
    setMode(null);
    setDone(message);
  };
  const refunded = order.order_refunded_total && !isZeroMoney(order.order_refunded_total);
  return (
    <li className="list__item list__item--block" aria-label={`Order ${orderLabel(order)}`}>
      <div className="section-head">
        <strong>Order {orderLabel(order)}</strong>
        <span className="actions">
          {order.is_late ? <span className="badge badge--late">Late</span> : null}
          <span className={`badge badge--${order.status}`}>{humanize(order.status)}</span>
        </span>
      </div>
      <p className="muted">
        {formatDate(order.created_at)}
        {order.shipping_address?.full_name ? ` · for ${order.shipping_address.full_name}` : ''}
        {order.shipping_address?.city ? `, ${order.shipping_address.city}` : ''}
        {order.shipping_address?.country ? ` (${order.shipping_address.country})` : ''}
      </p>
      {order.status === 'processing' && order.ship_by ? (
        <p className={order.is_late ? 'field__error' : 'muted'}>
          {order.is_late ? 'Past its handling time: it should have shipped by' : 'Ship by'}{' '}
          {formatDate(order.ship_by)}
        </p>
      ) : null}
      {order.status === 'pending' ? (
        <p className="muted">Waiting for the order to be confirmed before it can ship.</p>
      ) : null}
      {order.lines?.length ? (
        <ul className="plain">
          {order.lines.map((line, index) => (
            <li key={line.id ?? index}>
              {line.quantity} × {lineName(line)}
              <span className="muted">{lineProgress(line)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="sub-order__facts">
        <div>
          <dt>Items</dt>
          <dd>
            <Price amount={order.subtotal} currency={currency} />
          </dd>
        </div>
        {order.shipping !== undefined ? (
          <div>
            <dt>Shipping</dt>
            <dd>
              {order.shipping_method ? `${order.shipping_method} · ` : ''}
              {isZeroMoney(order.shipping) ? (
                'Free'
              ) : (
                <Price amount={order.shipping} currency={currency} />
              )}
            </dd>
          </div>
        ) : null}
        {order.commission ? (
          <div>
            <dt>Commission</dt>
            <dd>
              <Price amount={order.commission} currency={currency} />
            </dd>
          </div>
        ) : null}
        {refunded ? (
          <div>
            <dt>Refunded on the order</dt>
            <dd>
              <Price amount={order.order_refunded_total} currency={currency} />
            </dd>
          </div>
        ) : null}
      </dl>
      {refunded && order.order_status ? (
        <p className="muted">
          Order {humanize(order.order_status).toLowerCase()}: the refunded total covers the whole
          order, every seller&apos;s part.
        </p>
      ) : null}
      {order.cancel_reason ? <p>Cancelled: {order.cancel_reason}</p> : null}
      {order.parcels?.length ? (
        <Parcels order={order} />
      ) : order.tracking_number ? (
        <p>Tracking: {order.tracking_number}</p>
      ) : null}
      {done ? <Notice tone="success">{done}</Notice> : null}
      {mode === 'ship' ? (
        <ParcelForm order={order} onDone={finish} />
      ) : mode === 'cancel' ? (
        <CancelLinesForm order={order} onDone={finish} />
      ) : canShip || canCancel ? (
        <div className="actions">
          {canShip ? (
            <Button
              onClick={() => {
                setDone('');
                setMode('ship');
              }}
            >
              Ship a parcel
            </Button>
          ) : null}
          {canCancel ? (
            <Button
              variant="secondary"
              onClick={() => {
                setDone('');
                setMode('cancel');
              }}
            >
              Cancel lines
            </Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function VendorOrdersPage() {
  useDocumentTitle('Vendor orders');
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const orders = useVendorOrders(page);
  return (
    <section className="stack" aria-labelledby="vo-heading">
      <h2 id="vo-heading">Orders to fulfil</h2>
      {orders.isPending ? (
        <Spinner label="Loading orders…" />
      ) : orders.isError ? (
        <ErrorMessage error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.results.length === 0 ? (
        <EmptyState title="No orders yet">Orders for your products will show up here.</EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Orders to fulfil">
            {orders.data.results.map((order) => (
              <SubOrderItem key={order.id} order={order} />
            ))}
          </ul>
          <Pagination page={page} count={orders.data.count} />
        </>
      )}
    </section>
  );
}
