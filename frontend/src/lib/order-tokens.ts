import { storage } from './store';

/**
 * A guest reads and manages an order it placed with the order's `access_token` (sent as
 * `X-Order-Token`): checkout answers it once, so the storefront keeps it here, per order number,
 * for the guest to come back to the order (tracking, returns) from this browser. Not a session
 * credential: it opens one order, and only the newest few are kept.
 */
const KEY = 'agora.orderTokens';
const KEEP = 20;

type Entry = { number: string; token: string };

function read(): Entry[] {
  const value = storage.read<unknown>(KEY);
  return Array.isArray(value)
    ? value.filter(
        (item): item is Entry =>
          typeof item === 'object' &&
          item !== null &&
          typeof (item as Entry).number === 'string' &&
          typeof (item as Entry).token === 'string',
      )
    : [];
}

export const orderTokens = {
  get(number: string): string | null {
    return read().find((entry) => entry.number === number)?.token ?? null;
  },
  remember(number: string, token: string): void {
    const rest = read().filter((entry) => entry.number !== number);
    storage.write(KEY, [{ number, token }, ...rest].slice(0, KEEP));
  },
};

/** The header that opens a guest's order, when this browser placed it. */
export function orderTokenHeaders(number: string): Record<string, string> | undefined {
  const token = orderTokens.get(number);
  return token ? { 'X-Order-Token': token } : undefined;
}
