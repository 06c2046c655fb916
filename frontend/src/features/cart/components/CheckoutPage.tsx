import { lazy, Suspense, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/ui/Button';
import { AddressFields } from '@/components/ui/AddressFields';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { EmailField, SelectField, TextField } from '@/components/ui/Field';
import { Price, TotalsRow } from '@/components/ui/Price';
import { errorMessage, isApiError } from '@/lib/errors';
import { addMoney } from '@/lib/format';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { cartDrawerStore, useCart } from '../api/cart';
import {
  useCheckout,
  usePaymentMethods,
  useShippingMethods,
  type PaymentMethod,
  type PlacedOrder,
} from '../api/checkout';
import { CHECKOUT_FIELDS, COUNTRIES, checkoutSchema } from '../api/checkout-schema';
import { CartLines } from './CartLines';

// Stripe's SDK is only downloaded by shoppers who actually pay by card.
const StripePayment = lazy(() => import('./StripePayment'));

type Props = {
  /** Pre-fills the email of a signed-in shopper (the app passes it in from the session). */
  defaultEmail?: string | undefined;
  confirmationPath?: (orderNumber: string) => string;
};

const defaultConfirmationPath = (number: string) =>
  `/checkout/confirmation/${encodeURIComponent(number)}`;

export function CheckoutPage({ defaultEmail, confirmationPath = defaultConfirmationPath }: Props) {
  useDocumentTitle('Checkout');
  const navigate = useNavigate();
  const cart = useCart();
  const shipping = useShippingMethods();
  const payments = usePaymentMethods();
  const checkout = useCheckout();
  const form = useFormErrors();
  const formRef = useRef<HTMLFormElement>(null);
  const [paymentCode, setPaymentCode] = useState<string | null>(null);
  const [shippingCode, setShippingCode] = useState<string | null>(null);
  const [stockProblems, setStockProblems] = useState<Record<number, string>>({});
  const [stripeOrder, setStripeOrder] = useState<PlacedOrder | null>(null);

  const methods = shipping.data ?? [];
  const selectedShipping = methods.find((m) => m.code === shippingCode) ?? methods[0];
  // The server says which payment methods exist: the test gateway is offered only where it is on.
  const paymentMethods = payments.data ?? [];
  const selectedPayment: PaymentMethod | undefined =
    paymentMethods.find((m) => m.code === paymentCode) ?? paymentMethods[0];
  const stripeKey = paymentMethods.find((m) => m.code === 'stripe')?.publishable_key ?? null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setStockProblems({});
    const body = form.validateForm(checkoutSchema, event.currentTarget);
    if (!body) return;
    checkout.mutate(body, {
      onSuccess: (order) => {
        if (body.payment_method === 'stripe' && order.payment?.client_secret) {
          setStripeOrder(order);
          return;
        }
        navigate(confirmationPath(order.number), { state: { placed: true } });
      },
      onError: (error) => {
        if (isApiError(error) && error.code === 'insufficient_stock') {
          const details = error.details as { variant_id?: number; available?: number };
          const available = Number(details.available ?? 0);
          if (details.variant_id !== undefined) {
            setStockProblems({
              [details.variant_id]:
                available > 0
                  ? `Only ${available} left — lower the quantity to continue.`
                  : 'This item just sold out — remove it to continue.',
            });
          }
          form.setErrors({});
          form.setFormError('Some items in your cart are no longer available in that quantity.');
        } else if (isApiError(error) && error.code === 'payment_declined') {
          form.setErrors({ payment_token: error.message || 'Your payment was declined.' });
          form.setFormError(
            'Your payment was declined. Nothing was charged; try another payment method.',
          );
        } else if (isApiError(error) && error.code === 'idempotency_key_reused') {
          form.setErrors({});
          form.setFormError('This order changed while it was being placed. Please submit again.');
        } else if (isApiError(error) && error.code === 'throttled') {
          form.setErrors({});
          form.setFormError(
            'Too many checkout attempts from here. Please wait a few minutes and try again.',
          );
        } else if (
          isApiError(error) &&
          ['too_many_unpaid_orders', 'payment_provider_unavailable'].includes(error.code)
        ) {
          form.setErrors({});
          form.setFormError(error.message);
        } else {
          form.showApiError(error, CHECKOUT_FIELDS);
        }
        window.requestAnimationFrame(() => {
          formRef.current
            ?.querySelector<HTMLElement>('[aria-invalid="true"], .alert--error')
            ?.focus();
        });
      },
    });
  };

  if (cart.isPending && cart.fetchStatus !== 'idle') return <Spinner label="Loading your cart…" />;
  if (cart.isError) return <ErrorMessage error={cart.error} onRetry={() => void cart.refetch()} />;
  if (!stripeOrder && (!cart.data || cart.data.items.length === 0)) {
    return (
      <div className="narrow">
        <h1>Checkout</h1>
        <EmptyState title="Your cart is empty">
          <Link to="/products">Find something you like</Link>
        </EmptyState>
      </div>
    );
  }

  if (stripeOrder?.payment?.client_secret && stripeKey) {
    return (
      <div className="narrow stack">
        <h1>Pay for order {stripeOrder.number}</h1>
        <Suspense fallback={<Spinner label="Loading secure payment form…" />}>
          <StripePayment
            publishableKey={stripeKey}
            clientSecret={stripeOrder.payment.client_secret}
            returnUrl={new URL(
              confirmationPath(stripeOrder.number),
              window.location.origin,
            ).toString()}
            onPaid={() =>
              navigate(confirmationPath(stripeOrder.number), { state: { placed: true } })
            }
          />
        </Suspense>
      </div>
    );
  }

  const e = form.errors;
  const cartData = cart.data;
  if (!cartData) return null;
  return (
    <div className="checkout">
      <h1>Checkout</h1>
      <form
        ref={formRef}
        className="checkout__form stack"
        onSubmit={onSubmit}
        noValidate
        aria-label="Checkout"
      >
        {form.formError ? (
          <div className="alert alert--error" role="alert" tabIndex={-1}>
            <p>{form.formError}</p>
          </div>
        ) : null}

        <fieldset className="stack">
          <legend>Contact</legend>
          <EmailField defaultValue={defaultEmail} error={e.email} />
        </fieldset>

        <fieldset className="stack">
          <legend>Shipping address</legend>
          <AddressFields
            prefix="shipping_address."
            errors={e}
            country={
              <SelectField
                label="Country"
                name="shipping_address.country"
                autoComplete="country"
                required
                defaultValue="DE"
                error={e['shipping_address.country']}
              >
                {COUNTRIES.map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </SelectField>
            }
          />
        </fieldset>

        <fieldset
          className="stack"
          aria-describedby={e.shipping_method ? 'shipping-method-error' : undefined}
        >
          <legend>Shipping method</legend>
          {shipping.isPending ? (
            <Spinner label="Loading shipping methods…" />
          ) : shipping.isError ? (
            <ErrorMessage error={shipping.error} onRetry={() => void shipping.refetch()} />
          ) : (
            methods.map((method) => (
              <label key={method.code} className="choice">
                <input
                  type="radio"
                  name="shipping_method"
                  value={method.code}
                  checked={selectedShipping?.code === method.code}
                  onChange={() => setShippingCode(method.code)}
                />
                <span>{method.name}</span>
                <Price amount={method.price} currency={method.currency} />
              </label>
            ))
          )}
          {e.shipping_method ? (
            <p className="field__error" id="shipping-method-error">
              {e.shipping_method}
            </p>
          ) : null}
        </fieldset>

        <fieldset className="stack">
          <legend>Payment</legend>
          {payments.isPending ? (
            <Spinner label="Loading payment methods…" />
          ) : payments.isError ? (
            <ErrorMessage error={payments.error} onRetry={() => void payments.refetch()} />
          ) : paymentMethods.length > 1 ? (
            <div className="choices">
              {paymentMethods.map((method) => (
                <label key={method.code} className="choice">
                  <input
                    type="radio"
                    name="payment_method"
                    value={method.code}
                    checked={selectedPayment?.code === method.code}
                    onChange={() => setPaymentCode(method.code)}
                  />
                  <span>{method.name}</span>
                </label>
              ))}
            </div>
          ) : selectedPayment ? (
            <input type="hidden" name="payment_method" value={selectedPayment.code} />
          ) : (
            <p className="field__error">No payment method is available right now.</p>
          )}
          {selectedPayment?.test ? (
            <TextField
              label="Payment token"
              name="payment_token"
              defaultValue="tok_visa"
              autoComplete="off"
              required
              error={e.payment_token}
              hint={
                <>
                  Test gateway: <code>tok_visa</code> is approved, <code>tok_decline</code> is
                  declined.
                </>
              }
            />
          ) : selectedPayment ? (
            <p className="muted">You will enter your card details securely on the next step.</p>
          ) : null}
        </fieldset>

        <Button
          type="submit"
          busy={checkout.isPending}
          disabled={!selectedPayment}
          className="btn--block"
        >
          {checkout.isPending ? 'Placing order…' : 'Place order'}
        </Button>
        {checkout.isError && !isApiError(checkout.error) ? (
          <ErrorMessage error={errorMessage(checkout.error)} />
        ) : null}
      </form>

      <aside className="checkout__summary stack" aria-labelledby="summary-heading">
        <h2 id="summary-heading">Order summary</h2>
        <CartLines cart={cartData} problems={stockProblems} />
        {Object.keys(stockProblems).length ? (
          <Button variant="secondary" onClick={() => cartDrawerStore.set(true)}>
            Edit cart
          </Button>
        ) : null}
        <dl className="totals-list">
          <TotalsRow label="Subtotal" amount={cartData.subtotal} currency={cartData.currency} />
          {selectedShipping ? (
            <>
              <TotalsRow
                label="Shipping"
                amount={selectedShipping.price}
                currency={selectedShipping.currency}
              />
              <TotalsRow
                label="Total"
                amount={addMoney(cartData.subtotal, selectedShipping.price)}
                currency={cartData.currency}
                total
              />
            </>
          ) : null}
        </dl>
      </aside>
    </div>
  );
}
