import { isApiError } from './errors';
import { uuid } from './uuid';

/**
 * One Idempotency-Key per checkout attempt. Retrying the same submission (network
 * failure, 5xx, double click, or a 409 saying the first request with this key is still
 * being worked on) reuses the key so the server replays the first answer instead of
 * charging twice. Once the server has given a definite answer (an order, or a 4xx such
 * as a decline), the next submission is a new attempt with a new key — otherwise a
 * corrected form would hit `idempotency_key_reused` or replay the decline.
 */
export function createIdempotencyKeeper() {
  let current: { key: string; fingerprint: string } | null = null;

  return {
    keyFor(body: unknown): string {
      const fingerprint = JSON.stringify(body);
      if (!current || current.fingerprint !== fingerprint) {
        current = { key: uuid(), fingerprint };
      }
      return current.key;
    },
    /** Call with the outcome of a request made with the current key. */
    settle(error?: unknown): void {
      const retryable =
        error !== undefined &&
        (!isApiError(error) || error.status === 0 || error.status >= 500 || isInProgress(error));
      if (!retryable) current = null;
    },
    peek(): string | null {
      return current?.key ?? null;
    },
  };
}

/** The server is still working on the first request with this key: retry with the same key. */
export function isInProgress(error: unknown): boolean {
  return (
    isApiError(error) && error.status === 409 && error.details.idempotency_key === 'in_progress'
  );
}

export type IdempotencyKeeper = ReturnType<typeof createIdempotencyKeeper>;
