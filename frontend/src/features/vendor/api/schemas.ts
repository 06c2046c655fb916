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
