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
