import { Price, TotalsRow } from '@/components/ui/Price';
import { deliveryEstimate, formatDate, humanize, isZeroMoney } from '@/lib/format';
import type { Order, OrderLine, Parcel, SubOrder } from '../api/account';

function lineName(line: OrderLine): string {
  const base = line.product_name ?? line.name ?? line.sku ?? 'Item';
  return line.variant_name && line.variant_name !== base ? `${base} — ${line.variant_name}` : base;
}

/** Where each unit of a line stands: shipped, cancelled by the seller, still to ship. */
function lineProgress(line: OrderLine, subStatus: string): string {
  const cancelled = line.quantity_cancelled ?? 0;
  const shipped = line.quantity_shipped ?? 0;
  const open = line.quantity - cancelled - shipped;
  const parts: string[] = [];
  if (shipped) parts.push(`${shipped} shipped`);
  if (cancelled) parts.push(`${cancelled} cancelled by the seller`);
  if (open && (shipped || cancelled) && subStatus !== 'cancelled') parts.push(`${open} to ship`);
  return parts.join(' · ');
}

function Lines({
  lines,
  currency,
  subStatus = '',
}: {
  lines: OrderLine[];
  currency: string;
  subStatus?: string;
}) {
  return (
    <ul className="lines">
      {lines.map((line, index) => {
        const progress = lineProgress(line, subStatus);
        return (
          <li className="line" key={line.id ?? index}>
            <div className="line__main">{lineName(line)}</div>
            <span className="muted">× {line.quantity}</span>
            <p className="line__total">
              <Price amount={line.line_total ?? line.unit_price} currency={currency} />
            </p>
            {progress ? <p className="muted line__meta">{progress}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** Only web links become links: a tracking URL is data, not code. */
function safeUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export function ParcelList({
  parcels,
  lines,
  label,
}: {
  parcels: Parcel[];
  lines: OrderLine[];
  label: string;
}) {
  const names = new Map(lines.map((line) => [line.id, lineName(line)]));
  return (
    <ul className="parcels" aria-label={label}>
      {parcels.map((parcel, index) => {
        const url = safeUrl(parcel.tracking_url);
        return (
          <li key={parcel.id} className="parcel">
            <p>
              <strong>Parcel {index + 1}</strong>{' '}
              <span className="muted">shipped {formatDate(parcel.shipped_at)}</span>
            </p>
            {parcel.carrier || parcel.tracking_number ? (
              <p>
                {parcel.carrier || 'Carrier not given'}
                {parcel.tracking_number ? <> · tracking number {parcel.tracking_number}</> : null}
              </p>
            ) : null}
            {url ? (
              <p>
                <a href={url} target="_blank" rel="noopener noreferrer">
                  Track parcel {index + 1}
                </a>
              </p>
            ) : null}
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

function ShippingFacts({ sub, currency }: { sub: SubOrder; currency: string }) {
  const estimate = deliveryEstimate(sub.delivery_days_min, sub.delivery_days_max);
  return (
    <dl className="sub-order__facts">
      {sub.shipping_method ? (
        <div>
          <dt>Shipping</dt>
          <dd>
            {sub.shipping_method} ·{' '}
            {isZeroMoney(sub.shipping) ? (
              'Free'
            ) : (
              <Price amount={sub.shipping} currency={sub.currency ?? currency} />
            )}
          </dd>
        </div>
      ) : null}
      {estimate && sub.status !== 'cancelled' ? (
        <div>
          <dt>Delivery</dt>
          <dd>{estimate} after dispatch</dd>
        </div>
      ) : null}
      {sub.subtotal ? (
        <div>
          <dt>Items</dt>
          <dd>
            <Price amount={sub.subtotal} currency={sub.currency ?? currency} />
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

export function SubOrderPanel({ sub, currency }: { sub: SubOrder; currency: string }) {
  const lines = sub.lines ?? [];
  return (
    <section className="panel stack" aria-label={`Shipment from ${sub.vendor.name}`}>
      <div className="section-head">
        <h3>From {sub.vendor.name}</h3>
        <span className={`badge badge--${sub.status}`}>{humanize(sub.status)}</span>
      </div>
      <ShippingFacts sub={sub} currency={currency} />
      {lines.length ? <Lines lines={lines} currency={currency} subStatus={sub.status} /> : null}
      {sub.parcels?.length ? (
        <ParcelList parcels={sub.parcels} lines={lines} label={`Parcels from ${sub.vendor.name}`} />
      ) : sub.tracking_number ? (
        <p className="muted">Tracking: {sub.tracking_number}</p>
      ) : null}
    </section>
  );
}

export function OrderView({ order }: { order: Order }) {
  const refunded = order.refunded_total && !isZeroMoney(order.refunded_total);
  return (
    <div className="stack">
      <dl className="meta">
        <div>
          <dt>Order</dt>
          <dd>{order.number}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge badge--${order.status}`}>{humanize(order.status)}</span>
          </dd>
        </div>
        {order.created_at ? (
          <div>
            <dt>Placed</dt>
            <dd>{formatDate(order.created_at)}</dd>
          </div>
        ) : null}
        {order.payment ? (
          <div>
            <dt>Payment</dt>
            <dd>{humanize(order.payment.status)}</dd>
          </div>
        ) : null}
      </dl>
      {order.vendor_orders?.length ? (
        order.vendor_orders.map((sub) => (
          <SubOrderPanel key={sub.id} sub={sub} currency={order.currency} />
        ))
      ) : order.lines?.length ? (
        <Lines lines={order.lines} currency={order.currency} />
      ) : null}
      <dl className="totals-list" aria-label="Order totals">
        {order.subtotal ? (
          <TotalsRow label="Subtotal" amount={order.subtotal} currency={order.currency} />
        ) : null}
        {order.shipping ? (
          <TotalsRow
            label="Shipping"
            amount={order.shipping}
            currency={order.currency}
            value={isZeroMoney(order.shipping) ? <span className="price">Free</span> : undefined}
          />
        ) : null}
        <TotalsRow label="Total" amount={order.total} currency={order.currency} total />
        {refunded ? (
          <TotalsRow label="Refunded" amount={order.refunded_total} currency={order.currency} />
        ) : null}
      </dl>
    </div>
  );
}
