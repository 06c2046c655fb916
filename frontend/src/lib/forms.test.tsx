import { act, render, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './errors';
import { readForm, useFormErrors } from './forms';

describe('readForm', () => {
  it('nests dotted names and reads checkboxes, radios and selects', () => {
    const { container } = render(
      <form>
        <input name="email" defaultValue="a@example.com" />
        <input name="shipping_address.city" defaultValue="Berlin" />
        <input name="shipping_address.line1" defaultValue="Main 1" />
        <input type="checkbox" name="in_stock" defaultChecked />
        <input type="radio" name="method" value="std" />
        <input type="radio" name="method" value="express" defaultChecked />
        <select name="country" defaultValue="DE">
          <option value="DE">DE</option>
        </select>
        <input name="skipped" disabled defaultValue="x" />
      </form>,
    );
    const form = container.querySelector('form') as HTMLFormElement;
    expect(readForm(form)).toEqual({
      email: 'a@example.com',
      shipping_address: { city: 'Berlin', line1: 'Main 1' },
      in_stock: true,
      method: 'express',
      country: 'DE',
    });
  });
});

describe('useFormErrors', () => {
  const schema = z.object({
    email: z.email('Enter a valid email address.'),
    age: z.coerce.number().min(18, 'Too young.'),
  });

  it('turns zod issues into per-field messages', () => {
    const { result } = renderHook(() => useFormErrors());
    let parsed: unknown;
    act(() => {
      parsed = result.current.validate(schema, { email: 'nope', age: '12' });
    });
    expect(parsed).toBeNull();
    expect(result.current.errors).toEqual({
      email: 'Enter a valid email address.',
      age: 'Too young.',
    });
    act(() => {
      parsed = result.current.validate(schema, { email: 'a@example.com', age: '30' });
    });
    expect(parsed).toEqual({ email: 'a@example.com', age: 30 });
    expect(result.current.errors).toEqual({});
  });

  it('puts known API field errors next to fields and the rest above the form', () => {
    const { result } = renderHook(() => useFormErrors());
    act(() =>
      result.current.showApiError(
        new ApiError(400, 'validation_error', 'Invalid input.', {
          email: ['Taken.'],
          shipping_address: { city: ['Required.'] },
          coupon: ['Expired.'],
        }),
        ['email', 'shipping_address.city'],
      ),
    );
    expect(result.current.errors).toEqual({
      email: 'Taken.',
      'shipping_address.city': 'Required.',
    });
    expect(result.current.formError).toBe('coupon: Expired.');

    act(() => result.current.showApiError(new ApiError(429, 'throttled', 'Slow down.')));
    expect(result.current.errors).toEqual({});
    expect(result.current.formError).toBe('Slow down.');
    act(() => result.current.clear());
    expect(result.current.formError).toBeNull();
  });
});
