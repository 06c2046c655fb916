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
    if (path === '/shipping-methods/') {
      return [
        200,
        [
          { code: 'standard', name: 'Standard (3–5 days)', price: '4.90', currency: 'EUR' },
          { code: 'express', name: 'Express (next day)', price: '12.90', currency: 'EUR' },
        ],
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
    if (path === '/orders/') return [200, page([])];
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
