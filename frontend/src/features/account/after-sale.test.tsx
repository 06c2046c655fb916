import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { orderTokens } from '@/lib/order-tokens';
import { server } from '@/test/server';
import { API, apiError, renderWithProviders } from '@/test/utils';
import { OrderDetailPage, OrderPage } from './components/OrderPages';

const lamp = {
  id: 101,
  product_name: 'Desk Lamp',
  variant_name: 'Black',
  unit_price: '20.00',
  quantity: 2,
  quantity_cancelled: 0,
  quantity_shipped: 2,
  line_total: '40.00',
};
const shade = {
  id: 102,
  product_name: 'Lamp Shade',
  variant_name: 'Linen',
  unit_price: '15.00',
  quantity: 1,
  quantity_cancelled: 0,
  quantity_shipped: 1,
  line_total: '15.00',
};
const mug = {
  id: 201,
  product_name: 'Mug',
  variant_name: 'Blue',
  unit_price: '10.00',
  quantity: 2,
  quantity_cancelled: 1,
  quantity_shipped: 0,
  line_total: '20.00',
};

/** Lumen shipped its part in two parcels; Kiln cancelled one of two mugs (refunded 10.00). */
const order = {
  number: 'AG-1001',
  status: 'partially_refunded',
  email: 'buyer@example.com',
  created_at: '2026-03-01T10:00:00Z',
  subtotal: '75.00',
  shipping: '6.50',
  total: '81.50',
  currency: 'EUR',
  refunded_total: '10.00',
  can_cancel: false,
  payment: { status: 'partially_refunded', amount_refunded: '10.00' },
  vendor_orders: [
    {
      id: 1,
      vendor: { slug: 'lumen', name: 'Lumen Works' },
      status: 'shipped',
      subtotal: '55.00',
      currency: 'EUR',
      shipping: '6.50',
      shipping_method: 'Lumen Courier',
      delivery_days_min: 1,
      delivery_days_max: 2,
      parcels: [
        {
          id: 11,
          carrier: 'DHL',
          tracking_number: 'DHL-111',
          tracking_url: 'https://track.example.com/DHL-111',
          shipped_at: '2026-03-02T10:00:00Z',
          lines: [{ line_id: 101, quantity: 2 }],
        },
        {
          id: 12,
          carrier: 'UPS',
          tracking_number: 'UPS-222',
          tracking_url: 'javascript:alert(1)',
          shipped_at: '2026-03-03T10:00:00Z',
          lines: [{ line_id: 102, quantity: 1 }],
        },
      ],
      lines: [lamp, shade],
    },
    {
      id: 2,
      vendor: { slug: 'kiln', name: 'Kiln & Co' },
      status: 'processing',
      subtotal: '20.00',
      currency: 'EUR',
      shipping: '0.00',
      shipping_method: 'Kiln Parcel',
      delivery_days_min: 2,
      delivery_days_max: 5,
      parcels: [],
      lines: [mug],
    },
  ],
};

const returnable = [
  {
    vendor_order_id: 1,
    vendor: { slug: 'lumen', name: 'Lumen Works' },
    line_id: 101,
    name: 'Desk Lamp — Black',
    quantity: 2,
    until: '2026-03-17T10:00:00Z',
  },
  {
    vendor_order_id: 1,
    vendor: { slug: 'lumen', name: 'Lumen Works' },
    line_id: 102,
    name: 'Lamp Shade — Linen',
    quantity: 1,
    until: '2026-03-17T10:00:00Z',
  },
];

function returnOf(overrides: Record<string, unknown> = {}) {
  return {
    id: 7,
    order_number: 'AG-1001',
    vendor: { slug: 'lumen', name: 'Lumen Works' },
    vendor_order_id: 1,
    status: 'requested',
    reason: 'Too bright.',
    vendor_note: '',
    dispute_reason: '',
    staff_note: '',
    lines: [{ line_id: 101, name: 'Desk Lamp — Black', quantity: 1, unit_price: '20.00' }],
    refund: null,
    restocked: false,
    created_at: '2026-03-04T10:00:00Z',
    refunded_at: null,
    actions: [],
    ...overrides,
  };
}

