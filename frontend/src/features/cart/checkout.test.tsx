import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Route } from 'react-router';
import { describe, expect, it } from 'vitest';
import { orderTokens } from '@/lib/order-tokens';
import { cartTokenStore } from '@/lib/session';
import { cart } from '@/test/fixtures';
import { queryKeys } from '@/lib/query-keys';
import { server } from '@/test/server';
import { API, apiError, renderWithProviders } from '@/test/utils';
import { CheckoutPage } from './components/CheckoutPage';

type Option = {
  code: string;
  name: string;
  price: string;
  list_price?: string;
  free_above?: string | null;
  ships?: boolean;
  days?: [number, number];
};

function vendorOptions(
  vendor: { slug: string; name: string },
  variantIds: number[],
  subtotal: string,
  options: Option[],
) {
  return {
    vendor,
    variant_ids: variantIds,
    subtotal,
    currency: 'EUR',
    options: options.map(({ ships = true, days = [2, 5], ...option }) => ({
      list_price: option.price,
      free_above: null,
      currency: 'EUR',
      delivery_days_min: days[0],
      delivery_days_max: days[1],
      ships_to_country: ships,
      ...option,
    })),
  };
}

const LUMEN = { slug: 'lumen', name: 'Lumen Works' };
const KILN = { slug: 'kiln', name: 'Kiln & Co' };

/** One vendor (the default cart: two lamps from Lumen Works), platform-like methods. */
const lumenOnly = () => [
  vendorOptions(LUMEN, [11], '20.00', [
    { code: 'standard', name: 'Standard', price: '4.90' },
    { code: 'express', name: 'Express', price: '9.90', days: [1, 2] },
  ]),
];

const TEST_PAYMENT = { code: 'dummy', name: 'Test payment', test: true, publishable_key: null };
const CARD = { code: 'stripe', name: 'Card', test: false, publishable_key: 'pk_test_abc' };

function setup(
  checkout: (request: Request) => Response | Promise<Response>,
  paymentMethods: unknown[] = [TEST_PAYMENT],
  {
    lines = [{ id: 1, variantId: 11, quantity: 2, name: 'Black lamp' }],
    shipping = () => lumenOnly(),
  }: {
    lines?: { id: number; variantId: number; quantity: number; name?: string }[];
    shipping?: (country: string) => ReturnType<typeof lumenOnly>;
  } = {},
) {
  cartTokenStore.set('guest-1');
  const requests: { key: string | null; body: unknown }[] = [];
  const optionCountries: string[] = [];
  server.use(
    http.get(API('/payment-methods/'), () => HttpResponse.json(paymentMethods)),
    http.get(API('/cart/'), () => HttpResponse.json(cart(lines))),
    http.get(API('/cart/shipping-options/'), ({ request }) => {
      const country = new URL(request.url).searchParams.get('country') ?? '';
      optionCountries.push(country);
      return HttpResponse.json(shipping(country));
    }),
    http.post(API('/checkout/'), async ({ request }) => {
      requests.push({
        key: request.headers.get('Idempotency-Key'),
        body: await request.clone().json(),
      });
      return checkout(request);
    }),
  );
  const view = renderWithProviders(<CheckoutPage />, {
    route: '/checkout',
    path: '/checkout',
    extraRoutes: <Route path="/checkout/confirmation/:number" element={<h1>Confirmed</h1>} />,
  });
  return { requests, optionCountries, ...view };
}

async function fillValidForm(user: UserEvent) {
  await user.type(await screen.findByLabelText(/^Email/), 'buyer@example.com');
  await user.type(screen.getByLabelText(/^Full name/), 'Ada Buyer');
  await user.type(screen.getByLabelText(/^Address line 1/), 'Main Street 1');
  await user.type(screen.getByLabelText(/^Postal code/), '10115');
  await user.type(screen.getByLabelText(/^City/), 'Berlin');
  await screen.findByRole('radio', { name: /Standard/ });
}

