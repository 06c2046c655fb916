import { lazy, Suspense, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/ui/Button';
import { AddressFields } from '@/components/ui/AddressFields';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { EmailField, SelectField, TextField } from '@/components/ui/Field';
import { TotalsRow } from '@/components/ui/Price';
import { ApiError, errorMessage, isApiError } from '@/lib/errors';
import { addMoney, isZeroMoney } from '@/lib/format';
import { readForm, useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { cartDrawerStore, useCart } from '../api/cart';
import {
  pickShipping,
  useCheckout,
  usePaymentMethods,
  useShippingOptions,
  type PaymentMethod,
  type PlacedOrder,
  type VendorShippingOptions,
} from '../api/checkout';
import { CHECKOUT_FIELDS, COUNTRIES, checkoutSchema, countryName } from '../api/checkout-schema';
import { CartLines } from './CartLines';
import { ShippingChoices } from './ShippingChoices';

// Stripe's SDK is only downloaded by shoppers who actually pay by card.
const StripePayment = lazy(() => import('./StripePayment'));

type Props = {
  /** Pre-fills the email of a signed-in shopper (the app passes it in from the session). */
  defaultEmail?: string | undefined;
  confirmationPath?: (orderNumber: string) => string;
};

const defaultConfirmationPath = (number: string) =>
  `/checkout/confirmation/${encodeURIComponent(number)}`;

const DEFAULT_COUNTRY = 'DE';

type ShippingProblems = {
  /** `shipping_methods.<vendor slug>` → message, shown under that vendor's methods. */
  vendors: Record<string, string>;
  /** Variant id → message, shown on the cart line. */
  lines: Record<number, string>;
};

function isShippingError(error: unknown): error is ApiError {
  if (!isApiError(error) || error.code !== 'validation_error') return false;
  return ['vendors', 'lines', 'shipping_methods'].some((key) => key in error.details);
}

/**
 * A 400 about shipping names the vendors concerned (`vendors`), their cart lines (`lines`,
 * variant ids) and why: a vendor without a valid method (`shipping_methods.<slug>`) or one that
 * does not ship to the address (`shipping_address.country`), or whose price changed since the
 * options were shown (`shipping_methods.<slug>`, with `prices`). Everything else stays an
 * ordinary field error.
 */
function splitShippingError(
  error: ApiError,
  groups: VendorShippingOptions[],
  country: string,
): { problems: ShippingProblems; rest: ApiError } {
  const { vendors, lines, ...rest } = error.details;
  // A shipping price that changed comes with the vendor's own message (and the new prices, which
  // the reloaded options show).
  delete rest.prices;
  const names = new Map(groups.map((group) => [group.vendor.slug, group.vendor.name]));
  const perVendor = rest.shipping_methods;
  const hasOwnMessage = (slug: string) =>
    typeof perVendor === 'object' && perVendor !== null && slug in perVendor;
  const cannotShip = typeof rest.shipping_address === 'object' && rest.shipping_address !== null;
  const problems: ShippingProblems = { vendors: {}, lines: {} };
  for (const slug of Array.isArray(vendors) ? vendors : []) {
    if (typeof slug !== 'string' || hasOwnMessage(slug)) continue;
    const name = names.get(slug) ?? slug;
    problems.vendors[`shipping_methods.${slug}`] = cannotShip
      ? `${name} does not ship to ${country}.`
      : `Choose how ${name} ships your items.`;
  }
  for (const variantId of Array.isArray(lines) ? lines : []) {
    if (typeof variantId !== 'number') continue;
    const group = groups.find((g) => g.variant_ids.includes(variantId));
    problems.lines[variantId] = group
      ? `${group.vendor.name} cannot ship this to ${country}.`
      : `This item cannot be shipped to ${country}.`;
  }
  return { problems, rest: new ApiError(error.status, error.code, error.message, rest) };
}

export function CheckoutPage({ defaultEmail, confirmationPath = defaultConfirmationPath }: Props) {
  useDocumentTitle('Checkout');
  const navigate = useNavigate();
  const cart = useCart();
  const [country, setCountry] = useState(DEFAULT_COUNTRY);
  const shipping = useShippingOptions(country, cart.data);
  const payments = usePaymentMethods();
  const checkout = useCheckout();
  const form = useFormErrors();
  const formRef = useRef<HTMLFormElement>(null);
  const [paymentCode, setPaymentCode] = useState<string | null>(null);
  const [chosenShipping, setChosenShipping] = useState<Record<string, string>>({});
  const [lineProblems, setLineProblems] = useState<Record<number, string>>({});
  const [stripeOrder, setStripeOrder] = useState<PlacedOrder | null>(null);

  const groups = shipping.data ?? [];
  const picked = pickShipping(groups, chosenShipping);
  const shippingReady = shipping.isSuccess && !shipping.isPlaceholderData;
  const allPicked = groups.length > 0 && groups.every((group) => picked[group.vendor.slug]);
  const countryLabel = countryName(country);
  // The server says which payment methods exist: the test gateway is offered only where it is on.
  const paymentMethods = payments.data ?? [];
  const selectedPayment: PaymentMethod | undefined =
    paymentMethods.find((m) => m.code === paymentCode) ?? paymentMethods[0];
  const stripeKey = paymentMethods.find((m) => m.code === 'stripe')?.publishable_key ?? null;

  const focusProblem = () =>
    window.requestAnimationFrame(() => {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .alert--error')?.focus();
    });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setLineProblems({});
    const values = form.validate(checkoutSchema, readForm(event.currentTarget));
    // Every vendor's parcel needs a method that ships to the address: said along with any
    // field errors, so the shopper sees everything to fix at once.
    const unshippable = shippingReady ? groups.filter((group) => !picked[group.vendor.slug]) : [];
    if (unshippable.length) {
      form.setErrors((current) => ({
        ...current,
        ...Object.fromEntries(
          unshippable.map((group) => [
            `shipping_methods.${group.vendor.slug}`,
            `${group.vendor.name} does not ship to ${countryLabel}. Choose another country or remove its items from your cart.`,
          ]),
        ),
      }));
      setLineProblems(
        Object.fromEntries(
          unshippable.flatMap((group) =>
            group.variant_ids.map((id) => [
              id,
              `${group.vendor.name} cannot ship this to ${countryLabel}.`,
            ]),
          ),
        ),
      );
      if (values) form.setFormError(`Some items cannot be shipped to ${countryLabel}.`);
    } else if (values && !shippingReady) {
      form.setFormError('Shipping options are still loading. Try again in a moment.');
    }
    if (!values || unshippable.length || !shippingReady) {
      focusProblem();
      return;
    }
    const body = {
      ...values,
      // With the price shown: if the vendor changed it meanwhile, the server refuses rather
      // than charging a price the shopper never saw.
      shipping_methods: groups.map((group) => ({
        vendor: group.vendor.slug,
        method: picked[group.vendor.slug]?.code ?? '',
        price: picked[group.vendor.slug]?.price,
      })),
    };
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
            setLineProblems({
              [details.variant_id]:
                available > 0
                  ? `Only ${available} left — lower the quantity to continue.`
                  : 'This item just sold out — remove it to continue.',
            });
          }
          form.setErrors({});
          form.setFormError('Some items in your cart are no longer available in that quantity.');
        } else if (isShippingError(error)) {
          const { problems, rest } = splitShippingError(error, groups, countryLabel);
          form.showApiError(rest, [
            ...CHECKOUT_FIELDS,
            ...groups.map((group) => `shipping_methods.${group.vendor.slug}`),
          ]);
          form.setErrors((current) => ({ ...current, ...problems.vendors }));
          setLineProblems(problems.lines);
          // What the vendors offer may have changed since the options were loaded.
          void shipping.refetch();
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
        focusProblem();
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
                value={country}
                onChange={(event) => setCountry(event.target.value)}
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
          aria-describedby={e.shipping_methods ? 'shipping-methods-error' : undefined}
          aria-busy={shipping.isFetching || undefined}
        >
          <legend>Shipping</legend>
          <p className="muted">Each seller ships its own parcel: choose how for each.</p>
          {shipping.isPending && shipping.fetchStatus !== 'idle' ? (
            <Spinner label="Loading shipping options…" />
          ) : shipping.isError ? (
            <ErrorMessage error={shipping.error} onRetry={() => void shipping.refetch()} />
          ) : (
            <div className={shipping.isPlaceholderData ? 'is-stale' : undefined}>
              <ShippingChoices
                groups={groups}
                cart={cartData}
                selected={picked}
                onSelect={(vendor, code) =>
                  setChosenShipping((current) => ({ ...current, [vendor]: code }))
                }
                errors={e}
                countryName={countryLabel}
              />
            </div>
          )}
          {e.shipping_methods ? (
            <p className="field__error" id="shipping-methods-error">
              {e.shipping_methods}
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
        <CartLines cart={cartData} problems={lineProblems} />
        {Object.keys(lineProblems).length ? (
          <Button variant="secondary" onClick={() => cartDrawerStore.set(true)}>
            Edit cart
          </Button>
        ) : null}
        <dl className="totals-list">
          <TotalsRow label="Subtotal" amount={cartData.subtotal} currency={cartData.currency} />
          {groups.map((group) => {
            const option = picked[group.vendor.slug];
            return (
              <TotalsRow
                key={group.vendor.slug}
                label={`Shipping from ${group.vendor.name}`}
                amount={option?.price}
                currency={option?.currency}
                value={
                  !option ? (
                    <span className="muted">—</span>
                  ) : isZeroMoney(option.price) ? (
                    <span className="price">Free</span>
                  ) : undefined
                }
              />
            );
          })}
          {allPicked ? (
            <TotalsRow
              label="Total"
              amount={addMoney(
                cartData.subtotal,
                ...groups.map((group) => picked[group.vendor.slug]?.price ?? '0'),
              )}
              currency={cartData.currency}
              total
            />
          ) : null}
        </dl>
      </aside>
    </div>
  );
}
