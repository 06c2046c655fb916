import { describe, expect, it } from 'vitest';
import { env, parseEnv } from './env';

describe('parseEnv', () => {
  it('defaults to a same-origin API and ignores other variables', () => {
    expect(parseEnv({ VITE_API_BASE_URL: '', OTHER: 'x' })).toEqual({ apiBaseUrl: '' });
  });

  it('trims a trailing slash from the API origin', () => {
    expect(parseEnv({ VITE_API_BASE_URL: 'https://api.example.com/' })).toEqual({
      apiBaseUrl: 'https://api.example.com',
    });
  });

  it('rejects malformed settings with a readable message', () => {
    expect(() => parseEnv({ VITE_API_BASE_URL: 'ftp://nope' })).toThrow(/VITE_API_BASE_URL/);
  });

  it('exposes the settings Vite validated and inlined', () => {
    expect(env.apiBaseUrl).toBe('');
  });
});
