import type { ReactNode } from 'react';
import { formatMoney } from '@/lib/format';

export function Price({
  amount,
  currency,
  from = false,
}: {
  amount: string | null | undefined;
  currency?: string | undefined;
  from?: boolean;
}) {
  if (amount === null || amount === undefined) return null;
  return (
    <span className="price">
      {from ? <span className="price__from">from </span> : null}
      {formatMoney(amount, currency)}
    </span>
  );
}

/** One row of an order's totals (`<dl className="totals-list">`): a label and an amount. */
export function TotalsRow({
  label,
  amount,
  currency,
  total = false,
  value,
}: {
  label: ReactNode;
  amount: string | null | undefined;
  currency?: string | undefined;
  /** The grand total: set apart and bold. */
  total?: boolean;
  /** Shown instead of the amount (e.g. "Free"). */
  value?: ReactNode;
}) {
  return (
    <div className={total ? 'totals-list__total' : undefined}>
      <dt>{label}</dt>
      <dd>{value ?? <Price amount={amount} currency={currency} />}</dd>
    </div>
  );
}
