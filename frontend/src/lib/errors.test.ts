import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, flattenErrorDetails } from './errors';

describe('flattenErrorDetails', () => {
  it('flattens nested objects and lists of objects to dot paths', () => {
    expect(
      flattenErrorDetails({
        email: ['Bad email.'],
        shipping_address: { postal_code: ['Too long.'], country: 'Unknown.' },
        variants: [{}, { sku: ['Duplicate SKU.'] }],
        non_field_errors: ['Something else.'],
      }),
    ).toEqual({
      email: ['Bad email.'],
      'shipping_address.postal_code': ['Too long.'],
      'shipping_address.country': ['Unknown.'],
      'variants.1.sku': ['Duplicate SKU.'],
      non_field_errors: ['Something else.'],
    });
  });

  it('keeps dot-path keys that the server already flattened', () => {
    expect(flattenErrorDetails({ 'shipping_address.city': ['Required.'] })).toEqual({
      'shipping_address.city': ['Required.'],
    });
  });

  it('only exposes field errors for validation errors', () => {
    expect(
      new ApiError(409, 'insufficient_stock', 'x', { variant_id: 1, available: 0 }).fieldErrors,
    ).toEqual({});
  });
});

describe('errorMessage', () => {
  it('prefers the server message and words network trouble for people', () => {
    expect(errorMessage(new ApiError(402, 'payment_declined', 'Your card was declined.'))).toBe(
      'Your card was declined.',
    );
    expect(errorMessage(new ApiError(0, 'network_error', 'Network error.'))).toMatch(
      /could not reach the server/,
    );
    expect(errorMessage(new ApiError(500, 'server_error', 'Traceback…'))).toMatch(/on our side/);
    expect(errorMessage(new ApiError(404, 'not_found', ''))).toMatch(/could not find/);
    expect(errorMessage(new Error('plain'))).toBe('plain');
    expect(errorMessage(undefined)).toBe('Something went wrong.');
  });
});
