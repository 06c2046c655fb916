import { useWishlistKeys, useToggleHeart, type HeartTarget } from '../api/wishlist';

/** A heart that saves a product (on a card) or the chosen option (on the product page). */
export function WishlistHeart({ target, name }: { target: HeartTarget; name: string }) {
  const keys = useWishlistKeys();
  const toggle = useToggleHeart();
  const saved = target.variantId
    ? keys.variant_ids.includes(target.variantId)
    : keys.products.includes(target.product);
  return (
    <button
      type="button"
      className={['heart', saved ? 'heart--saved' : ''].join(' ')}
      aria-pressed={saved}
      aria-label={saved ? `Remove ${name} from your wishlist` : `Save ${name} to your wishlist`}
      title={saved ? 'Saved to your wishlist' : 'Save to your wishlist'}
      disabled={toggle.isPending}
      onClick={() => toggle.mutate({ target, saved })}
    >
      <span aria-hidden="true">{saved ? '♥' : '♡'}</span>
    </button>
  );
}
