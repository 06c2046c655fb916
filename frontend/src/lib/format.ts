const formatters = new Map<string, Intl.NumberFormat>();

/** Money arrives as a decimal string; it is only formatted here, never computed. */
/** Loads the locale's number-formatting data ahead of time, when the main thread is idle. */
export function warmUpFormatting(currency = 'EUR'): void {
  const warm = () => void formatMoney(0, currency);
  if (typeof window !== 'undefined' && 'requestIdleCallback' in window)
    window.requestIdleCallback(warm, { timeout: 2000 });
  else setTimeout(warm, 0);
}

export function formatMoney(amount: string | number | null | undefined, currency = 'EUR'): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (Number.isNaN(value)) return `${amount} ${currency}`;
  let formatter = formatters.get(currency);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${value.toFixed(2)} ${currency}`;
    }
    formatters.set(currency, formatter);
  }
  return formatter.format(value);
}

/** The sum of decimal money strings, added in cents so 0.1 + 0.2 stays 0.30. For showing an
 * estimate (cart subtotal + the chosen shipping) only: the order's total comes from the server. */
export function addMoney(...amounts: string[]): string {
  const cents = amounts.reduce((sum, amount) => sum + Math.round(Number(amount) * 100), 0);
  return (cents / 100).toFixed(2);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Money strings equal to zero ("0.00") — free shipping, nothing refunded. */
export function isZeroMoney(amount: string | null | undefined): boolean {
  return amount !== null && amount !== undefined && amount !== '' && Number(amount) === 0;
}

/** A delivery estimate in days, as the API gives it: `2–5 days`, `1 day`. */
export function deliveryEstimate(
  min: number | null | undefined,
  max: number | null | undefined,
): string {
  if (min === null || min === undefined) {
    if (max === null || max === undefined) return '';
    return `up to ${max} ${max === 1 ? 'day' : 'days'}`;
  }
  if (max === null || max === undefined || max === min)
    return `${min} ${min === 1 ? 'day' : 'days'}`;
  return `${min}–${max} days`;
}

/** `pending_review` → `Pending review` */
export function humanize(code: string | null | undefined): string {
  if (!code) return '';
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
