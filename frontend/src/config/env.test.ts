import { describe, expect, it } from 'vitest';
import { env, parseEnv } from './env';

describe('parseEnv', () => {
  it('defaults to same-origin API and no Stripe', () => {
    expect(parseEnv({ VITE_STRIPE_PUBLISHABLE_KEY: '', OTHER: 'x' })).toEqual({
      apiBaseUrl: '',
      stripePublishableKey: undefined,
    });
  });

  it('accepts a Stripe key and trims a trailing slash from the API origin', () => {
    expect(
      parseEnv({
        VITE_API_BASE_URL: 'https://api.example.com/',
        VITE_STRIPE_PUBLISHABLE_KEY: 'pk_test_123abc',
      }),
    ).toEqual({ apiBaseUrl: 'https://api.example.com', stripePublishableKey: 'pk_test_123abc' });
  });

  it('rejects malformed settings with a readable message', () => {
    expect(() => parseEnv({ VITE_STRIPE_PUBLISHABLE_KEY: 'sk_live_secret' })).toThrow(
      /VITE_STRIPE_PUBLISHABLE_KEY: must look like pk_test_/,
    );
    expect(() => parseEnv({ VITE_API_BASE_URL: 'ftp://nope' })).toThrow(/VITE_API_BASE_URL/);
  });

  it('exposes the settings Vite validated and inlined', () => {
    expect(env.apiBaseUrl).toBe('');
  });
});
