import { z } from 'zod';

export const COUNTRIES = [
  ['AT', 'Austria'],
  ['BE', 'Belgium'],
  ['CA', 'Canada'],
  ['CH', 'Switzerland'],
  ['CZ', 'Czechia'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['ES', 'Spain'],
  ['FI', 'Finland'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['NL', 'Netherlands'],
  ['NO', 'Norway'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['SE', 'Sweden'],
  ['US', 'United States'],
] as const;

const required = (label: string) => z.string().trim().min(1, `Enter ${label}.`);

export const checkoutSchema = z
  .object({
    email: z.string().trim().pipe(z.email('Enter a valid email address.')),
    shipping_address: z.object({
      full_name: required('the recipient’s full name'),
      line1: required('the street address'),
      line2: z
        .string()
        .trim()
        .optional()
        .transform((value) => value || undefined),
      city: required('the city'),
      postal_code: required('the postal code').max(16, 'That postal code is too long.'),
      country: z.string().regex(/^[A-Z]{2}$/, 'Choose a country.'),
    }),
    // One radio group per vendor, named `shipping_methods.<vendor slug>`.
    shipping_methods: z
      .record(z.string(), z.string().min(1))
      .optional()
      .transform((chosen) =>
        Object.entries(chosen ?? {}).map(([vendor, method]) => ({ vendor, method })),
      ),
    payment_method: z.string().min(1, 'Choose a payment method.'),
    payment_token: z.string().trim().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.payment_method === 'dummy' && !value.payment_token) {
      ctx.addIssue({
        code: 'custom',
        path: ['payment_token'],
        message: 'Enter a payment token, e.g. tok_visa.',
      });
    }
  })
  .transform((value) =>
    value.payment_method === 'stripe' ? { ...value, payment_token: undefined } : value,
  );

export type CheckoutInput = z.output<typeof checkoutSchema>;

export const countryName = (code: string): string =>
  COUNTRIES.find(([value]) => value === code)?.[1] ?? code;

/** Fields the form shows; any other server error detail is shown above the form. */
export const CHECKOUT_FIELDS = [
  'email',
  'shipping_address.full_name',
  'shipping_address.line1',
  'shipping_address.line2',
  'shipping_address.city',
  'shipping_address.postal_code',
  'shipping_address.country',
  'shipping_methods',
  'payment_method',
  'payment_token',
] as const;
