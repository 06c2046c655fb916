import { z } from 'zod';

export const applySchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, 'Enter your shop’s name.')
    .max(120, 'Keep the name under 120 characters.'),
  description: z.string().trim().min(1, 'Tell shoppers what you sell.'),
  contact_email: z.string().trim().pipe(z.email('Enter a valid email address.')),
});

const variantSchema = z.object({
  id: z.number().int().optional(),
  sku: z.string().trim().min(1, 'Enter a SKU.').max(64, 'Keep the SKU under 64 characters.'),
  name: z.string().trim().min(1, 'Name the option, e.g. “Default” or “Blue”.'),
  price: z
    .string()
    .trim()
    .regex(/^\d+(\.\d{1,2})?$/, 'Enter a price like 19.99.'),
  stock: z.coerce
    .number({ error: 'Enter a whole number.' })
    .int('Enter a whole number.')
    .min(0, 'Stock cannot be negative.'),
  expected_stock: z.number().int().min(0).optional(),
});

export const productSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a product name.').max(200),
    description: z.string().trim(),
    category: z.string().min(1, 'Choose a category.'),
    variants: z.array(variantSchema).min(1, 'Add at least one option.'),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<string, number>();
    value.variants.forEach((variant, index) => {
      const key = variant.sku.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', index, 'sku'],
          message: 'Each option needs its own SKU.',
        });
      }
      seen.set(key, index);
    });
  });

export type ProductInput = z.output<typeof productSchema>;

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export function checkImage(file: File): string | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'Choose a JPEG, PNG or WebP image.';
  if (file.size > MAX_IMAGE_BYTES) return 'Images can be at most 10 MB.';
  return null;
}

const money = (message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,8}(\.\d{1,2})?$/, message);

const days = (label: string) =>
  z.coerce
    .number({ error: `Enter the ${label} in whole days.` })
    .int(`Enter the ${label} in whole days.`)
    .min(0, 'Days cannot be negative.')
    .max(90, 'At most 90 days.');

/** "de, AT fr" → ["DE", "AT", "FR"]; empty means everywhere. */
export function parseCountries(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((code) => code.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

export const shippingMethodSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(1, 'Give the method a short code, e.g. standard.')
      .max(32, 'Keep the code under 32 characters.')
      .regex(/^[-a-zA-Z0-9_]+$/, 'Use letters, digits, - and _ only.'),
    name: z.string().trim().min(1, 'Name the method as shoppers see it.').max(100),
    price: money('Enter a price like 4.90.'),
    free_above: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || null)
      .pipe(money('Enter an amount like 50.00, or leave it empty.').nullable()),
    countries: z
      .string()
      .optional()
      .transform((value) => parseCountries(value ?? ''))
      .pipe(
        z.array(z.string().regex(/^[A-Z]{2}$/, 'Use two-letter country codes, e.g. DE, AT, FR.')),
      ),
    delivery_days_min: days('shortest delivery time'),
    delivery_days_max: days('longest delivery time'),
    position: z.coerce
      .number({ error: 'Enter a whole number.' })
      .int('Enter a whole number.')
      .min(0)
      .max(1000),
    is_active: z.boolean(),
  })
  .refine((value) => value.delivery_days_max >= value.delivery_days_min, {
    path: ['delivery_days_max'],
    message: 'The longest delivery time cannot be shorter than the shortest.',
  });

export type ShippingMethodInput = z.output<typeof shippingMethodSchema>;

export const SHIPPING_METHOD_FIELDS = [
  'code',
  'name',
  'price',
  'free_above',
  'countries',
  'delivery_days_min',
  'delivery_days_max',
  'position',
  'is_active',
] as const;

export const policiesSchema = z.object({
  handling_days: z.coerce
    .number({ error: 'Enter a number of days.' })
    .int('Enter whole days.')
    .min(1, 'At least 1 day.')
    .max(60, 'At most 60 days.'),
  return_window_days: z.coerce
    .number({ error: 'Enter a number of days.' })
    .int('Enter whole days.')
    .min(14, 'At least the legal 14 days.')
    .max(365, 'At most 365 days.'),
});

export const parcelSchema = z.object({
  carrier: z.string().trim().max(60, 'Keep the carrier under 60 characters.'),
  tracking_number: z.string().trim().max(100, 'Keep the tracking number under 100 characters.'),
  tracking_url: z
    .string()
    .trim()
    .max(500, 'That link is too long.')
    .refine((value) => !value || /^https?:\/\/\S+$/i.test(value), {
      message: 'Enter the full tracking link, starting with https://.',
    }),
});

export const cancelLinesSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Say why: the shopper reads it.')
    .max(200, 'Keep it under 200 characters.'),
});

export const rejectReturnSchema = z.object({
  note: z
    .string()
    .trim()
    .min(1, 'Say why you reject it: the shopper reads it.')
    .max(500, 'Keep it under 500 characters.'),
});

export const refundReturnSchema = z.object({
  amount: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(money('Enter an amount like 12.50, or leave it empty.').optional()),
  restock: z.boolean(),
});