const order = (number = 'A-1001') => ({
  number,
  status: 'pending_payment',
  email: 'buyer@example.com',
  total: '24.90',
  currency: 'EUR',
  payment: { status: 'authorized' },
  access_token: `token-of-${number}`,
});

describe('checkout', () => {
  it('shows zod errors next to the fields before sending anything', async () => {
    const { requests } = setup(() => HttpResponse.json(order(), { status: 201 }));
    const user = userEvent.setup();
    await screen.findByRole('radio', { name: /Standard/ });
    await user.type(screen.getByLabelText(/^Email/), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription(
      'Enter a valid email address.',
    );
    expect(screen.getByLabelText(/^Full name/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^City/)).toHaveAccessibleDescription('Enter the city.');
    expect(screen.getByRole('alert')).toHaveTextContent('Please correct the highlighted fields.');
    expect(requests).toHaveLength(0);
  });

  it('shows the total with the chosen shipping method', async () => {
    setup(() => HttpResponse.json(order(), { status: 201 }));
    const user = userEvent.setup();
    await screen.findByRole('radio', { name: /Standard/ });
    const total = () => screen.getByText('Total', { selector: 'dt' }).nextElementSibling;
    expect(total()).toHaveTextContent('24.90');
    await user.click(screen.getByRole('radio', { name: /Express/ }));
    expect(total()).toHaveTextContent('29.90');
  });

  it('places the order with an Idempotency-Key and goes to the confirmation', async () => {
    const { requests, queryClient } = setup(() =>
      HttpResponse.json(order('A-1001'), { status: 201 }),
    );
    // the account's order list as it was read before: the new order must show on it
    queryClient.setQueryData([...queryKeys.orders, 'list', 1], { count: 0, results: [] });
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('radio', { name: /Express/ }));
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { name: 'Confirmed' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/checkout/confirmation/A-1001');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[0]?.body).toEqual({
      email: 'buyer@example.com',
      shipping_address: {
        full_name: 'Ada Buyer',
        line1: 'Main Street 1',
        city: 'Berlin',
        postal_code: '10115',
        country: 'DE',
      },
      shipping_methods: [{ vendor: 'lumen', method: 'express', price: '9.90' }],
      payment_method: 'dummy',
      payment_token: 'tok_visa',
    });
    expect(cartTokenStore.get()).toBeNull();
    expect(queryClient.getQueryState([...queryKeys.orders, 'list', 1])?.isInvalidated).toBe(true);
    // the guest can come back to the order (tracking, returns) from this browser
    expect(orderTokens.get('A-1001')).toBe('token-of-A-1001');
  });

  it('shows nested server validation errors next to their fields', async () => {
    setup(() =>
      apiError(400, 'validation_error', 'Invalid input.', {
        shipping_address: { postal_code: ['Enter a valid postal code for Germany.'] },
        email: ['This email is blocked.'],
      }),
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Postal code/)).toHaveAccessibleDescription(
        'Enter a valid postal code for Germany.',
      ),
    );
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription('This email is blocked.');
  });

  it('shows a decline at the payment field and uses a new key for the corrected attempt', async () => {
    const { requests } = setup(async (request) => {
      const body = (await request.json()) as { payment_token: string };
      return body.payment_token === 'tok_decline'
        ? apiError(402, 'payment_declined', 'Your card was declined.')
        : HttpResponse.json(order(), { status: 201 });
    });
    const user = userEvent.setup();
    await fillValidForm(user);
    const token = screen.getByLabelText(/^Payment token/);
    expect(token).toHaveValue('tok_visa');
    expect(token).toHaveAccessibleDescription(/tok_decline is declined/);
    await user.clear(token);
    await user.type(token, 'tok_decline');
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() => expect(token).toHaveAccessibleDescription(/Your card was declined\./));
    expect(screen.getByRole('alert')).toHaveTextContent(/declined. Nothing was charged/);

    await user.clear(token);
    await user.type(token, 'tok_visa');
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { name: 'Confirmed' })).toBeInTheDocument();
    expect(requests).toHaveLength(2);
    expect(requests[1]?.key).not.toBe(requests[0]?.key);
  });

  it('reuses the key when the same submission is retried after a server error', async () => {
    let calls = 0;
    const { requests } = setup(() => {
      calls += 1;
      return calls === 1
        ? new HttpResponse('oops', { status: 503 })
        : HttpResponse.json(order(), { status: 201 });
    });
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/on our side/);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { name: 'Confirmed' })).toBeInTheDocument();
    expect(requests[1]?.key).toBe(requests[0]?.key);
  });

  it('offers only the payment methods the server lists: no test payment where it is off', async () => {
    const { requests } = setup(
      () =>
        HttpResponse.json({ ...order('A-2001'), payment: { status: 'pending' } }, { status: 201 }),
      [CARD],
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    expect(await screen.findByText(/card details securely on the next step/)).toBeInTheDocument();
    expect(screen.queryByText('Test payment')).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/^Payment token/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]?.body).toMatchObject({ payment_method: 'stripe' });
    expect(requests[0]?.body).not.toHaveProperty('payment_token');
  });

  it('lets the shopper choose when the server offers several methods', async () => {
    setup(() => HttpResponse.json(order(), { status: 201 }), [CARD, TEST_PAYMENT]);
    const user = userEvent.setup();
    await fillValidForm(user);
    expect(screen.getByRole('radio', { name: 'Card' })).toBeChecked();
    expect(screen.queryByLabelText(/^Payment token/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Test payment' }));
    expect(screen.getByLabelText(/^Payment token/)).toHaveValue('tok_visa');
  });

  it('retries with the same key while the server is still working on the first request', async () => {
    let calls = 0;
    const { requests } = setup(() => {
      calls += 1;
      return calls === 1
        ? apiError(409, 'conflict', 'Still being processed.', {
            idempotency_key: 'in_progress',
            retry_after: 1,
          })
        : HttpResponse.json(order('A-3001'), { status: 201 });
    });
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(
      await screen.findByRole('heading', { name: 'Confirmed' }, { timeout: 4000 }),
    ).toBeInTheDocument();
    expect(requests).toHaveLength(2);
    expect(requests[1]?.key).toBe(requests[0]?.key);
  });

  it('says so when checkout is rate limited or too many orders wait for payment', async () => {
    let calls = 0;
    setup(() => {
      calls += 1;
      return calls === 1
        ? apiError(429, 'throttled', 'Too many requests.', { retry_after: 60 })
        : apiError(409, 'too_many_unpaid_orders', 'You already have orders waiting for payment.', {
            limit: 3,
          });
    });
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Too many checkout attempts/);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'You already have orders waiting for payment.',
      ),
    );
  });

  it('points at the cart line that ran out of stock', async () => {
    setup(() =>
      apiError(409, 'insufficient_stock', 'Not enough stock.', { variant_id: 11, available: 1 }),
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const summary = screen.getByRole('complementary', { name: 'Order summary' });
    const line = await within(summary).findByText('Only 1 left — lower the quantity to continue.');
    expect(line.closest('li')).toHaveTextContent('Black lamp');
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent(
      'no longer available in that quantity',
    );
    expect(within(summary).getByRole('button', { name: 'Edit cart' })).toBeInTheDocument();
  });

  it('explains an empty cart instead of showing the form', async () => {
    server.use(http.get(API('/payment-methods/'), () => HttpResponse.json([TEST_PAYMENT])));
    renderWithProviders(<CheckoutPage />);
    expect(screen.getByText('Your cart is empty')).toBeInTheDocument();
  });
});

