import type { ReactNode } from 'react';
import { TextField } from './Field';

type AddressValues = {
  full_name?: string | undefined;
  line1?: string | undefined;
  line2?: string | undefined;
  postal_code?: string | undefined;
  city?: string | undefined;
};

/**
 * A postal address as the account book and the checkout ask for it: full name, two lines, postal
 * code and city, each named `<prefix><field>` with its browser autofill hint. The country control
 * differs (a free code in the address book, a list at checkout), so the caller passes it.
 */
export function AddressFields({
  prefix = '',
  values,
  errors,
  country,
}: {
  prefix?: string;
  values?: AddressValues | undefined;
  errors: Partial<Record<string, string>>;
  country: ReactNode;
}) {
  const field = (name: keyof AddressValues) => ({
    name: `${prefix}${name}`,
    defaultValue: values?.[name],
    error: errors[`${prefix}${name}`],
  });
  return (
    <>
      <TextField label="Full name" autoComplete="name" required {...field('full_name')} />
      <TextField label="Address line 1" autoComplete="address-line1" required {...field('line1')} />
      <TextField label="Address line 2" autoComplete="address-line2" {...field('line2')} />
      <div className="row">
        <TextField
          label="Postal code"
          autoComplete="postal-code"
          required
          {...field('postal_code')}
        />
        <TextField label="City" autoComplete="address-level2" required {...field('city')} />
      </div>
      {country}
    </>
  );
}
