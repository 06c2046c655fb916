import { z } from 'zod';

export type Env = {
  /** Origin of the API; empty means "same origin as the page" (the backend serves the SPA). */
  apiBaseUrl: string;
};
// Payment methods (and Stripe's publishable key) come from the API at run time
// (GET /payment-methods/), so one build serves every environment.

// Built on demand: the browser bundle never calls parseEnv, so zod is tree-shaken out of
// the initial JavaScript (it would cost ~14 kB gzip on every page).
const envSchema = () =>
  z.object({
    VITE_API_BASE_URL: z
      .union([z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), z.literal('')])
      .default(''),
  });

/**
 * Check the VITE_* settings. Vite inlines them at build time, so vite.config.ts runs this
 * when the dev server or the build starts: a bad setting fails the build, not the shopper.
 */
export function parseEnv(raw: Record<string, unknown>): Env {
  // An empty variable in a .env file means "not configured", not "invalid".
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => key.startsWith('VITE_') && value !== ''),
  );
  const result = envSchema().safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid frontend environment: ${problems}`);
  }
  return { apiBaseUrl: result.data.VITE_API_BASE_URL.replace(/\/$/, '') };
}

declare const __AGORA_ENV__: Env;

/** The validated settings, inlined by Vite's `define` (see vite.config.ts). */
export const env: Env = typeof __AGORA_ENV__ === 'undefined' ? { apiBaseUrl: '' } : __AGORA_ENV__;
