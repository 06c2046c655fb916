import { createContext, useContext, type ReactNode } from 'react';
import { Link } from 'react-router';
import { EAGER_CARD_IMAGES } from '@/lib/images';
import type { Schema } from '@/lib/types';
import { Img } from './Image';
import { Price } from './Price';
import { Rating } from './Rating';
import { Skeleton } from './Feedback';

/** What a card shows: a product of the list or a search hit (both from the API's schema). */
export type ProductCardData = Pick<
  Schema<'ProductSummary'>,
  | 'id'
  | 'slug'
  | 'name'
  | 'price_from'
  | 'currency'
  | 'in_stock'
  | 'thumbnail'
  | 'rating_average'
  | 'rating_count'
> & { vendor: Schema<'SlugName'> | null };

/** Something to put on each card (the wishlist heart): the app provides it for every grid. */
export type CardAction = (product: ProductCardData) => ReactNode;
// eslint-disable-next-line react-refresh/only-export-components -- the provider's value, beside its one user
export const CardActionContext = createContext<CardAction | undefined>(undefined);

const CARD_SIZES = '(min-width: 1100px) 240px, (min-width: 700px) 30vw, 50vw';

export function ProductCard({
  product,
  priority = false,
  action,
}: {
  product: ProductCardData;
  priority?: boolean;
  action?: CardAction | undefined;
}) {
  return (
    <article className="card">
      <Link to={`/products/${product.slug}`} className="card__link">
        <Img
          src={product.thumbnail}
          alt=""
          width={400}
          height={400}
          sizes={CARD_SIZES}
          priority={priority}
          className="card__img"
        />
        <h3 className="card__title">{product.name}</h3>
      </Link>
      {action ? <div className="card__action">{action(product)}</div> : null}
      {product.vendor ? (
        <p className="card__vendor">
          by <Link to={`/vendors/${product.vendor.slug}`}>{product.vendor.name}</Link>
        </p>
      ) : null}
      <Rating average={product.rating_average} count={product.rating_count} />
      <p className="card__meta">
        <Price amount={product.price_from} currency={product.currency} from />
        {product.in_stock ? null : <span className="badge badge--muted">Out of stock</span>}
      </p>
    </article>
  );
}

export function ProductGrid({
  products,
  label,
  action,
}: {
  products: ProductCardData[];
  label: string;
  action?: CardAction | undefined;
}) {
  const provided = useContext(CardActionContext);
  action ??= provided;
  return (
    <ul className="grid" aria-label={label}>
      {products.map((product, index) => (
        <li key={product.id}>
          {/* The first row is likely above the fold: load it eagerly for a fast LCP. */}
          <ProductCard product={product} priority={index < EAGER_CARD_IMAGES} action={action} />
        </li>
      ))}
    </ul>
  );
}

export function ProductGridSkeleton({ count = 8 }: { count?: number }) {
  return (
    <ul className="grid" aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        <li key={index}>
          <div className="card">
            <Skeleton className="skeleton--square" />
            <Skeleton className="skeleton--line" />
            <Skeleton className="skeleton--line skeleton--short" />
          </div>
        </li>
      ))}
    </ul>
  );
}
