import type { Schema } from '@/lib/types';

// Typed against the API's schema: a fixture that drifts from the API fails the type check.
export const product = {
  id: 1,
  slug: 'desk-lamp',
  name: 'Desk Lamp',
  vendor: { slug: 'lumen', name: 'Lumen Works' },
  category: { slug: 'lighting', name: 'Lighting' },
  price_from: '29.00',
  currency: 'EUR',
  in_stock: true,
  rating_average: '4.50',
  rating_count: 2,
  thumbnail: '/media/lamp.jpg',
} satisfies Schema<'ProductSummary'>;

export const productDetail = {
  ...product,
  description: 'A warm lamp.',
  images: [
    { url: '/media/lamp.jpg', thumbnail_url: null, alt: 'Lamp front' },
    { url: '/media/lamp-2.jpg', thumbnail_url: null, alt: 'Lamp side' },
  ],
  variants: [
    { id: 11, sku: 'LAMP-BLK', name: 'Black', price: '29.00', currency: 'EUR', stock_available: 3 },
    { id: 12, sku: 'LAMP-WHT', name: 'White', price: '31.00', currency: 'EUR', stock_available: 0 },
  ],
  attributes: { material: 'steel' },
} satisfies Schema<'ProductDetail'>;

export const categories = [
  {
    slug: 'home',
    name: 'Home',
    children: [{ slug: 'lighting', name: 'Lighting', children: [] }],
  },
  { slug: 'bags', name: 'Bags', children: [] },
] satisfies Schema<'CategoryNode'>[];

export function cart(
  items: { id: number; variantId: number; quantity: number; name?: string }[] = [],
  token = 'guest-token',
) {
  return {
    token,
    items: items.map((item) => ({
      id: item.id,
      variant: {
        id: item.variantId,
        sku: `SKU-${item.variantId}`,
        name: item.name ?? `Variant ${item.variantId}`,
        product_slug: 'desk-lamp',
      },
      quantity: item.quantity,
      unit_price: '10.00',
      line_total: (10 * item.quantity).toFixed(2),
    })),
    subtotal: items.reduce((sum, item) => sum + 10 * item.quantity, 0).toFixed(2),
    currency: 'EUR',
    item_count: items.reduce((sum, item) => sum + item.quantity, 0),
  };
}

export const me = {
  id: 7,
  email: 'shopper@example.com',
  first_name: 'Sam',
  last_name: 'Shopper',
  is_staff: false,
  vendor: null,
};
