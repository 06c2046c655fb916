import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { TextField } from '@/components/ui/Field';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { formatDate, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import { useShipOrder, useVendorOrders, type SubOrder } from '../api/vendor';

const SHIPPABLE = new Set(['pending', 'paid', 'processing', 'ready']);

function ShipForm({ order }: { order: SubOrder }) {
  const ship = useShipOrder();
  const [open, setOpen] = useState(false);
  if (!SHIPPABLE.has(order.status)) return null;
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Mark as shipped
      </Button>
    );
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const tracking = String(new FormData(event.currentTarget).get('tracking_number') ?? '').trim();
    ship.mutate({ id: order.id, tracking_number: tracking || undefined });
  };
  return (
    <form
      className="row"
      onSubmit={onSubmit}
      aria-label={`Ship order ${order.order_number ?? order.id}`}
    >
      <TextField label="Tracking number" name="tracking_number" hint="Optional" />
      <Button type="submit" busy={ship.isPending}>
        Confirm shipment
      </Button>
      <Button variant="ghost" onClick={() => setOpen(false)}>
        Cancel
      </Button>
      {ship.isError ? <ErrorMessage error={ship.error} /> : null}
    </form>
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
              <li key={order.id} className="list__item list__item--block">
                <div className="section-head">
                  <strong>Order {order.order_number ?? order.number ?? order.id}</strong>
                  <span className={`badge badge--${order.status}`}>{humanize(order.status)}</span>
                </div>
                <p className="muted">
                  {formatDate(order.created_at)}
                  {order.shipping_address?.full_name
                    ? ` · for ${order.shipping_address.full_name}`
                    : ''}
                  {order.shipping_address?.city ? `, ${order.shipping_address.city}` : ''}
                </p>
                {order.lines?.length ? (
                  <ul className="plain">
                    {order.lines.map((line, index) => (
                      <li key={line.id ?? index}>
                        {line.quantity} × {line.product_name ?? line.name ?? line.sku}
                        {line.variant_name ? ` (${line.variant_name})` : ''}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {order.total || order.subtotal ? (
                  <Price amount={order.total ?? order.subtotal} currency={order.currency} />
                ) : null}
                {order.order_refunded_total && Number(order.order_refunded_total) > 0 ? (
                  <p className="muted">
                    {humanize(order.order_status ?? 'refunded')}: refunded to the customer{' '}
                    <Price amount={order.order_refunded_total} currency={order.currency ?? 'EUR'} />
                  </p>
                ) : null}
                {order.tracking_number ? <p>Tracking: {order.tracking_number}</p> : null}
                <ShipForm order={order} />
              </li>
            ))}
          </ul>
          <Pagination page={page} count={orders.data.count} pageSize={20} />
        </>
      )}
    </section>
  );
}
