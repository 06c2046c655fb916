// A stand-in for the backend used by `npm run screenshots` when no backend is reachable:
// enough of API.md, with demo-like data, to render every page the screenshots need.
import { deflateSync } from 'node:zlib';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
/** A soft two-tone square, tinted by `seed`, so product tiles are told apart. */
export function png(seed = 0, size = 200) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 2;
  const hue = [
    [231, 111, 81],
    [42, 157, 143],
    [233, 196, 106],
    [38, 70, 83],
    [244, 162, 97],
    [106, 76, 147],
  ][seed % 6];
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    rows.push(0);
    for (let x = 0; x < size; x += 1) {
      const inside = (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 3) ** 2;
      const [r, g, b] = inside ? hue : [240, 238, 233];
      rows.push(r, g, b);
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const vendors = [
  { slug: 'lumen-works', name: 'Lumen Works' },
  { slug: 'canvas-co', name: 'Canvas & Co' },
  { slug: 'soundhaus', name: 'Soundhaus' },
];
const categories = [
  {
    slug: 'home',
    name: 'Home',
    children: [
      { slug: 'lighting', name: 'Lighting', children: [] },
      { slug: 'kitchen', name: 'Kitchen', children: [] },
    ],
  },
  { slug: 'bags', name: 'Bags', children: [] },
  { slug: 'audio', name: 'Audio', children: [] },
  { slug: 'stationery', name: 'Stationery', children: [] },
];
const names = [
  ['Brass Desk Lamp', 'lighting', 0, '49.00'],
  ['Stoneware Mug', 'kitchen', 1, '14.50'],
  ['Waxed Canvas Backpack', 'bags', 1, '89.00'],
  ['Studio Headphones', 'audio', 2, '129.00'],
  ['Dot Grid Notebook', 'stationery', 1, '12.00'],
  ['Pendant Lamp', 'lighting', 0, '79.00'],
  ['Travel Mug', 'kitchen', 1, '22.00'],
  ['Wireless Headphones', 'audio', 2, '99.00'],
];
export const products = names.map(([name, category, vendor, price], index) => ({
  id: index + 1,
  slug: name.toLowerCase().replace(/[^a-z]+/g, '-'),
  name,
  vendor: vendors[vendor],
  category: { slug: category, name: category[0].toUpperCase() + category.slice(1) },
  price_from: price,
  currency: 'EUR',
  in_stock: index !== 5,
  thumbnail: `/media/p${index}.png`,
}));
const detail = (p) => ({
  ...p,
  description:
    'Made in small batches by an independent workshop.\nEach piece is checked by hand before it ships.',
  images: [
    { url: `/media/p${p.id - 1}.png`, alt: p.name },
    { url: `/media/p${p.id}.png`, alt: `${p.name}, detail` },
  ],
  variants: [
    {
      id: p.id * 10 + 1,
      sku: `${p.slug}-std`,
      name: 'Standard',
      price: p.price_from,
      currency: 'EUR',
      stock_available: 12,
    },
    {
      id: p.id * 10 + 2,
      sku: `${p.slug}-lg`,
      name: 'Large',
      price: (Number(p.price_from) + 10).toFixed(2),
      currency: 'EUR',
      stock_available: 2,
    },
  ],
  attributes: { material: 'Brass and linen', origin: 'Portugal' },
});
const page = (results) => ({ count: results.length, next: null, previous: null, results });

// After sale: an order split between two vendors — one shipped in two parcels, the other
// cancelled a line — with a return on the way, and what each vendor's portal shows of it.
const line = (id, name, variant, price, quantity, extra = {}) => ({
  id,
  variant_id: id * 10,
  sku: `SKU-${id}`,
  product_slug: name.toLowerCase().replace(/[^a-z]+/g, '-'),
  product_name: name,
  variant_name: variant,
  unit_price: price,
  quantity,
  quantity_cancelled: 0,
  quantity_shipped: 0,
  line_total: (Number(price) * quantity).toFixed(2),
  currency: 'EUR',
  ...extra,
});
const parcel = (id, carrier, tracking, lines, day) => ({
  id,
  carrier,
  tracking_number: tracking,
  tracking_url: `https://tracking.example.com/${tracking}`,
  shipped_at: `2026-03-0${day}T10:00:00Z`,
  lines,
});
const lumenLines = [
  line(1, 'Brass Desk Lamp', 'Standard', '49.00', 2, { quantity_shipped: 2 }),
  line(2, 'Pendant Lamp', 'Large', '89.00', 1, { quantity_shipped: 1 }),
];
const canvasLines = [
  line(3, 'Stoneware Mug', 'Sand', '14.50', 2),
  line(4, 'Travel Mug', 'Standard', '22.00', 1, { quantity_cancelled: 1 }),
];
const lumenPart = {
  id: 41,
  vendor: { slug: 'lumen-works', name: 'Lumen Works' },
  status: 'shipped',
  subtotal: '187.00',
  currency: 'EUR',
  tracking_number: 'UPS-2026-0002',
  shipped_at: '2026-03-03T10:00:00Z',
  shipping: '9.90',
  shipping_method: 'Express delivery (1-2 days)',
  shipping_method_code: 'express',
  delivery_days_min: 1,
  delivery_days_max: 2,
  parcels: [
    parcel(1, 'DHL', 'DHL-2026-0001', [{ line_id: 1, quantity: 2 }], 2),
    parcel(2, 'UPS', 'UPS-2026-0002', [{ line_id: 2, quantity: 1 }], 3),
  ],
  lines: lumenLines,
};
const canvasPart = {
  id: 42,
  vendor: { slug: 'canvas-co', name: 'Canvas & Co' },
  status: 'processing',
  subtotal: '51.00',
  currency: 'EUR',
  shipping: '0.00',
  shipping_method: 'Canvas Parcel',
  shipping_method_code: 'parcel',
  delivery_days_min: 2,
  delivery_days_max: 4,
  parcels: [],
  lines: canvasLines,
};
export const afterSaleOrder = {
  number: 'AG-7K2M9QX4RT',
  status: 'partially_refunded',
  email: 'vera@example.com',
  created_at: '2026-03-01T09:30:00Z',
  currency: 'EUR',
  subtotal: '238.00',
  shipping: '9.90',
  total: '247.90',
  shipping_method: 'Express delivery (1-2 days), Canvas Parcel',
  shipping_address: {
    full_name: 'Vera Vendor',
    line1: 'Main Street 1',
    line2: '',
    city: 'Berlin',
    postal_code: '10115',
    country: 'DE',
  },
  lines: [...lumenLines, ...canvasLines],
  vendor_orders: [lumenPart, canvasPart],
  payment: {
    gateway: 'dummy',
    status: 'partially_refunded',
    amount: '247.90',
    amount_refunded: '71.00',
    currency: 'EUR',
    client_secret: null,
  },
  refunded_total: '71.00',
  can_cancel: false,
};
const returnRequest = (overrides) => ({
  id: 7,
  order_number: afterSaleOrder.number,
  vendor: lumenPart.vendor,
  vendor_order_id: lumenPart.id,
  status: 'refunded',
  reason: 'The shade is smaller than the photos suggest.',
  vendor_note: '',
  dispute_reason: '',
  staff_note: '',
  lines: [{ line_id: 1, name: 'Brass Desk Lamp — Standard', quantity: 1, unit_price: '49.00' }],
  refund: { amount: '49.00', currency: 'EUR', status: 'succeeded' },
  restocked: true,
  created_at: '2026-03-04T10:00:00Z',
  refunded_at: '2026-03-08T10:00:00Z',
  actions: [],
  ...overrides,
});
const orderReturns = {
  returnable: [
    {
      vendor_order_id: lumenPart.id,
      vendor: lumenPart.vendor,
      line_id: 1,
      name: 'Brass Desk Lamp — Standard',
      quantity: 1,
      until: '2026-03-17T10:00:00Z',
    },
    {
      vendor_order_id: lumenPart.id,
      vendor: lumenPart.vendor,
      line_id: 2,
      name: 'Pendant Lamp — Large',
      quantity: 1,
      until: '2026-03-17T10:00:00Z',
    },
  ],
  returns: [returnRequest({})],
};
const vendorPart = (part, extra) => ({
  ...part,
  order_number: afterSaleOrder.number,
  order_status: afterSaleOrder.status,
  order_refunded_total: afterSaleOrder.refunded_total,
  created_at: afterSaleOrder.created_at,
  commission_rate: '10.00',
  commission: (Number(part.subtotal) / 10).toFixed(2),
  ship_by: '2026-03-04T09:30:00Z',
  is_late: false,
  cancel_reason: '',
  order_shipping_method: afterSaleOrder.shipping_method,
  shipping_address: afterSaleOrder.shipping_address,
  ...extra,
});
const vendorOrders = [
  vendorPart(lumenPart, {
    id: 43,
    order_number: 'AG-3HQW8ZP2NM',
    tracking_number: '',
    status: 'processing',
    is_late: true,
    parcels: [],
    lines: lumenLines.map((l) => ({ ...l, quantity_shipped: 0 })),
  }),
  vendorPart(lumenPart, {}),
];
const vendorReturns = [
  returnRequest({
    id: 9,
    status: 'requested',
    refund: null,
    restocked: false,
    refunded_at: null,
    actions: ['approve', 'reject'],
    reason: 'It arrived with a dent in the base.',
  }),
  returnRequest({
    id: 8,
    status: 'approved',
    refund: null,
    restocked: false,
    refunded_at: null,
    actions: ['refund'],
  }),
  returnRequest({}),
];
const vendorMethods = [
  {
    id: 1,
    code: 'parcel',
    name: 'Lumen Parcel',
    price: '5.50',
    currency: 'EUR',
    countries: ['AT', 'DE', 'NL'],
    free_above: '100.00',
    delivery_days_min: 2,
    delivery_days_max: 4,
    is_active: true,
    position: 0,
  },
  {
    id: 2,
    code: 'courier',
    name: 'Lumen Courier',
    price: '14.00',
    currency: 'EUR',
    countries: ['DE'],
    free_above: null,
    delivery_days_min: 1,
    delivery_days_max: 1,
    is_active: false,
    position: 1,
  },
];
const platformMethods = [
  {
    code: 'standard',
    name: 'Standard delivery (3-5 days)',
    price: '4.90',
    currency: 'EUR',
    countries: [],
    free_above: null,
    delivery_days_min: 3,
    delivery_days_max: 5,
  },
  {
    code: 'express',
    name: 'Express delivery (1-2 days)',
    price: '9.90',
    currency: 'EUR',
    countries: [],
    free_above: null,
    delivery_days_min: 1,
    delivery_days_max: 2,
  },
];

export function createMockApi() {
  let cartLines = [];
  const cart = () => ({
    token: 'mock-cart',
    items: cartLines,
    subtotal: cartLines.reduce((s, l) => s + Number(l.line_total), 0).toFixed(2),
    currency: 'EUR',
    item_count: cartLines.reduce((s, l) => s + l.quantity, 0),
  });
  const vendorProduct = {
    id: 7,
    slug: 'brass-desk-lamp',
    name: 'Brass Desk Lamp',
    description: 'Made in small batches.',
    category: 'lighting',
    status: 'rejected',
    rejection_reason: 'Please add a photo that shows the lamp switched on.',
    attributes: {},
    variants: [
      { id: 71, sku: 'LAMP-BRASS', name: 'Standard', price: '49.00', currency: 'EUR', stock: 12 },
      { id: 72, sku: 'LAMP-BRASS-L', name: 'Large', price: '59.00', currency: 'EUR', stock: 2 },
    ],
    images: [{ id: 1, url: '/media/p0.png', thumbnail_url: '/media/p0.png' }],
    created_at: '2024-05-01T10:00:00Z',
    updated_at: '2024-05-02T10:00:00Z',
  };

  /** Answers one API call: [status, json]. */
  function handle(method, url, body) {
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const q = url.searchParams;
    if (path === '/categories/') return [200, categories];
    if (path === '/products/') {
      let list = products;
      if (q.get('category')) list = list.filter((p) => p.category.slug === q.get('category'));
      if (q.get('in_stock') === 'true') list = list.filter((p) => p.in_stock);
      return [
        200,
        { ...page(list.slice(0, Number(q.get('page_size') ?? 24))), count: list.length },
      ];
    }
    const productMatch = path.match(/^\/products\/([^/]+)\/$/);
    if (productMatch) {
      const p = products.find((x) => x.slug === productMatch[1]);
      return p
        ? [200, detail(p)]
        : [404, { error: { code: 'not_found', message: 'Not found.', details: {} } }];
    }
    if (path === '/search/suggest/') {
      const term = (q.get('q') ?? '').toLowerCase();
      return [
        200,
        {
          suggestions: products
            .filter((p) => p.name.toLowerCase().includes(term.slice(0, 4)))
            .map((p) => ({ text: p.name, slug: p.slug })),
        },
      ];
    }
    if (path === '/search/') {
      return [
        200,
        {
          ...page(products.slice(3, 4).concat(products.slice(7))),
          facets: {
            category: [{ slug: 'audio', name: 'Audio', count: 2 }],
            vendor: [{ ...vendors[2], count: 2 }],
            price: [
              { min: 50, max: 100, count: 1 },
              { min: 100, max: null, count: 1 },
            ],
          },
        },
      ];
    }
    if (path === '/carts/' && method === 'POST') return [201, cart()];
    if (path === '/cart/') return [200, cart()];
    if (path === '/cart/items/' && method === 'POST') {
      const variantId = body.variant_id;
      const p = products.find((x) => Math.floor(variantId / 10) === x.id) ?? products[0];
      cartLines = [
        ...cartLines,
        {
          id: cartLines.length + 1,
          variant: {
            id: variantId,
            sku: `${p.slug}-std`,
            name: 'Standard',
            product_slug: p.slug,
            product_name: p.name,
          },
          quantity: body.quantity,
          unit_price: p.price_from,
          line_total: (Number(p.price_from) * body.quantity).toFixed(2),
        },
      ];
      return [201, cart()];
    }
    if (path === '/shipping-methods/') return [200, platformMethods];
    if (path === '/payment-methods/') {
      return [200, [{ code: 'dummy', name: 'Test payment', test: true, publishable_key: null }]];
    }
    if (path === '/cart/shipping-options/') {
      // The cart's lines per vendor; Canvas & Co ships its own way, the others the platform's.
      const country = q.get('country') ?? 'DE';
      const groups = new Map();
      for (const item of cartLines) {
        const p = products.find((x) => x.slug === item.variant.product_slug) ?? products[0];
        const group = groups.get(p.vendor.slug) ?? {
          vendor: p.vendor,
          variant_ids: [],
          subtotal: 0,
        };
        group.variant_ids.push(item.variant.id);
        group.subtotal += Number(item.line_total);
        groups.set(p.vendor.slug, group);
      }
      const option = (code, name, price, days, countries, freeAbove, subtotal) => ({
        code,
        name,
        price: freeAbove && subtotal >= Number(freeAbove) ? '0.00' : price,
        list_price: price,
        currency: 'EUR',
        free_above: freeAbove,
        delivery_days_min: days[0],
        delivery_days_max: days[1],
        ships_to_country: !countries || countries.includes(country),
      });
      return [
        200,
        [...groups.values()].map((group) => ({
          vendor: group.vendor,
          variant_ids: group.variant_ids,
          subtotal: group.subtotal.toFixed(2),
          currency: 'EUR',
          options:
            group.vendor.slug === 'canvas-co'
              ? [
                  option(
                    'parcel',
                    'Canvas Parcel',
                    '3.90',
                    [2, 4],
                    ['AT', 'DE', 'NL'],
                    '50.00',
                    group.subtotal,
                  ),
                  option(
                    'courier',
                    'Canvas Courier',
                    '12.00',
                    [1, 1],
                    ['DE'],
                    null,
                    group.subtotal,
                  ),
                ]
              : platformMethods.map((m) =>
                  option(
                    m.code,
                    m.name,
                    m.price,
                    [m.delivery_days_min, m.delivery_days_max],
                    null,
                    null,
                    group.subtotal,
                  ),
                ),
        })),
      ];
    }
    // Cookie-mode sessions: the page renews its access token from the (pretend) cookie.
    if (path === '/auth/token/refresh/') return [200, { access: 'mock' }];
    if (path === '/me/') {
      return [
        200,
        {
          id: 1,
          email: 'vendor@example.com',
          email_verified: true,
          first_name: 'Vera',
          last_name: 'Vendor',
          is_staff: false,
          vendor: { slug: 'lumen-works', name: 'Lumen Works', status: 'approved', role: 'owner' },
        },
      ];
    }
    if (path === '/vendor/products/') return [200, page([vendorProduct])];
    if (path === '/vendor/products/7/') return [200, vendorProduct];
    if (path === '/orders/') return [200, page([afterSaleOrder])];
    if (path === `/orders/${afterSaleOrder.number}/`) return [200, afterSaleOrder];
    if (path === `/orders/${afterSaleOrder.number}/returns/`) return [200, orderReturns];
    if (path === '/vendor/orders/') return [200, page(vendorOrders)];
    if (path === '/vendor/returns/') {
      const status = q.get('status');
      return [200, page(vendorReturns.filter((r) => !status || r.status === status))];
    }
    if (path === '/vendor/shipping-methods/') return [200, vendorMethods];
    if (path === '/vendor/policies/') {
      return [
        200,
        { slug: 'lumen-works', name: 'Lumen Works', handling_days: 2, return_window_days: 30 },
      ];
    }
    return [404, { error: { code: 'not_found', message: 'Not found.', details: {} } }];
  }

  /** Install on a Playwright page or context. */
  return async (target) => {
    await target.route('**/media/**', (route) => {
      const seed = Number(new URL(route.request().url()).pathname.match(/\d+/)?.[0] ?? 0);
      return route.fulfill({ status: 200, contentType: 'image/png', body: png(seed) });
    });
    await target.route('**/api/v1/**', (route) => {
      const request = route.request();
      const [status, json] = handle(
        request.method(),
        new URL(request.url()),
        request.postDataJSON?.() ?? null,
      );
      return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(json) });
    });
  };
}