const renderDetail = () =>
  renderWithProviders(<OrderDetailPage />, {
    route: '/account/orders/AG-1001',
    path: '/account/orders/:number',
  });

describe('order page after sale', () => {
  it('shows each vendor’s shipping, its parcels with tracking, cancelled units and the refund', async () => {
    server.use(
      http.get(API('/orders/AG-1001/'), () => HttpResponse.json(order)),
      http.get(API('/orders/AG-1001/returns/'), () =>
        HttpResponse.json({ returnable: [], returns: [] }),
      ),
    );
    renderDetail();
    const lumen = await screen.findByRole('region', { name: 'Shipment from Lumen Works' });
    expect(lumen).toHaveTextContent('Lumen Courier · €6.50');
    expect(lumen).toHaveTextContent('1–2 days after dispatch');
    const parcels = within(lumen).getByRole('list', { name: 'Parcels from Lumen Works' });
    const [first, second] = within(parcels).getAllByRole('listitem');
    expect(first).toHaveTextContent('DHL · tracking number DHL-111');
    expect(first).toHaveTextContent('2 × Desk Lamp — Black');
    expect(
      within(first as HTMLElement).getByRole('link', { name: 'Track parcel 1' }),
    ).toHaveAttribute('href', 'https://track.example.com/DHL-111');
    expect(second).toHaveTextContent('UPS · tracking number UPS-222');
    expect(second).toHaveTextContent('1 × Lamp Shade — Linen');
    // a tracking "link" that is not a web address is not a link
    expect(within(second as HTMLElement).queryByRole('link')).not.toBeInTheDocument();

    const kiln = screen.getByRole('region', { name: 'Shipment from Kiln & Co' });
    expect(kiln).toHaveTextContent('Kiln Parcel · Free');
    expect(kiln).toHaveTextContent('1 cancelled by the seller · 1 to ship');

    const totals = screen.getByLabelText('Order totals');
    expect(totals).toHaveTextContent(/Total€81\.50/);
    expect(totals).toHaveTextContent(/Refunded€10\.00/);
    expect(screen.getByText('Status').nextElementSibling).toHaveTextContent('Partially refunded');
    // shipped: no whole-order cancellation (the server says so)
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();
    expect(
      await screen.findByText('Nothing from this order can be returned any more.'),
    ).toBeInTheDocument();
  });

  it('returns chosen units with a reason, then disputes the vendor’s rejection', async () => {
    let returns: ReturnType<typeof returnOf>[] = [];
    let left = returnable;
    const posted: unknown[] = [];
    const disputes: unknown[] = [];
    server.use(
      http.get(API('/orders/AG-1001/'), () => HttpResponse.json(order)),
      http.get(API('/orders/AG-1001/returns/'), () =>
        HttpResponse.json({ returnable: left, returns }),
      ),
      http.post(API('/orders/AG-1001/returns/'), async ({ request }) => {
        const body = (await request.json()) as { lines: { line: number; quantity: number }[] };
        posted.push(body);
        if (posted.length === 1) {
          return apiError(400, 'validation_error', 'Some fields are invalid.', {
            lines: { '101': ['Only 1 of this line can still be returned.'] },
          });
        }
        returns = [returnOf()];
        left = returnable.map((line) => (line.line_id === 101 ? { ...line, quantity: 1 } : line));
        return HttpResponse.json(returns[0], { status: 201 });
      }),
      http.post(API('/orders/AG-1001/returns/7/dispute/'), async ({ request }) => {
        disputes.push(await request.json());
        returns = [returnOf({ status: 'disputed', dispute_reason: 'It flickers.' })];
        return HttpResponse.json(returns[0]);
      }),
    );
    const user = userEvent.setup();
    const view = renderDetail();
    expect(await screen.findByText(/You can return shipped items until/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Return items' }));
    const form = screen.getByRole('form', { name: 'Return items' });
    expect(form).toHaveTextContent('Items from Lumen Works');

    await user.click(within(form).getByRole('button', { name: 'Request return' }));
    expect(within(form).getByText('Choose at least one item to return.')).toBeInTheDocument();
    expect(within(form).getByLabelText(/^Why are you returning them/)).toHaveAccessibleDescription(
      /Tell the seller why\./,
    );
    expect(posted).toHaveLength(0);

    const lampQty = within(form).getByLabelText(/^Desk Lamp — Black/);
    await user.clear(lampQty);
    await user.type(lampQty, '5'); // more than was shipped: capped at 2
    expect(lampQty).toHaveValue(2);
    await user.type(within(form).getByLabelText(/^Why are you returning them/), 'Too bright.');
    await user.click(within(form).getByRole('button', { name: 'Request return' }));
    await waitFor(() =>
      expect(lampQty).toHaveAccessibleDescription('Only 1 of this line can still be returned.'),
    );
    await user.clear(lampQty);
    await user.type(lampQty, '1');
    await user.click(within(form).getByRole('button', { name: 'Request return' }));
    expect(await screen.findByText(/Your return request went to Lumen Works/)).toBeInTheDocument();
    expect(posted[1]).toEqual({
      vendor_order: 1,
      lines: [{ line: 101, quantity: 1 }],
      reason: 'Too bright.',
    });
    const item = await screen.findByRole('listitem', { name: 'Return 7' });
    expect(item).toHaveTextContent('Waiting for Lumen Works to answer.');
    expect(within(item).queryByRole('button', { name: 'Dispute this decision' })).toBeNull();

    // the vendor rejects it: the server now allows the shopper to dispute
    returns = [returnOf({ status: 'rejected', vendor_note: 'Used.', actions: ['dispute'] })];
    view.unmount();
    renderDetail();
    await screen.findByText('Lumen Works declined this return.');
    const rejected = screen.getByRole('listitem', { name: 'Return 7' });
    expect(rejected).toHaveTextContent('Lumen Works: Used.');
    await user.click(within(rejected).getByRole('button', { name: 'Dispute this decision' }));
    const dispute = within(rejected).getByRole('form', { name: 'Dispute return 7' });
    await user.type(within(dispute).getByLabelText(/^Why do you disagree/), 'It flickers.');
    await user.click(within(dispute).getByRole('button', { name: 'Send to staff' }));
    await waitFor(() => expect(disputes).toEqual([{ reason: 'It flickers.' }]));
    expect(await screen.findAllByText('Disputed')).not.toHaveLength(0);
  });

  it('opens a guest’s order with the token kept at checkout', async () => {
    orderTokens.remember('AG-1001', 'guest-order-token');
    const seen: (string | null)[] = [];
    server.use(
      http.get(API('/orders/AG-1001/'), ({ request }) => {
        seen.push(request.headers.get('X-Order-Token'));
        return HttpResponse.json(order);
      }),
      http.get(API('/orders/AG-1001/returns/'), ({ request }) => {
        seen.push(request.headers.get('X-Order-Token'));
        return HttpResponse.json({ returnable, returns: [] });
      }),
    );
    renderWithProviders(<OrderPage />, { route: '/orders/AG-1001', path: '/orders/:number' });
    expect(await screen.findByRole('heading', { name: 'Order AG-1001' })).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Return items' })).toBeInTheDocument();
    expect(seen).toEqual(['guest-order-token', 'guest-order-token']);
  });

  it('tells a guest without the token where the order can be opened', async () => {
    server.use(http.get(API('/orders/AG-2002/'), () => apiError(404, 'not_found', 'Not found.')));
    renderWithProviders(<OrderPage />, { route: '/orders/AG-2002', path: '/orders/:number' });
    expect(await screen.findByText(/Open it in the browser you ordered with/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'sign in' })).toHaveAttribute('href', '/login');
  });
});