describe('checkout with a parcel per vendor', () => {
  const twoVendorLines = [
    { id: 1, variantId: 11, quantity: 2, name: 'Black lamp' },
    { id: 2, variantId: 21, quantity: 1, name: 'Blue mug' },
  ];
  /** Lumen ships everywhere; Kiln ships its 10.00 part free by parcel, but only to Germany. */
  const twoVendors = (country: string) => [
    vendorOptions(LUMEN, [11], '20.00', [
      { code: 'standard', name: 'Standard', price: '4.90' },
      { code: 'express', name: 'Express', price: '9.90', days: [1, 2] },
    ]),
    vendorOptions(KILN, [21], '10.00', [
      {
        code: 'parcel',
        name: 'Kiln Parcel',
        price: '0.00',
        list_price: '3.50',
        free_above: '10.00',
        ships: country === 'DE',
      },
      { code: 'courier', name: 'Kiln Courier', price: '12.00', ships: false, days: [1, 1] },
    ]),
  ];
  const summaryRow = (label: string) =>
    within(screen.getByRole('complementary', { name: 'Order summary' })).getByText(label, {
      selector: 'dt',
    }).nextElementSibling;

  it('offers each vendor’s methods for the address and totals every parcel', async () => {
    const { requests, optionCountries } = setup(
      () => HttpResponse.json(order('A-4001'), { status: 201 }),
      [TEST_PAYMENT],
      { lines: twoVendorLines, shipping: twoVendors },
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    const lumen = screen.getByRole('group', { name: 'From Lumen Works' });
    const kiln = screen.getByRole('group', { name: 'From Kiln & Co' });
    expect(within(lumen).getByRole('radio', { name: /Standard/ })).toBeChecked();
    expect(within(lumen).getByRole('radio', { name: /Express/ })).toHaveAccessibleDescription(
      'Arrives in 1–2 days',
    );
    const parcel = within(kiln).getByRole('radio', { name: /Kiln Parcel/ });
    expect(parcel).toBeChecked();
    expect(parcel.closest('label')).toHaveTextContent('Free');
    expect(parcel).toHaveAccessibleDescription('Arrives in 2–5 days · free for this order');
    const courier = within(kiln).getByRole('radio', { name: /Kiln Courier/ });
    expect(courier).toBeDisabled();
    expect(courier).toHaveAccessibleDescription('Does not ship to Germany');

    expect(summaryRow('Shipping from Lumen Works')).toHaveTextContent('4.90');
    expect(summaryRow('Shipping from Kiln & Co')).toHaveTextContent('Free');
    expect(summaryRow('Total')).toHaveTextContent('34.90');
    await user.click(within(lumen).getByRole('radio', { name: /Express/ }));
    expect(summaryRow('Shipping from Lumen Works')).toHaveTextContent('9.90');
    expect(summaryRow('Total')).toHaveTextContent('39.90');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { name: 'Confirmed' })).toBeInTheDocument();
    expect(requests[0]?.body).toMatchObject({
      shipping_methods: [
        { vendor: 'lumen', method: 'express', price: '9.90' },
        { vendor: 'kiln', method: 'parcel', price: '0.00' },
      ],
    });
    expect(requests[0]?.body).not.toHaveProperty('shipping_method');
    expect(optionCountries).toEqual(['DE']);
  });

  it('reloads the options for another country and will not order what cannot ship there', async () => {
    const { requests, optionCountries } = setup(
      () => HttpResponse.json(order(), { status: 201 }),
      [TEST_PAYMENT],
      { lines: twoVendorLines, shipping: twoVendors },
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.selectOptions(screen.getByLabelText(/^Country/), 'AT');
    const kiln = screen.getByRole('group', { name: 'From Kiln & Co' });
    await waitFor(() =>
      expect(within(kiln).getByRole('radio', { name: /Kiln Parcel/ })).toBeDisabled(),
    );
    expect(optionCountries).toEqual(['DE', 'AT']);
    expect(kiln).toHaveAccessibleDescription(/Kiln & Co does not ship to Austria/);
    expect(summaryRow('Shipping from Kiln & Co')).toHaveTextContent('—');
    expect(
      within(screen.getByRole('complementary', { name: 'Order summary' })).queryByText('Total', {
        selector: 'dt',
      }),
    ).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent(
      'Some items cannot be shipped to Austria.',
    );
    const summary = screen.getByRole('complementary', { name: 'Order summary' });
    const problem = within(summary).getByText('Kiln & Co cannot ship this to Austria.');
    expect(problem.closest('li')).toHaveTextContent('Blue mug');
    expect(requests).toHaveLength(0);
  });

  it('shows the server’s shipping refusals next to the vendor and its lines', async () => {
    let calls = 0;
    const { requests, optionCountries } = setup(
      () => {
        calls += 1;
        return calls === 1
          ? apiError(400, 'validation_error', 'Some items cannot be shipped the way you chose.', {
              shipping_address: { country: ['This vendor does not ship to this country.'] },
              vendors: ['kiln'],
              lines: [21],
            })
          : apiError(400, 'validation_error', 'Some items cannot be shipped the way you chose.', {
              vendors: ['lumen'],
              shipping_methods: { lumen: ['This vendor does not offer this shipping method.'] },
            });
      },
      [TEST_PAYMENT],
      { lines: twoVendorLines, shipping: twoVendors },
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const kiln = screen.getByRole('group', { name: 'From Kiln & Co' });
    await waitFor(() =>
      expect(kiln).toHaveAccessibleDescription('Kiln & Co does not ship to Germany.'),
    );
    expect(screen.getByLabelText(/^Country/)).toHaveAccessibleDescription(
      'This vendor does not ship to this country.',
    );
    const summary = screen.getByRole('complementary', { name: 'Order summary' });
    expect(
      within(summary).getByText('Kiln & Co cannot ship this to Germany.').closest('li'),
    ).toHaveTextContent('Blue mug');
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent(
      'Some items cannot be shipped the way you chose.',
    );
    // the options are asked for again: what the vendor offers may have changed
    await waitFor(() => expect(optionCountries).toEqual(['DE', 'DE']));

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const lumen = screen.getByRole('group', { name: 'From Lumen Works' });
    await waitFor(() =>
      expect(lumen).toHaveAccessibleDescription('This vendor does not offer this shipping method.'),
    );
    expect(screen.queryByText('vendors: lumen')).not.toBeInTheDocument();
    expect(requests).toHaveLength(2);
  });

  it('says under the vendor when its shipping price changed since the options were shown', async () => {
    let calls = 0;
    const { requests, optionCountries } = setup(
      () => {
        calls += 1;
        return apiError(
          400,
          'validation_error',
          'Shipping changed since you saw it. Check the new price and place the order again.',
          {
            vendors: ['kiln'],
            shipping_methods: {
              kiln: ['Shipping with Kiln Parcel now costs 3.50 (you were shown 0.00).'],
            },
            prices: { kiln: '3.50' },
          },
        );
      },
      [TEST_PAYMENT],
      { lines: twoVendorLines, shipping: twoVendors },
    );
    const user = userEvent.setup();
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const kiln = screen.getByRole('group', { name: 'From Kiln & Co' });
    await waitFor(() =>
      expect(kiln).toHaveAccessibleDescription(
        'Shipping with Kiln Parcel now costs 3.50 (you were shown 0.00).',
      ),
    );
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent(
      'Shipping changed since you saw it. Check the new price and place the order again.',
    );
    expect(screen.queryByText(/prices:/)).not.toBeInTheDocument();
    expect(requests[0]?.body).toMatchObject({
      shipping_methods: [
        { vendor: 'lumen', method: 'standard', price: '4.90' },
        { vendor: 'kiln', method: 'parcel', price: '0.00' },
      ],
    });
    // the options are asked for again, so the new price is what the shopper sees next
    await waitFor(() => expect(optionCountries).toEqual(['DE', 'DE']));
    expect(calls).toBe(1);
  });
});
