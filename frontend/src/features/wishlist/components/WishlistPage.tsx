import { Link, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { Img } from '@/components/ui/Image';
import { Pagination } from '@/components/ui/Pagination';
import { Price } from '@/components/ui/Price';
import { Rating } from '@/components/ui/Rating';
import { useDocumentTitle } from '@/lib/hooks';
import { useMoveToCart, useRemoveFromWishlist, useWishlist } from '../api/wishlist';

/** The signed-in shopper's saved options; each button is one the API says it allows. */
export function WishlistPage() {
  useDocumentTitle('Your wishlist');
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const wishlist = useWishlist(page);
  const remove = useRemoveFromWishlist();
  const move = useMoveToCart();
  return (
    <section className="stack" aria-labelledby="wishlist-heading">
      <h2 id="wishlist-heading">Wishlist</h2>
      {move.isSuccess ? (
        <Notice tone="success">
          Moved to your cart. <Link to="/cart">Go to the cart</Link>
        </Notice>
      ) : null}
      <ErrorMessage error={move.error ?? remove.error} />
      {wishlist.isPending ? (
        <Spinner label="Loading your wishlist…" />
      ) : wishlist.isError ? (
        <ErrorMessage error={wishlist.error} onRetry={() => void wishlist.refetch()} />
      ) : wishlist.data.results.length === 0 ? (
        <EmptyState title="Your wishlist is empty">
          Tap the heart on a product to save it for later.{' '}
          <Link to="/products">Browse products</Link>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Saved products">
            {wishlist.data.results.map((entry) => (
              <li key={entry.id} className="list__item wish">
                <Img
                  src={entry.product.thumbnail}
                  alt=""
                  width={64}
                  height={64}
                  sizes="64px"
                  className="wish__img"
                />
                <div className="grow">
                  <Link to={`/products/${entry.product.slug}`} className="list__title">
                    {entry.product.name}
                  </Link>
                  <p className="muted">
                    {entry.variant.name} · by{' '}
                    <Link to={`/vendors/${entry.product.vendor.slug}`}>
                      {entry.product.vendor.name}
                    </Link>
                  </p>
                  <Rating
                    average={entry.product.rating_average}
                    count={entry.product.rating_count}
                  />
                </div>
                <Price amount={entry.variant.price} currency={entry.variant.currency} />
                {entry.available ? null : <span className="badge badge--muted">Unavailable</span>}
                <div className="row">
                  {entry.actions.includes('move_to_cart') ? (
                    <Button
                      busy={move.isPending && move.variables?.id === entry.id}
                      onClick={() => move.mutate(entry)}
                    >
                      Move to cart
                    </Button>
                  ) : null}
                  {entry.actions.includes('remove') ? (
                    <Button
                      variant="ghost"
                      busy={remove.isPending && remove.variables?.id === entry.id}
                      onClick={() => remove.mutate(entry)}
                      aria-label={`Remove ${entry.product.name} from your wishlist`}
                    >
                      Remove
                    </Button>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
          <Pagination page={page} count={wishlist.data.count} />
        </>
      )}
    </section>
  );
}
