import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schema } from '@/lib/types';
import type { SubOrder } from './api/vendor';
import { queryKeys } from '@/lib/query-keys';
import { server } from '@/test/server';
import { API, apiError, paginated, recordPosts, renderWithProviders } from '@/test/utils';
import { VendorPortal } from './components/VendorPortal';

const approved: Schema<'VendorSummary'> = {
  slug: 'lumen',
  name: 'Lumen Works',
  status: 'approved',
  role: 'owner',
};
const categories = [
  { slug: 'home', label: 'Home' },
  { slug: 'lighting', label: '— Lighting' },
];

const vendorProduct = {
  id: 42,
  slug: 'desk-lamp',
  name: 'Desk Lamp',
  description: 'Warm.',
  category: 'lighting',
  status: 'rejected',
  rejection_reason: 'Photos are blurry.',
  attributes: {},
  variants: [{ id: 100, sku: 'LAMP-1', name: 'Black', price: '29.00', currency: 'EUR', stock: 4 }],
  images: [],
  price_from: '29.00',
  currency: 'EUR',
  in_stock: true,
  actions: ['edit', 'add_image', 'submit', 'delete'],
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-02T00:00:00Z',
} satisfies Schema<'VendorProduct'>;

function renderPortal(route: string, vendor: typeof approved | null = approved) {
  return renderWithProviders(
    <VendorPortal vendor={vendor} email="v@example.com" categories={categories} />,
    {
      route,
      path: '/vendor/*',
    },
  );
}

