import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { createIdempotencyKeeper } from './idempotency';

const body = { email: 'a@example.com', payment_token: 'tok_visa' };

describe('idempotency keeper', () => {
  it('reuses the key when the same submission is retried after a network failure or 5xx', () => {
    const keeper = createIdempotencyKeeper();
    const first = keeper.keyFor(body);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    keeper.settle(new ApiError(0, 'network_error', 'offline'));
    expect(keeper.keyFor({ ...body })).toBe(first);
    keeper.settle(new ApiError(503, 'server_error', 'busy'));
    expect(keeper.keyFor(body)).toBe(first);
  });

  it('starts a new attempt after a definite answer or a changed form', () => {
    const keeper = createIdempotencyKeeper();
    const first = keeper.keyFor(body);
    keeper.settle(new ApiError(402, 'payment_declined', 'Declined'));
    const second = keeper.keyFor(body);
    expect(second).not.toBe(first);
    const third = keeper.keyFor({ ...body, payment_token: 'tok_mastercard' });
    expect(third).not.toBe(second);
    keeper.settle();
    expect(keeper.peek()).toBeNull();
  });
});
