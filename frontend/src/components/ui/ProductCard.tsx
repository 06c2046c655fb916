import { Link } from 'react-router';
import { EAGER_CARD_IMAGES } from '@/lib/images';
import { Img } from './Image';
import { Price } from './Price';
import { Skeleton } from './Feedback';

export type ProductCardData = {
  id: number;
  slug: string;
  name: string;
  vendor: { slug: string; name: string } | null;
  price_from: string | null;
  currency: string;
  in_stock: boolean;
  thumbnail: string | null;
};

const CARD_SIZES = '(min-width: 1100px) 240px, (min-width: 700px) 30vw, 50vw';

export function ProductCard({
  product,
  priority = false,
}: {
  product: ProductCardData;
  priority?: boolean;
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
      {product.vendor ? <p className="card__vendor">by {product.vendor.name}</p> : null}
      <p className="card__meta">
        <Price amount={product.price_from} currency={product.currency} from />
        {product.in_stock ? null : <span className="badge badge--muted">Out of stock</span>}
      </p>
    </article>
  );
}

export function ProductGrid({ products, label }: { products: ProductCardData[]; label: string }) {
  return (
    <ul className="grid" aria-label={label}>
      {products.map((product, index) => (
        <li key={product.id}>
          {/* The first row is likely above the fold: load it eagerly for a fast LCP. */}
          <ProductCard product={product} priority={index < EAGER_CARD_IMAGES} />
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
