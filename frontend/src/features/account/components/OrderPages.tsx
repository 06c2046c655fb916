import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { isApiError } from '@/lib/errors';
import { formatDate, humanize } from '@/lib/format';
import { useDocumentTitle, useFocusOnArrival } from '@/lib/hooks';
import { orderTokens } from '@/lib/order-tokens';
import { useIsAuthenticated } from '@/lib/session';
import { useCancelOrder, useOrder, useOrders, type Order } from '../api/account';
import { OrderView } from './OrderView';
import { ReturnsPanel } from './ReturnsPanel';

/** Cancel the whole order: offered while the server says it still may be (nothing shipped). */
function CancelOrder({ order }: { order: Order }) {
  const cancel = useCancelOrder(order.number);
  if (!order.can_cancel) return null;
  return (
    <div className="stack">
      <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate()}>
        Cancel order
      </Button>
      {cancel.isError ? <ErrorMessage error={cancel.error} /> : null}
    </div>
  );
}

/** The order with everything a shopper can do about it: tracking, returns, cancelling. */
function ManageOrder({ order }: { order: Order }) {
  return (
    <>
      <OrderView order={order} />
      <ReturnsPanel order={order} />
      <CancelOrder order={order} />
    </>
  );
}

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
          <Pagination page={page} count={orders.data.count} />
        </>
      )}
    </section>
  );
}

export function OrderDetailPage() {
  const { number = '' } = useParams();
  const order = useOrder(number);
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
        <ManageOrder order={order.data} />
      )}
    </section>
  );
}

/**
 * An order by its number outside the account pages: a guest's (opened with the token checkout
 * left in this browser) or the signed-in shopper's own.
 */
export function OrderPage() {
  const { number = '' } = useParams();
  const order = useOrder(number);
  const authenticated = useIsAuthenticated();
  useDocumentTitle(`Order ${number}`);
  return (
    <section className="narrow stack" aria-labelledby="order-heading">
      <h1 id="order-heading">Order {number}</h1>
      {order.isPending ? (
        <Spinner label="Loading order…" />
      ) : order.isError ? (
        isApiError(order.error) && order.error.status === 404 ? (
          <Notice>
            We cannot open this order here.{' '}
            {authenticated ? (
              <>
                Find it under <Link to="/account">your orders</Link>, or open it in the browser you
                ordered with.
              </>
            ) : (
              <>
                Open it in the browser you ordered with, or <Link to="/login">sign in</Link> if you
                ordered with an account.
              </>
            )}
          </Notice>
        ) : (
          <ErrorMessage error={order.error} onRetry={() => void order.refetch()} />
        )
      ) : (
        <ManageOrder order={order.data} />
      )}
    </section>
  );
}

/** Shown right after checkout; the order comes from the cache the checkout filled. */
export function OrderConfirmationPage() {
  const { number = '' } = useParams();
  const order = useOrder(number);
  const authenticated = useIsAuthenticated();
  useDocumentTitle('Thank you for your order');
  // Checkout sends `placed`: focus on the heading tells a screen reader the order went through.
  const placed = Boolean((useLocation().state as { placed?: unknown } | null)?.placed);
  const heading = useFocusOnArrival<HTMLHeadingElement>(placed);
  return (
    <div className="narrow stack">
      <h1 ref={heading} tabIndex={-1}>
        Thank you for your order
      </h1>
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
        <Link to="/products">Continue shopping</Link> ·{' '}
        {authenticated ? (
          <Link to="/account">See your orders</Link>
        ) : orderTokens.get(number) ? (
          <Link to={`/orders/${encodeURIComponent(number)}`}>Track this order or return items</Link>
        ) : (
          <Link to="/account">See your orders</Link>
        )}
      </p>
    </div>
  );
}