describe('vendor portal titles', () => {
  it('titles a directly loaded page for itself, not for the portal around it', async () => {
    document.title = '';
    server.use(http.get(API('/vendor/orders/'), () => HttpResponse.json(paginated([]))));
    renderPortal('/vendor/orders');
    expect(await screen.findByRole('heading', { name: 'Vendor portal' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Vendor orders · Agora'));
  });

  it('titles the payouts page while its code is still loading', () => {
    document.title = 'Vendor orders · Agora';
    renderPortal('/vendor/payouts');
    // The page's own code is loaded on demand: until it arrives the spinner stands in for it.
    expect(screen.getByText('Loading payouts…')).toBeInTheDocument();
    expect(document.title).toBe('Payouts · Agora');
  });

  it('titles the portal itself while there is no sub-page to show', () => {
    document.title = '';
    renderPortal('/vendor', null);
    expect(document.title).toBe('Vendor portal · Agora');
  });
});

describe('vendor onboarding', () => {
  it('applies, showing server errors next to fields', async () => {
    let calls = 0;
    server.use(
      http.post(API('/vendors/'), async ({ request }) => {
        calls += 1;
        expect(await request.json()).toMatchObject({
          name: 'Lumen Works',
          contact_email: 'v@example.com',
        });
        return calls === 1
          ? apiError(400, 'validation_error', 'Invalid.', {
              name: ['A vendor with this name exists.'],
            })
          : HttpResponse.json({ ...approved, status: 'pending' }, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor', null);
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByLabelText(/^Shop name/)).toHaveAccessibleDescription(
      'Enter your shop’s name.',
    );
    await user.type(screen.getByLabelText(/^Shop name/), 'Lumen Works');
    await user.type(screen.getByLabelText(/^What do you sell/), 'Lamps');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Shop name/)).toHaveAccessibleDescription(
        'A vendor with this name exists.',
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(calls).toBe(2));
  });

  it('shows the review status until approved', () => {
    renderPortal('/vendor', { ...approved, status: 'pending' });
    expect(screen.getByText(/your application is under review/)).toBeInTheDocument();
  });
});

describe('vendor products', () => {
  it('lists products with status and rejection reasons', async () => {
    server.use(
      http.get(API('/vendor/products/'), () => HttpResponse.json(paginated([vendorProduct]))),
    );
    renderPortal('/vendor');
    expect(await screen.findByRole('link', { name: 'Desk Lamp' })).toHaveAttribute(
      'href',
      '/vendor/products/42',
    );
    expect(screen.getByText('Rejected: Photos are blurry.')).toBeInTheDocument();
  });

  it('creates a product with variants after checking them locally', async () => {
    const bodies = recordPosts('/vendor/products/', () =>
      HttpResponse.json(
        { ...vendorProduct, status: 'draft', rejection_reason: null },
        { status: 201 },
      ),
    );
    server.use(
      http.get(API('/vendor/products/42/'), () =>
        HttpResponse.json({ ...vendorProduct, status: 'draft' }),
      ),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/products/new');
    await user.type(screen.getByLabelText(/^Product name/), 'Desk Lamp');
    await user.selectOptions(screen.getByLabelText(/^Category/), 'lighting');
    const first = screen.getByRole('listitem', { name: 'Option 1' });
    await user.type(within(first).getByLabelText(/^SKU/), 'LAMP-1');
    await user.type(within(first).getByLabelText(/^Price/), '29');
    await user.click(screen.getByRole('button', { name: 'Add option' }));
    const second = screen.getByRole('listitem', { name: 'Option 2' });
    await user.type(within(second).getByLabelText(/^SKU/), 'lamp-1');
    await user.type(within(second).getByLabelText(/^Option name/), 'White');
    await user.type(within(second).getByLabelText(/^Price/), '2,5');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    expect(within(second).getByLabelText(/^SKU/)).toHaveAccessibleDescription(
      'Each option needs its own SKU.',
    );
    expect(within(second).getByLabelText(/^Price/)).toHaveAccessibleDescription(
      'Enter a price like 19.99.',
    );
    expect(bodies).toHaveLength(0);

    await user.clear(within(second).getByLabelText(/^SKU/));
    await user.type(within(second).getByLabelText(/^SKU/), 'LAMP-2');
    await user.clear(within(second).getByLabelText(/^Price/));
    await user.type(within(second).getByLabelText(/^Price/), '31.50');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/vendor/products/42'),
    );
    expect(bodies[0]).toEqual({
      name: 'Desk Lamp',
      description: '',
      category: 'lighting',
      variants: [
        { sku: 'LAMP-1', name: 'Default', price: '29', stock: 0 },
        { sku: 'LAMP-2', name: 'White', price: '31.50', stock: 0 },
      ],
    });
  });

  it('edits with the whole variant list, uploads an image with preview and resubmits', async () => {
    const patches: unknown[] = [];
    let submitted = false;
    let current = { ...vendorProduct };
    server.use(
      http.get(API('/vendor/products/42/'), () => HttpResponse.json(current)),
      http.patch(API('/vendor/products/42/'), async ({ request }) => {
        const body = (await request.json()) as { variants: { sku: string }[] };
        patches.push(body);
        if (body.variants.length > 1) {
          return apiError(400, 'validation_error', 'Invalid.', {
            variants: [{}, { sku: ['SKU already used.'] }],
          });
        }
        current = { ...current, ...body } as typeof current;
        return HttpResponse.json(current);
      }),
      http.post(API('/vendor/products/42/images/'), async ({ request }) => {
        const form = await request.formData();
        expect(form.has('image')).toBe(true);
        current = {
          ...current,
          images: [{ id: 1, url: '/media/p.png', thumbnail_url: '/media/p_t.png' }],
        } as typeof current;
        return HttpResponse.json({ id: 1 }, { status: 201 });
      }),
      http.post(API('/vendor/products/42/submit/'), () => {
        submitted = true;
        return HttpResponse.json({ ...current, status: 'pending_review' });
      }),
    );
    const createObjectURL = vi.fn(() => 'blob:preview');
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const user = userEvent.setup();
    renderPortal('/vendor/products/42');
    expect(await screen.findByText(/Photos are blurry\./)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add option' }));
    const second = screen.getByRole('listitem', { name: 'Option 2' });
    await user.type(within(second).getByLabelText(/^SKU/), 'LAMP-9');
    await user.type(within(second).getByLabelText(/^Option name/), 'Red');
    await user.type(within(second).getByLabelText(/^Price/), '30');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(within(second).getByLabelText(/^SKU/)).toHaveAccessibleDescription(
        'SKU already used.',
      ),
    );
    expect(patches[0]).toMatchObject({
      variants: [
        { id: 100, sku: 'LAMP-1' },
        { sku: 'LAMP-9', name: 'Red' },
      ],
    });

    await user.click(screen.getByRole('button', { name: 'Remove option 2' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Changes saved.')).toBeInTheDocument();
    expect(patches[1]).toMatchObject({
      variants: [{ id: 100, sku: 'LAMP-1', price: '29.00', stock: 4 }],
    });

    const input = screen.getByLabelText('Add an image');
    await user.upload(input, new File(['x'], 'notes.txt', { type: 'text/plain' }));
    fireEvent.change(input, {
      target: { files: [new File(['x'], 'notes.txt', { type: 'text/plain' })] },
    });
    expect(screen.getByText('Choose a JPEG, PNG or WebP image.')).toBeInTheDocument();
    // The refusal is announced and read with the field, after its hint.
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a JPEG, PNG or WebP image.');
    expect(input).toBeInvalid();
    expect(input).toHaveAccessibleDescription(
      'JPEG, PNG or WebP, up to 10 MB. Choose a JPEG, PNG or WebP image.',
    );
    fireEvent.change(input, {
      target: { files: [new File(['png'], 'lamp.png', { type: 'image/png' })] },
    });
    expect(input).toHaveAccessibleDescription('JPEG, PNG or WebP, up to 10 MB.');
    expect(screen.getByRole('img', { name: 'Preview of the chosen file' })).toHaveAttribute(
      'src',
      'blob:preview',
    );
    await user.click(screen.getByRole('button', { name: 'Upload image' }));
    expect(await screen.findByText('Image uploaded.')).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: 'Image 1 of Desk Lamp' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Submit for review' }));
    await waitFor(() => expect(submitted).toBe(true));
  });
});

describe('stock edits and concurrent sales', () => {
  it('sends the stock it loaded and, when orders came in meanwhile, shows the current stock', async () => {
    const patches: { variants: Record<string, unknown>[] }[] = [];
    let current: Schema<'VendorProduct'> = {
      ...vendorProduct,
      status: 'approved',
      actions: ['edit', 'add_image'],
    };
    server.use(
      http.get(API('/vendor/products/42/'), () => HttpResponse.json(current)),
      http.patch(API('/vendor/products/42/'), async ({ request }) => {
        const body = (await request.json()) as { variants: Record<string, unknown>[] };
        patches.push(body);
        const sent = body.variants[0] as { stock: number; expected_stock: number };
        if (sent.expected_stock !== 1) {
          // three units sold since the form loaded (4 → 1)
          return apiError(409, 'stock_changed', 'The stock changed.', {
            variants: [{ id: 100, expected_stock: 4, stock: 1 }],
          });
        }
        current = {
          ...current,
          variants: vendorProduct.variants.map((v) => ({ ...v, stock: sent.stock })),
        };
        return HttpResponse.json(current);
      }),
    );
    const user = userEvent.setup();
    renderPortal('/vendor/products/42');
    const stock = await screen.findByLabelText(/^Stock/);
    await user.clear(stock);
    await user.type(stock, '10');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(stock).toHaveAccessibleDescription('Now 1 in stock (4 when you opened this page).'),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(/stock changed and nothing was saved/);
    expect(patches[0]?.variants[0]).toMatchObject({ id: 100, stock: 10, expected_stock: 4 });
    // the vendor keeps 10 and saves again: now compared against the current stock
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Changes saved.')).toBeInTheDocument();
    expect(patches[1]?.variants[0]).toMatchObject({ id: 100, stock: 10, expected_stock: 1 });
  });

  it('warns before an image is added to an approved product that it goes back to review', async () => {
    let current: Schema<'VendorProduct'> = {
      ...vendorProduct,
      status: 'draft',
      actions: ['edit', 'add_image', 'submit', 'delete'],
    };
    server.use(http.get(API('/vendor/products/42/'), () => HttpResponse.json(current)));
    const { unmount } = renderPortal('/vendor/products/42');
    const input = await screen.findByLabelText('Add an image');
    expect(input).toHaveAccessibleDescription('JPEG, PNG or WebP, up to 10 MB.');
    unmount();

    current = { ...current, status: 'approved', actions: ['edit', 'add_image'] };
    renderPortal('/vendor/products/42');
    expect(await screen.findByLabelText('Add an image')).toHaveAccessibleDescription(
      'JPEG, PNG or WebP, up to 10 MB. A new image is reviewed by our team: the product leaves the shop until it is approved again.',
    );
  });
});

describe('CSV import', () => {
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  it('polls every second while the import runs and shows row errors', async () => {
    const states = [
      { id: 9, status: 'queued', total_rows: null, processed_rows: 0 },
      { id: 9, status: 'running', total_rows: 3, processed_rows: 1 },
      {
        id: 9,
        status: 'succeeded',
        total_rows: 3,
        processed_rows: 3,
        created: 1,
        updated: 1,
        errors: [{ row: 3, message: 'Price must be positive.' }],
      },
    ];
    let polls = 0;
    server.use(
      http.post(API('/vendor/imports/'), () =>
        HttpResponse.json({ id: 9, status: 'queued' }, { status: 202 }),
      ),
      http.get(API('/vendor/imports/9/'), () =>
        HttpResponse.json(states[Math.min(polls++, states.length - 1)]),
      ),
    );
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { queryClient } = renderPortal('/vendor/imports');
    // the product list as the vendor last read it: the import's products must show on it
    queryClient.setQueryData([...queryKeys.vendor, 'products', 'list', 1], {
      count: 0,
      results: [],
    });
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(screen.getByText('Choose a CSV file to import.')).toBeInTheDocument();
    await user.upload(
      screen.getByLabelText('CSV file'),
      new File(['sku,name'], 'products.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(await screen.findByText('Waiting for the import to start…')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(await screen.findByText('1 of 3 rows processed')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(await screen.findByText('Price must be positive.')).toBeInTheDocument();
    expect(screen.getByText(/1 created, 1 updated, 1 rows with problems/)).toBeInTheDocument();
    expect(
      queryClient.getQueryState([...queryKeys.vendor, 'products', 'list', 1])?.isInvalidated,
    ).toBe(true);
    const pollsWhenDone = polls;
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(polls).toBe(pollsWhenDone); // finished: no more polling
  });

  it("opens the report of the import the email links to (?job=) and keeps a new one's in the address", async () => {
    server.use(
      http.get(API('/vendor/imports/7/'), () =>
        HttpResponse.json({
          id: 7,
          status: 'succeeded',
          total_rows: 2,
          processed_rows: 2,
          created: 1,
          updated: 0,
          errors: [{ row: 2, message: 'Unknown category.' }],
        }),
      ),
      http.post(API('/vendor/imports/'), () =>
        HttpResponse.json({ id: 8, status: 'queued' }, { status: 202 }),
      ),
      http.get(API('/vendor/imports/8/'), () =>
        HttpResponse.json({ id: 8, status: 'queued', total_rows: null, processed_rows: 0 }),
      ),
    );
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderPortal('/vendor/imports?job=7');
    expect(await screen.findByRole('heading', { name: /Import #7/ })).toBeInTheDocument();
    expect(screen.getByText('Unknown category.')).toBeInTheDocument();
    expect(screen.getByText(/1 created, 0 updated, 1 rows with problems/)).toBeInTheDocument();

    // a new upload shows its own progress, and the address now names it
    await user.upload(
      screen.getByLabelText('CSV file'),
      new File(['sku,name'], 'products.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(await screen.findByRole('heading', { name: /Import #8/ })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/vendor/imports?job=8');
  });

  it('names the columns the import reads and says why a file was refused, next to the field', async () => {
    const header =
      'sku, product_name, variant_name, price, stock, category, description, attributes';
    server.use(
      http.post(API('/vendor/imports/'), () =>
        apiError(400, 'validation_error', 'The import file was refused.', {
          file: [`The header row must be exactly: ${header}.`],
        }),
      ),
    );
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderPortal('/vendor/imports');
    expect(screen.getByText(header)).toBeInTheDocument();
    await user.upload(
      screen.getByLabelText('CSV file'),
      new File(['sku,name'], 'products.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    await waitFor(() =>
      expect(screen.getByLabelText('CSV file')).toHaveAccessibleDescription(
        `The header row must be exactly: ${header}.`,
      ),
    );
  });
});

describe('vendor orders', () => {
  const subOrder = (status: string, actions: SubOrder['actions']) => ({
    id: 5,
    order_number: 'A-1001',
    order_status: 'paid',
    order_refunded_total: '0.00',
    status,
    created_at: '2024-01-01T00:00:00Z',
    currency: 'EUR',
    subtotal: '58.00',
    shipping: '4.90',
    shipping_method: 'Standard',
    parcels: [],
    lines: [{ id: 1, product_name: 'Desk Lamp', variant_name: 'Black', quantity: 2 }],
    shipping_address: { full_name: 'Ada', city: 'Berlin' },
    actions,
  });

  it("offers shipping and cancelling only as the sub-order's actions say", async () => {
    let current = subOrder('pending', []);
    server.use(http.get(API('/vendor/orders/'), () => HttpResponse.json(paginated([current]))));
    let view = renderPortal('/vendor/orders');
    expect(await screen.findByText('2 × Desk Lamp (Black)')).toBeInTheDocument();
    expect(screen.getByText(/Waiting for the order to be confirmed/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Ship a parcel' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Mark as shipped' })).not.toBeInTheDocument();
    view.unmount();

    // A status alone offers nothing: the server did not allow it (say, the order is on hold).
    current = subOrder('processing', []);
    view = renderPortal('/vendor/orders');
    expect(await screen.findByText('2 × Desk Lamp (Black)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Ship a parcel' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel lines' })).not.toBeInTheDocument();
    view.unmount();

    current = subOrder('processing', ['ship', 'cancel_lines']);
    renderPortal('/vendor/orders');
    expect(await screen.findByRole('button', { name: 'Ship a parcel' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel lines' })).toBeInTheDocument();
  });
});

describe('product actions come from the API', () => {
  it('offers images and review submission only when the product says it may', async () => {
    server.use(
      http.get(API('/vendor/products/42/'), () =>
        HttpResponse.json({ ...vendorProduct, status: 'archived', actions: [] }),
      ),
    );
    renderPortal('/vendor/products/42');
    expect(await screen.findByText('This product can no longer be edited.')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Submit for review' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Add an image')).not.toBeInTheDocument();
  });
});
