import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Route, useNavigate } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { queryKeys } from '@/lib/query-keys';
import { server } from '@/test/server';
import { API, apiError, createTestQueryClient, paginated, renderWithProviders } from '@/test/utils';
import { AddressesPage } from './components/AddressesPage';
import { OrderConfirmationPage, OrderDetailPage, OrdersPage } from './components/OrderPages';

const order = {
  number: 'A-1001',
  status: 'paid',
  email: 'buyer@example.com',
  created_at: '2024-03-01T10:00:00Z',
  subtotal: '20.00',
  shipping: '4.90',
  total: '24.90',
  currency: 'EUR',
  vendor_orders: [
    {
      id: 1,
      vendor: { slug: 'lumen', name: 'Lumen Works' },
      status: 'processing',
      lines: [
        {
          id: 1,
          product_name: 'Desk Lamp',
          variant_name: 'Black',
          quantity: 2,
          line_total: '20.00',
        },
      ],
    },
  ],
  payment: { status: 'captured' },
  can_cancel: true,
};

describe('orders', () => {
  it('lists orders and links to the detail', async () => {
    server.use(http.get(API('/orders/'), () => HttpResponse.json(paginated([order]))));
    renderWithProviders(<OrdersPage />);
    expect(await screen.findByRole('link', { name: 'Order A-1001' })).toHaveAttribute(
      'href',
      '/account/orders/A-1001',
    );
    expect(screen.getByText('Paid')).toBeInTheDocument();
  });

  it('pages by the size the API pages by, also on a last page that is not full', async () => {
    server.use(http.get(API('/orders/'), () => HttpResponse.json(paginated([order], 21))));
    renderWithProviders(<OrdersPage />, { route: '/account?page=2' });
    const pages = await screen.findByRole('navigation', { name: 'Pagination' });
    expect(within(pages).getByRole('link', { name: /Previous/ })).toBeInTheDocument();
    expect(within(pages).queryByRole('link', { name: /Next/ })).not.toBeInTheDocument();
    expect(within(pages).queryByRole('link', { name: '3' })).not.toBeInTheDocument();
  });

  it('shows an empty state without orders', async () => {
    server.use(http.get(API('/orders/'), () => HttpResponse.json(paginated([]))));
    renderWithProviders(<OrdersPage />);
    expect(await screen.findByText('No orders yet')).toBeInTheDocument();
  });

  it('shows one order split by vendor and can cancel it', async () => {
    let current = order;
    server.use(
      http.get(API('/orders/A-1001/'), () => HttpResponse.json(current)),
      http.post(API('/orders/A-1001/cancel/'), () => {
        current = { ...order, status: 'cancelled', can_cancel: false };
        return HttpResponse.json(current);
      }),
      http.get(API('/orders/'), () => HttpResponse.json(paginated([current]))),
    );
    const user = userEvent.setup();
    renderWithProviders(<OrderDetailPage />, {
      route: '/account/orders/A-1001',
      path: '/account/orders/:number',
    });
    const shipment = await screen.findByRole('region', { name: 'Shipment from Lumen Works' });
    expect(within(shipment).getByText('Desk Lamp — Black')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Cancel order' }));
    expect(await screen.findByText('Cancelled')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();
  });

  it('confirms from the cached checkout answer without refetching', async () => {
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(queryKeys.order('A-1001'), order);
    renderWithProviders(<OrderConfirmationPage />, {
      route: '/checkout/confirmation/A-1001',
      path: '/checkout/confirmation/:number',
      queryClient,
    });
    expect(screen.getByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Order A-1001 is placed');
    // Opened again later (a reload, a link), the page leaves focus alone.
    expect(screen.getByRole('heading', { name: 'Thank you for your order' })).not.toHaveFocus();
  });

  it('moves focus to the thanks when checkout lands on it, so a screen reader hears it', async () => {
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(queryKeys.order('A-1001'), order);
    function PlaceOrder() {
      const navigate = useNavigate();
      return (
        <button
          type="button"
          onClick={() => navigate('/checkout/confirmation/A-1001', { state: { placed: true } })}
        >
          Place order
        </button>
      );
    }
    const user = userEvent.setup();
    renderWithProviders(<PlaceOrder />, {
      route: '/checkout',
      path: '/checkout',
      queryClient,
      extraRoutes: (
        <Route path="/checkout/confirmation/:number" element={<OrderConfirmationPage />} />
      ),
    });
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    const heading = await screen.findByRole('heading', { name: 'Thank you for your order' });
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it('still confirms a guest order the API will not show again', async () => {
    server.use(http.get(API('/orders/G-1/'), () => apiError(404, 'not_found', 'Not found.')));
    renderWithProviders(<OrderConfirmationPage />, {
      route: '/checkout/confirmation/G-1',
      path: '/checkout/confirmation/:number',
    });
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Order G-1 is placed'),
    );
  });
});

describe('addresses', () => {
  it('adds, edits and deletes saved addresses', async () => {
    let addresses = [
      {
        id: 1,
        full_name: 'Ada',
        line1: 'Main 1',
        city: 'Berlin',
        postal_code: '10115',
        country: 'DE',
      },
    ];
    const writes: unknown[] = [];
    server.use(
      http.get(API('/me/addresses/'), () => HttpResponse.json(paginated(addresses))),
      http.post(API('/me/addresses/'), async ({ request }) => {
        const body = (await request.json()) as Record<string, string>;
        writes.push(body);
        if (body.postal_code === '0')
          return apiError(400, 'validation_error', 'Invalid.', {
            postal_code: ['Invalid postal code.'],
          });
        addresses = [...addresses, { id: 2, ...body } as (typeof addresses)[number]];
        return HttpResponse.json(addresses[1], { status: 201 });
      }),
      http.patch(API('/me/addresses/1/'), async ({ request }) => {
        const body = (await request.json()) as Record<string, string>;
        addresses = addresses.map((a) => (a.id === 1 ? { ...a, ...body } : a));
        return HttpResponse.json(addresses[0]);
      }),
      http.delete(API('/me/addresses/2/'), () => {
        addresses = addresses.filter((a) => a.id !== 2);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup();
    renderWithProviders(<AddressesPage />);
    expect(await screen.findByText(/Main 1/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add address' }));
    const form = screen.getByRole('form', { name: 'New address' });
    await user.click(within(form).getByRole('button', { name: 'Save address' }));
    expect(within(form).getByLabelText(/^Full name/)).toHaveAccessibleDescription(
      'Enter the full name.',
    );
    await user.type(within(form).getByLabelText(/^Full name/), 'Bob');
    await user.type(within(form).getByLabelText(/^Address line 1/), 'Side 2');
    await user.type(within(form).getByLabelText(/^Postal code/), '0');
    await user.type(within(form).getByLabelText(/^City/), 'Hamburg');
    await user.click(within(form).getByRole('button', { name: 'Save address' }));
    await waitFor(() =>
      expect(within(form).getByLabelText(/^Postal code/)).toHaveAccessibleDescription(
        'Invalid postal code.',
      ),
    );
    await user.clear(within(form).getByLabelText(/^Postal code/));
    await user.type(within(form).getByLabelText(/^Postal code/), '20095');
    await user.click(within(form).getByRole('button', { name: 'Save address' }));
    expect(await screen.findByText(/Side 2/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Edit address of Ada, Main 1' }));
    const edit = screen.getByRole('form', { name: 'Edit address' });
    await user.clear(within(edit).getByLabelText(/^City/));
    await user.type(within(edit).getByLabelText(/^City/), 'Potsdam');
    await user.click(within(edit).getByRole('button', { name: 'Save address' }));
    expect(await screen.findByText(/10115 Potsdam/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete address of Bob, Side 2' }));
    await waitFor(() => expect(screen.queryByText(/Side 2/)).not.toBeInTheDocument());
    expect(writes).toHaveLength(2);
  });

  it('shows every saved address, however many pages the list takes', async () => {
    const saved = Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      full_name: 'Ada',
      line1: `Street ${i + 1}`,
      city: 'Berlin',
      postal_code: '10115',
      country: 'DE',
      is_default: i === 0,
    }));
    const asked: string[] = [];
    server.use(
      // As the API pages it: ?page=N, ?page_size= up to 100 (20 when not given).
      http.get(API('/me/addresses/'), ({ request }) => {
        const url = new URL(request.url);
        asked.push(url.search);
        const page = Number(url.searchParams.get('page') ?? '1');
        const size = Math.min(Number(url.searchParams.get('page_size') ?? '20'), 100);
        const next =
          page * size < saved.length ? `${url.origin}${url.pathname}?page=${page + 1}` : null;
        return HttpResponse.json({
          count: saved.length,
          next,
          previous: null,
          results: saved.slice((page - 1) * size, page * size),
        });
      }),
    );
    renderWithProviders(<AddressesPage />);
    const list = await screen.findByRole('list', { name: 'Saved addresses' });
    for (const line1 of ['Street 1', 'Street 101', 'Street 120'])
      expect(
        within(list).getByRole('button', { name: `Edit address of Ada, ${line1}` }),
      ).toBeInTheDocument();
    expect(within(list).getAllByRole('listitem')).toHaveLength(120);
    expect(asked).toEqual(['?page=1&page_size=100', '?page=2&page_size=100']);
  });
});
