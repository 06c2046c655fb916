import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { errorMessage, isApiError } from '@/lib/errors';
import { cartDrawerStore, useAddToCart } from '../api/cart';

type Props = { variant: { id: number; stock_available: number } | null };

export function AddToCart({ variant }: Props) {
  const add = useAddToCart();
  const [quantity, setQuantity] = useState(1);
  const qtyId = useId();
  const errorId = useId();
  const max = Math.max(1, Math.min(99, variant?.stock_available ?? 1));
  const soldOut = !variant || variant.stock_available <= 0;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!variant) return;
    add.mutate(
      { variantId: variant.id, quantity: Math.min(quantity, max) },
      { onSuccess: () => cartDrawerStore.set(true) },
    );
  };

  let error: string | null = null;
  if (add.isError) {
    error =
      isApiError(add.error) && add.error.code === 'insufficient_stock'
        ? `Only ${String((add.error.details as { available?: unknown }).available ?? 'a few')} available — some may already be in your cart.`
        : errorMessage(add.error);
  }

  return (
    <form
      className="add-to-cart"
      onSubmit={onSubmit}
      aria-describedby={error ? errorId : undefined}
    >
      <label htmlFor={qtyId} className="field__label">
        Quantity
      </label>
      <input
        id={qtyId}
        className="field__control add-to-cart__qty"
        type="number"
        min={1}
        max={max}
        value={quantity}
        disabled={soldOut}
        onChange={(event) => setQuantity(Math.max(1, Number(event.target.value) || 1))}
      />
      <Button type="submit" busy={add.isPending} disabled={soldOut}>
        {soldOut ? 'Sold out' : 'Add to cart'}
      </Button>
      {add.isSuccess ? (
        <p className="muted" role="status">
          Added to your cart.
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
