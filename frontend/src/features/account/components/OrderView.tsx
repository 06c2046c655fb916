import { Price, TotalsRow } from '@/components/ui/Price';
import { formatDate, humanize } from '@/lib/format';
import type { Order, OrderLine } from '../api/account';

function lineName(line: OrderLine): string {
  const base = line.product_name ?? line.name ?? line.sku ?? 'Item';
  return line.variant_name && line.variant_name !== base ? `${base} — ${line.variant_name}` : base;
}

function Lines({ lines, currency }: { lines: OrderLine[]; currency: string }) {
  return (
    <ul className="lines">
      {lines.map((line, index) => (
        <li className="line" key={line.id ?? index}>
          <div className="line__main">{lineName(line)}</div>
          <span className="muted">× {line.quantity}</span>
          <p className="line__total">
            <Price amount={line.line_total ?? line.unit_price} currency={currency} />
          </p>
        </li>
      ))}
    </ul>
  );
}

export function OrderView({ order }: { order: Order }) {
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
          <section key={sub.id} className="panel" aria-label={`Shipment from ${sub.vendor.name}`}>
            <h3>
              From {sub.vendor.name}{' '}
              <span className={`badge badge--${sub.status}`}>{humanize(sub.status)}</span>
            </h3>
            {sub.tracking_number ? <p className="muted">Tracking: {sub.tracking_number}</p> : null}
            {sub.lines?.length ? <Lines lines={sub.lines} currency={order.currency} /> : null}
          </section>
        ))
      ) : order.lines?.length ? (
        <Lines lines={order.lines} currency={order.currency} />
      ) : null}
      <dl className="totals-list">
        {order.subtotal ? (
          <TotalsRow label="Subtotal" amount={order.subtotal} currency={order.currency} />
        ) : null}
        {order.shipping ? (
          <TotalsRow label="Shipping" amount={order.shipping} currency={order.currency} />
        ) : null}
        <TotalsRow label="Total" amount={order.total} currency={order.currency} total />
        {order.refunded_total && Number(order.refunded_total) > 0 ? (
          <TotalsRow label="Refunded" amount={order.refunded_total} currency={order.currency} />
        ) : null}
      </dl>
    </div>
  );
}
