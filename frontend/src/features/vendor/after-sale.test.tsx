import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { Schema } from '@/lib/types';
import { server } from '@/test/server';
import { API, apiError, paginated, renderWithProviders } from '@/test/utils';
import { VendorPortal } from './components/VendorPortal';

const approved: Schema<'VendorSummary'> = {
  slug: 'lumen',
  name: 'Lumen Works',
  status: 'approved',
  role: 'owner',
};

function renderPortal(route: string) {
  return renderWithProviders(
    <VendorPortal vendor={approved} email="v@example.com" categories={[]} />,
    { route, path: '/vendor/*' },
  );
}

type Line = {
  id: number;
  product_name: string;
  variant_name: string;
  quantity: number;
  quantity_cancelled: number;
  quantity_shipped: number;
  unit_price: string;
};

function subOrder(overrides: Record<string, unknown> = {}, lines?: Line[]) {
  return {
    id: 5,
    order_number: 'AG-1001',
    order_status: 'processing',
    order_refunded_total: '0.00',
    status: 'processing',
    created_at: '2026-03-01T10:00:00Z',
    currency: 'EUR',
    subtotal: '55.00',
    commission: '5.50',
    shipping: '6.50',
    shipping_method: 'Lumen Courier',
    ship_by: '2026-03-03T10:00:00Z',
    is_late: false,
    cancel_reason: '',
    parcels: [],
    shipping_address: { full_name: 'Ada Buyer', city: 'Berlin', country: 'DE' },
    lines: lines ?? [
      {
        id: 101,
        product_name: 'Desk Lamp',
        variant_name: 'Black',
        quantity: 2,
        quantity_cancelled: 0,
        quantity_shipped: 0,
        unit_price: '20.00',
      },
      {
        id: 102,
        product_name: 'Lamp Shade',
        variant_name: 'Linen',
        quantity: 1,
        quantity_cancelled: 0,
        quantity_shipped: 0,
        unit_price: '15.00',
      },
    ],
    ...overrides,
  };
}

