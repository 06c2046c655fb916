import { useState } from 'react';
import { Link } from 'react-router';
import { Price } from '@/components/ui/Price';
import { errorMessage, isApiError } from '@/lib/errors';
import { humanize } from '@/lib/format';
import { useRemoveCartLine, useUpdateCartLine, type Cart, type CartLine } from '../api/cart';

function lineError(error: unknown): string {
  if (isApiError(error) && error.code === 'insufficient_stock') {
    const available = Number((error.details as { available?: unknown }).available);
    return Number.isFinite(available) ? `Only ${available} available.` : 'Not enough stock.';
  }
  return errorMessage(error);
}

function Line({
  line,
  editable,
  problem,
}: {
  line: CartLine;
  editable: boolean;
  problem?: string | undefined;
}) {
  const update = useUpdateCartLine();
  const remove = useRemoveCartLine();
  const [error, setError] = useState<string | null>(null);
  const busy = update.isPending || remove.isPending;
  // The contract only promises the product slug; a product_name, when sent, reads better.
  const productName = line.variant.product_name ?? humanize(line.variant.product_slug);
  const variantName =
    line.variant.name && line.variant.name !== productName ? line.variant.name : null;
  const name = variantName ? `${productName} (${variantName})` : productName;
  const errorId = `line-${line.id}-error`;

  const atMost = line.quantity >= 99;
  const setQuantity = (quantity: number) => {
    // Busy controls stay focusable (aria-disabled): a disabled one would drop focus to <body>.
    if (busy || quantity > 99) return;
    setError(null);
    if (quantity < 1) {
      remove.mutate(line.id, { onError: (e) => setError(lineError(e)) });
    } else {
      update.mutate({ lineId: line.id, quantity }, { onError: (e) => setError(lineError(e)) });
    }
  };

  const message = error ?? problem;
  return (
    <li className="line" aria-busy={busy || undefined}>
      <div className="line__main">
        <Link to={`/products/${line.variant.product_slug}`} className="line__name">
          {productName}
        </Link>
        {variantName ? <span className="muted"> — {variantName}</span> : null}
        <p className="muted line__unit">
          <Price amount={line.unit_price} /> each
        </p>
      </div>
      {editable ? (
        <div className="qty" role="group" aria-label={`Quantity of ${name}`}>
          <button
            type="button"
            className="qty__btn"
            aria-label={`Decrease quantity of ${name}`}
            aria-disabled={busy || undefined}
            onClick={() => setQuantity(line.quantity - 1)}
          >
            −
          </button>
          <output className="qty__value" aria-live="polite" aria-label={`Quantity of ${name}`}>
            {line.quantity}
          </output>
          <button
            type="button"
            className="qty__btn"
            aria-label={`Increase quantity of ${name}`}
            aria-disabled={busy || atMost || undefined}
            onClick={() => setQuantity(line.quantity + 1)}
          >
            +
          </button>
          <button
            type="button"
            className="btn btn--ghost line__remove"
            aria-disabled={busy || undefined}
            onClick={() => setQuantity(0)}
            aria-label={`Remove ${name} from cart`}
          >
            Remove
          </button>
        </div>
      ) : (
        <span className="muted">× {line.quantity}</span>
      )}
      <p className="line__total">
        <Price amount={line.line_total} />
      </p>
      {message ? (
        <p className="field__error line__error" id={errorId} role="alert">
          {message}
        </p>
      ) : null}
    </li>
  );
}

/** Cart lines with quantity steppers; `problems` maps a variant id to a message (e.g. stock). */
export function CartLines({
  cart,
  editable = true,
  problems = {},
}: {
  cart: Cart;
  editable?: boolean;
  problems?: Record<number, string>;
}) {
  return (
    <ul className="lines" aria-label="Cart items">
      {cart.items.map((line) => (
        <Line key={line.id} line={line} editable={editable} problem={problems[line.variant.id]} />
      ))}
    </ul>
  );
}
