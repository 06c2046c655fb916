import { Link, useParams, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { formatDate, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import { useCancelOrder, useOrder, useOrders } from '../api/account';
import { OrderView } from './OrderView';

const CANCELLABLE = new Set(['pending_payment', 'paid', 'processing']);

export function OrdersPage() {
  useDocumentTitle('Your orders');
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const orders = useOrders(page);
  return (
    <section className="stack" aria-labelledby="orders-heading">
      <h2 id="orders-heading">Orders</h2>
      {orders.isPending ? (
        <Spinner label="Loading your orders…" />
      ) : orders.isError ? (
        <ErrorMessage error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.results.length === 0 ? (
        <EmptyState title="No orders yet">
          <Link to="/products">Start shopping</Link>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Orders">
            {orders.data.results.map((order) => (
              <li key={order.number} className="list__item">
                <Link
                  to={`/account/orders/${encodeURIComponent(order.number)}`}
                  className="list__title"
                >
                  Order {order.number}
                </Link>
                <span className="muted">{formatDate(order.created_at)}</span>
                <span className={`badge badge--${order.status}`}>{humanize(order.status)}</span>
                <Price amount={order.total} currency={order.currency} />
              </li>
            ))}
          </ul>
          <Pagination
            page={page}
            count={orders.data.count}
            pageSize={Math.max(orders.data.results.length, 1)}
          />
        </>
      )}
    </section>
  );
}

export function OrderDetailPage() {
  const { number = '' } = useParams();
  const order = useOrder(number);
  const cancel = useCancelOrder(number);
  useDocumentTitle(`Order ${number}`);
  return (
    <section className="stack" aria-labelledby="order-heading">
      <p>
        <Link to="/account">← All orders</Link>
      </p>
      <h2 id="order-heading">Order {number}</h2>
      {order.isPending ? (
        <Spinner label="Loading order…" />
      ) : order.isError ? (
        <ErrorMessage error={order.error} onRetry={() => void order.refetch()} />
      ) : (
        <>
          <OrderView order={order.data} />
          {CANCELLABLE.has(order.data.status) ? (
            <div className="stack">
              <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate()}>
                Cancel order
              </Button>
              {cancel.isError ? <ErrorMessage error={cancel.error} /> : null}
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

/** Shown right after checkout; the order comes from the cache the checkout filled. */
export function OrderConfirmationPage() {
  const { number = '' } = useParams();
  const order = useOrder(number);
  useDocumentTitle('Thank you for your order');
  return (
    <div className="narrow stack">
      <h1>Thank you for your order</h1>
      {order.data ? (
        <>
          <Notice tone="success">
            Order <strong>{order.data.number}</strong> is placed. A confirmation is on its way to{' '}
            {order.data.email}.
          </Notice>
          <OrderView order={order.data} />
        </>
      ) : order.isPending ? (
        <Spinner label="Loading order…" />
      ) : (
        <Notice>
          Order <strong>{number}</strong> is placed. You will receive a confirmation by email.
        </Notice>
      )}
      <p>
        <Link to="/products">Continue shopping</Link> · <Link to="/account">See your orders</Link>
      </p>
    </div>
  );
}