describe('vendor orders: parcels and cancellations', () => {
  it('ships a parcel of chosen quantities with carrier and tracking, flagging a late order', async () => {
    let current = subOrder({ is_late: true });
    const parcels: unknown[] = [];
    server.use(
      http.get(API('/vendor/orders/'), () => HttpResponse.json(paginated([current]))),
      http.post(API('/vendor/orders/5/parcels/'), async ({ request }) => {
        const body = await request.json();
        parcels.push(body);
        current = subOrder({
          parcels: [
            {
              id: 31,
              carrier: 'DHL',
              tracking_number: 'DHL-1',
              tracking_url: 'https://track.example.com/DHL-1',
              shipped_at: '2026-03-04T10:00:00Z',
              lines: [
                { line_id: 101, quantity: 1 },
                { line_id: 102, quantity: 1 },
              ],
            },
          ],
          lines: current.lines.map((line) => ({ ...line, quantity_shipped: 1 })),
        });
        return HttpResponse.json(current, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/orders');
    const item = await screen.findByRole('listitem', { name: 'Order AG-1001' });
    expect(within(item).getByText('Late')).toHaveClass('badge--late');
    expect(item).toHaveTextContent(/Past its handling time: it should have shipped by/);
    expect(item).toHaveTextContent('Lumen Courier · €6.50');

    await user.click(within(item).getByRole('button', { name: 'Ship a parcel' }));
    const form = within(item).getByRole('form', { name: 'Ship a parcel of order AG-1001' });
    // by default the parcel holds all that is left
    const lamps = within(form).getByRole('spinbutton', {
      name: 'Units in the parcel of Desk Lamp (Black)',
    });
    expect(lamps).toHaveValue(2);
    expect(
      within(form).getByRole('spinbutton', { name: 'Units in the parcel of Lamp Shade (Linen)' }),
    ).toHaveValue(1);
    await user.clear(lamps);
    await user.type(lamps, '1');
    await user.type(within(form).getByLabelText('Carrier'), 'DHL');
    await user.type(within(form).getByLabelText('Tracking number'), 'DHL-1');
    await user.type(within(form).getByLabelText('Tracking link'), 'track.example.com');
    await user.click(within(form).getByRole('button', { name: 'Ship parcel' }));
    expect(within(form).getByLabelText('Tracking link')).toHaveAccessibleDescription(
      /starting with https:\/\//,
    );
    expect(parcels).toHaveLength(0);
    await user.clear(within(form).getByLabelText('Tracking link'));
    await user.type(
      within(form).getByLabelText('Tracking link'),
      'https://track.example.com/DHL-1',
    );
    await user.click(within(form).getByRole('button', { name: 'Ship parcel' }));
    expect(await within(item).findByText('Parcel shipped. The rest is open.')).toBeInTheDocument();
    expect(parcels[0]).toEqual({
      lines: [
        { line: 101, quantity: 1 },
        { line: 102, quantity: 1 },
      ],
      carrier: 'DHL',
      tracking_number: 'DHL-1',
      tracking_url: 'https://track.example.com/DHL-1',
    });
    const shipped = await within(item).findByRole('list', { name: 'Parcels of order AG-1001' });
    expect(shipped).toHaveTextContent('DHL · DHL-1');
    expect(within(shipped).getByRole('link', { name: 'tracking link' })).toHaveAttribute(
      'href',
      'https://track.example.com/DHL-1',
    );
    expect(item).toHaveTextContent('2 × Desk Lamp (Black) — 1 shipped, 1 to ship');
  });

  it('cancels lines with a required reason; the refund shows on the order', async () => {
    let current = subOrder({ status: 'pending', order_status: 'paid' });
    const cancels: unknown[] = [];
    server.use(
      http.get(API('/vendor/orders/'), () => HttpResponse.json(paginated([current]))),
      http.post(API('/vendor/orders/5/cancel-lines/'), async ({ request }) => {
        const body = await request.json();
        cancels.push(body);
        if (cancels.length === 1) {
          return apiError(400, 'validation_error', 'Some fields are invalid.', {
            lines: { '102': ['More than is left to ship of this line (0).'] },
          });
        }
        current = subOrder(
          { status: 'pending', order_status: 'partially_refunded', order_refunded_total: '15.00' },
          current.lines.map((line) =>
            line.id === 102 ? { ...line, quantity_cancelled: 1 } : line,
          ),
        );
        return HttpResponse.json(current);
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/orders');
    const item = await screen.findByRole('listitem', { name: 'Order AG-1001' });
    // not confirmed yet: it cannot ship, but the vendor may cancel what it cannot send
    expect(within(item).queryByRole('button', { name: 'Ship a parcel' })).not.toBeInTheDocument();
    await user.click(within(item).getByRole('button', { name: 'Cancel lines' }));
    const form = within(item).getByRole('form', { name: 'Cancel lines of order AG-1001' });
    await user.click(within(form).getByRole('button', { name: 'Cancel these items' }));
    expect(within(form).getByText('Choose what you cannot ship.')).toBeInTheDocument();
    expect(within(form).getByLabelText(/^Reason/)).toHaveAccessibleDescription(
      /Say why: the shopper reads it\./,
    );
    expect(cancels).toHaveLength(0);

    const shades = within(form).getByRole('spinbutton', {
      name: 'Units to cancel of Lamp Shade (Linen)',
    });
    await user.clear(shades);
    await user.type(shades, '1');
    await user.type(within(form).getByLabelText(/^Reason/), 'Out of stock.');
    await user.click(within(form).getByRole('button', { name: 'Cancel these items' }));
    await waitFor(() =>
      expect(shades).toHaveAccessibleDescription('More than is left to ship of this line (0).'),
    );
    await user.click(within(form).getByRole('button', { name: 'Cancel these items' }));
    expect(
      await within(item).findByText('Cancelled: the shopper is refunded and told why.'),
    ).toBeInTheDocument();
    expect(cancels[1]).toEqual({ lines: [{ line: 102, quantity: 1 }], reason: 'Out of stock.' });
    await waitFor(() => expect(item).toHaveTextContent('Refunded on the order€15.00'));
    expect(item).toHaveTextContent('1 × Lamp Shade (Linen) — 1 cancelled');
  });

  it('offers nothing on a shipped sub-order and lists its parcels', async () => {
    server.use(
      http.get(API('/vendor/orders/'), () =>
        HttpResponse.json(
          paginated([
            subOrder(
              {
                status: 'shipped',
                parcels: [
                  {
                    id: 1,
                    carrier: 'UPS',
                    tracking_number: 'UPS-9',
                    tracking_url: '',
                    shipped_at: '2026-03-02T10:00:00Z',
                    lines: [{ line_id: 101, quantity: 1 }],
                  },
                ],
              },
              [
                {
                  id: 101,
                  product_name: 'Desk Lamp',
                  variant_name: 'Black',
                  quantity: 1,
                  quantity_cancelled: 0,
                  quantity_shipped: 1,
                  unit_price: '20.00',
                },
              ],
            ),
          ]),
        ),
      ),
    );
    renderPortal('/vendor/orders');
    const item = await screen.findByRole('listitem', { name: 'Order AG-1001' });
    expect(within(item).getByRole('list', { name: 'Parcels of order AG-1001' })).toHaveTextContent(
      'UPS · UPS-9',
    );
    expect(within(item).queryByRole('button')).not.toBeInTheDocument();
  });
});

const method = (overrides: Record<string, unknown> = {}) => ({
  id: 1,
  code: 'courier',
  name: 'Lumen Courier',
  price: '6.50',
  currency: 'EUR',
  countries: ['AT', 'DE'],
  free_above: '100.00',
  delivery_days_min: 1,
  delivery_days_max: 2,
  is_active: true,
  position: 0,
  ...overrides,
});

describe('vendor shipping page', () => {
  it('adds, edits, deactivates and deletes its own methods', async () => {
    let methods = [method()];
    const writes: { method: string; url: string; body: unknown }[] = [];
    const record = async (request: Request) => {
      const body = request.method === 'DELETE' ? null : await request.json();
      writes.push({ method: request.method, url: new URL(request.url).pathname, body });
      return body as Record<string, unknown>;
    };
    server.use(
      http.get(API('/vendor/shipping-methods/'), () => HttpResponse.json(methods)),
      http.get(API('/vendor/policies/'), () =>
        HttpResponse.json({
          slug: 'lumen',
          name: 'Lumen',
          handling_days: 2,
          return_window_days: 14,
        }),
      ),
      http.post(API('/vendor/shipping-methods/'), async ({ request }) => {
        const body = await record(request);
        if (body.code === 'courier') {
          return apiError(400, 'validation_error', 'Some fields are invalid.', {
            code: ['You already have a shipping method with this code.'],
          });
        }
        methods = [...methods, method({ ...body, id: 2 })];
        return HttpResponse.json(methods[1], { status: 201 });
      }),
      http.patch(API('/vendor/shipping-methods/:id/'), async ({ request, params }) => {
        const body = await record(request);
        methods = methods.map((m) => (m.id === Number(params.id) ? { ...m, ...body } : m));
        return HttpResponse.json(methods.find((m) => m.id === Number(params.id)));
      }),
      http.delete(API('/vendor/shipping-methods/:id/'), async ({ request, params }) => {
        await record(request);
        methods = methods.filter((m) => m.id !== Number(params.id));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/shipping');
    const courier = await screen.findByRole('listitem', { name: 'Lumen Courier' });
    expect(courier).toHaveTextContent('courier · €6.50, free from €100.00 · 1–2 days');
    expect(courier).toHaveTextContent('ships to AT, DE');

    await user.click(screen.getByRole('button', { name: 'New method' }));
    const form = screen.getByRole('form', { name: 'New shipping method' });
    await user.type(within(form).getByLabelText(/^Name/), 'Lumen Pallet');
    await user.type(within(form).getByLabelText(/^Code/), 'courier');
    await user.type(within(form).getByLabelText(/^Price/), '4,5');
    await user.type(within(form).getByLabelText(/^Ships to/), 'de, Austria');
    const longest = within(form).getByLabelText(/^Delivery up to/);
    await user.clear(longest);
    await user.type(longest, '1');
    await user.click(within(form).getByRole('button', { name: 'Add method' }));
    expect(within(form).getByLabelText(/^Price/)).toHaveAccessibleDescription(
      'Enter a price like 4.90.',
    );
    expect(within(form).getByLabelText(/^Ships to/)).toHaveAccessibleDescription(
      /Use two-letter country codes/,
    );
    expect(longest).toHaveAccessibleDescription(
      'The longest delivery time cannot be shorter than the shortest.',
    );
    expect(writes).toHaveLength(0);

    await user.clear(within(form).getByLabelText(/^Price/));
    await user.type(within(form).getByLabelText(/^Price/), '4.50');
    await user.clear(within(form).getByLabelText(/^Ships to/));
    await user.type(within(form).getByLabelText(/^Ships to/), 'de, at fr');
    await user.clear(longest);
    await user.type(longest, '7');
    await user.click(within(form).getByRole('button', { name: 'Add method' }));
    await waitFor(() =>
      expect(within(form).getByLabelText(/^Code/)).toHaveAccessibleDescription(
        /You already have a shipping method with this code\./,
      ),
    );
    await user.clear(within(form).getByLabelText(/^Code/));
    await user.type(within(form).getByLabelText(/^Code/), 'pallet');
    await user.click(within(form).getByRole('button', { name: 'Add method' }));
    expect(await screen.findByRole('listitem', { name: 'Lumen Pallet' })).toBeInTheDocument();
    expect(writes[1]).toEqual({
      method: 'POST',
      url: '/api/v1/vendor/shipping-methods/',
      body: {
        code: 'pallet',
        name: 'Lumen Pallet',
        price: '4.50',
        free_above: null,
        countries: ['DE', 'AT', 'FR'],
        delivery_days_min: 2,
        delivery_days_max: 7,
        position: 0,
        is_active: true,
      },
    });

    await user.click(within(courier).getByRole('button', { name: 'Edit' }));
    const edit = screen.getByRole('form', { name: 'Edit Lumen Courier' });
    await user.clear(within(edit).getByLabelText(/^Price/));
    await user.type(within(edit).getByLabelText(/^Price/), '7.00');
    await user.click(within(edit).getByRole('button', { name: 'Save method' }));
    const edited = await screen.findByRole('listitem', { name: 'Lumen Courier' });
    expect(edited).toHaveTextContent('€7.00');
    expect(writes[2]).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/vendor/shipping-methods/1/',
      body: { price: '7.00', countries: ['AT', 'DE'], free_above: '100.00' },
    });

    await user.click(within(edited).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(edited).toHaveTextContent('Inactive'));
    expect(writes[3]).toEqual({
      method: 'PATCH',
      url: '/api/v1/vendor/shipping-methods/1/',
      body: { is_active: false },
    });

    await user.click(within(edited).getByRole('button', { name: 'Delete' }));
    await user.click(within(edited).getByRole('button', { name: 'Delete Lumen Courier for good' }));
    await waitFor(() =>
      expect(screen.queryByRole('listitem', { name: 'Lumen Courier' })).not.toBeInTheDocument(),
    );
    expect(writes[4]).toMatchObject({
      method: 'DELETE',
      url: '/api/v1/vendor/shipping-methods/1/',
    });
  });

  it('says which platform methods shoppers see while it has no active method of its own', async () => {
    server.use(
      http.get(API('/vendor/shipping-methods/'), () =>
        HttpResponse.json([method({ is_active: false })]),
      ),
      http.get(API('/shipping-methods/'), () =>
        HttpResponse.json([
          { code: 'standard', name: 'Standard', price: '4.90', currency: 'EUR', free_above: null },
          { code: 'express', name: 'Express', price: '9.90', currency: 'EUR', free_above: null },
        ]),
      ),
      http.get(API('/vendor/policies/'), () =>
        HttpResponse.json({
          slug: 'lumen',
          name: 'Lumen',
          handling_days: 2,
          return_window_days: 14,
        }),
      ),
    );
    renderPortal('/vendor/shipping');
    const note = await screen.findByText(/so shoppers see the platform's/);
    await waitFor(() => expect(note).toHaveTextContent('Standard €4.90, Express €9.90'));
  });

  it('keeps the return window at the legal minimum or longer', async () => {
    const patches: unknown[] = [];
    server.use(
      http.get(API('/vendor/shipping-methods/'), () => HttpResponse.json([method()])),
      http.get(API('/vendor/policies/'), () =>
        HttpResponse.json({
          slug: 'lumen',
          name: 'Lumen',
          handling_days: 2,
          return_window_days: 14,
        }),
      ),
      http.patch(API('/vendor/policies/'), async ({ request }) => {
        const body = (await request.json()) as Record<string, number>;
        patches.push(body);
        return HttpResponse.json({ slug: 'lumen', name: 'Lumen', ...body });
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/shipping');
    const window = await screen.findByLabelText(/^Return window/);
    expect(window).toHaveValue(14);
    await user.clear(window);
    await user.type(window, '10');
    await user.click(screen.getByRole('button', { name: 'Save policies' }));
    expect(window).toHaveAccessibleDescription(/At least the legal 14 days\./);
    await user.clear(window);
    await user.type(window, '30');
    await user.clear(screen.getByLabelText(/^Handling time/));
    await user.type(screen.getByLabelText(/^Handling time/), '3');
    await user.click(screen.getByRole('button', { name: 'Save policies' }));
    expect(await screen.findByText('Policies saved.')).toBeInTheDocument();
    expect(patches).toEqual([{ handling_days: 3, return_window_days: 30 }]);
  });
});

function vendorReturn(overrides: Record<string, unknown> = {}) {
  return {
    id: 7,
    order_number: 'AG-1001',
    vendor: { slug: 'lumen', name: 'Lumen Works' },
    vendor_order_id: 5,
    status: 'requested',
    reason: 'Too bright.',
    vendor_note: '',
    dispute_reason: '',
    staff_note: '',
    lines: [{ line_id: 101, name: 'Desk Lamp — Black', quantity: 2, unit_price: '20.00' }],
    refund: null,
    restocked: false,
    created_at: '2026-03-04T10:00:00Z',
    refunded_at: null,
    actions: ['approve', 'reject'],
    ...overrides,
  };
}

describe('vendor returns page', () => {
  it('filters by status and shows only the actions the server allows', async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get(API('/vendor/returns/'), ({ request }) => {
        const status = new URL(request.url).searchParams.get('status');
        asked.push(status);
        return HttpResponse.json(
          paginated(
            status === 'disputed'
              ? [vendorReturn({ id: 9, status: 'disputed', actions: [], dispute_reason: 'No!' })]
              : [vendorReturn()],
          ),
        );
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/returns');
    const item = await screen.findByRole('listitem', { name: 'Return 7' });
    expect(within(item).getByRole('button', { name: 'Approve return' })).toBeInTheDocument();
    expect(within(item).getByRole('button', { name: 'Reject' })).toBeInTheDocument();
    expect(within(item).queryByRole('button', { name: /refund/ })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Show'), 'disputed');
    const disputed = await screen.findByRole('listitem', { name: 'Return 9' });
    expect(disputed).toHaveTextContent("Shopper's dispute: No!");
    expect(disputed).toHaveTextContent('Our staff decide disputed returns');
    expect(within(disputed).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/vendor/returns?status=disputed');
    expect(asked).toEqual([null, 'disputed']);
  });

  it('approves, rejects with a note, and refunds on receipt with an amount and restock', async () => {
    let returns = [vendorReturn(), vendorReturn({ id: 8 })];
    const posts: { url: string; body: unknown }[] = [];
    server.use(
      http.get(API('/vendor/returns/'), () => HttpResponse.json(paginated(returns))),
      http.post(API('/vendor/returns/:id/:action/'), async ({ request, params }) => {
        const text = await request.text();
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
        posts.push({ url: new URL(request.url).pathname, body });
        const id = Number(params.id);
        const next =
          params.action === 'approve'
            ? { status: 'approved', actions: ['refund'] }
            : params.action === 'reject'
              ? { status: 'rejected', actions: [], vendor_note: body?.note }
              : {
                  status: 'refunded',
                  actions: [],
                  restocked: body?.restock,
                  refund: { amount: body?.amount ?? '40.00', currency: 'EUR', status: 'succeeded' },
                };
        returns = returns.map((r) => (r.id === id ? { ...r, ...next } : r)) as typeof returns;
        return HttpResponse.json(returns.find((r) => r.id === id));
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/returns');
    const seven = await screen.findByRole('listitem', { name: 'Return 7' });
    const eight = screen.getByRole('listitem', { name: 'Return 8' });

    await user.click(within(eight).getByRole('button', { name: 'Reject' }));
    const reject = within(eight).getByRole('form', { name: 'Reject return 8' });
    await user.click(within(reject).getByRole('button', { name: 'Reject return' }));
    expect(within(reject).getByLabelText(/^Why do you reject it/)).toHaveAccessibleDescription(
      /Say why you reject it/,
    );
    await user.type(within(reject).getByLabelText(/^Why do you reject it/), 'Worn.');
    await user.click(within(reject).getByRole('button', { name: 'Reject return' }));
    await waitFor(() => expect(eight).toHaveTextContent('Your note: Worn.'));

    await user.click(within(seven).getByRole('button', { name: 'Approve return' }));
    await user.click(await within(seven).findByRole('button', { name: 'Items received: refund' }));
    const refund = within(seven).getByRole('form', { name: 'Refund return 7' });
    expect(within(refund).getByLabelText('Amount to refund')).toHaveAccessibleDescription(
      /full value, €40\.00/,
    );
    await user.type(within(refund).getByLabelText('Amount to refund'), 'all');
    await user.click(within(refund).getByRole('button', { name: 'Refund' }));
    expect(within(refund).getByLabelText('Amount to refund')).toHaveAccessibleDescription(
      /Enter an amount like 12\.50, or leave it empty\.$/,
    );
    await user.clear(within(refund).getByLabelText('Amount to refund'));
    await user.type(within(refund).getByLabelText('Amount to refund'), '30.00');
    await user.click(within(refund).getByLabelText(/restock/));
    await user.click(within(refund).getByRole('button', { name: 'Refund' }));
    await waitFor(() => expect(seven).toHaveTextContent('Refunded €30.00 · restocked'));

    expect(posts).toEqual([
      { url: '/api/v1/vendor/returns/8/reject/', body: { note: 'Worn.' } },
      { url: '/api/v1/vendor/returns/7/approve/', body: {} },
      { url: '/api/v1/vendor/returns/7/refund/', body: { amount: '30.00', restock: true } },
    ]);
  });
});
