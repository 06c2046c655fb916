import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { Img } from '@/components/ui/Image';
import { Price } from '@/components/ui/Price';
import { Rating } from '@/components/ui/Rating';
import { isApiError } from '@/lib/errors';
import { useDocumentTitle } from '@/lib/hooks';
import { useProduct, type ProductDetail, type Variant } from '../api/catalog';

export type AddToCartSlot = (variant: Variant | null, product: ProductDetail) => ReactNode;
export type ProductSlot = (product: ProductDetail) => ReactNode;

function stockText(variant: Variant | null): { text: string; tone: string } {
  if (!variant) return { text: 'Choose an option', tone: 'muted' };
  if (variant.stock_available <= 0) return { text: 'Out of stock', tone: 'out' };
  if (variant.stock_available <= 5)
    return { text: `Only ${variant.stock_available} left`, tone: 'low' };
  return { text: 'In stock', tone: 'in' };
}

/** The cart and the reviews live in other features; the app passes their parts in. */
export function ProductPage({
  renderAddToCart,
  renderReviews,
}: {
  renderAddToCart: AddToCartSlot;
  renderReviews?: ProductSlot | undefined;
}) {
  const { slug = '' } = useParams();
  const product = useProduct(slug);
  useDocumentTitle(product.data?.name);

  if (product.isPending) return <Spinner label="Loading product…" />;
  if (product.isError) {
    return isApiError(product.error) && product.error.status === 404 ? (
      <div className="stack">
        <h1>Product not found</h1>
        <p>It may have been removed or is not available any more.</p>
        <Link to="/products">Browse all products</Link>
      </div>
    ) : (
      <ErrorMessage error={product.error} onRetry={() => void product.refetch()} />
    );
  }
  return (
    <>
      <ProductView product={product.data} renderAddToCart={renderAddToCart} />
      {renderReviews ? renderReviews(product.data) : null}
    </>
  );
}

function ProductView({
  product,
  renderAddToCart,
}: {
  product: ProductDetail;
  renderAddToCart: AddToCartSlot;
}) {
  const firstAvailable =
    product.variants.find((v) => v.stock_available > 0) ?? product.variants[0] ?? null;
  const [variantId, setVariantId] = useState<number | null>(firstAvailable?.id ?? null);
  const [imageIndex, setImageIndex] = useState(0);
  const variant = product.variants.find((v) => v.id === variantId) ?? null;
  const stock = stockText(variant);
  const image = product.images[imageIndex] ?? product.images[0];
  const attributes = Object.entries(product.attributes ?? {});

  return (
    <article className="product">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/products">Products</Link>
        {product.category ? (
          <>
            {' / '}
            <Link to={`/products?category=${encodeURIComponent(product.category.slug)}`}>
              {product.category.name}
            </Link>
          </>
        ) : null}
      </nav>
      <div className="product__gallery">
        <Img
          src={image?.url}
          alt={image?.alt || product.name}
          width={800}
          height={800}
          sizes="(min-width: 900px) 50vw, 100vw"
          priority
          className="product__image"
        />
        {product.images.length > 1 ? (
          <ul className="thumbs" aria-label="Product images">
            {product.images.map((img, index) => (
              <li key={img.url}>
                <button
                  type="button"
                  className="thumbs__btn"
                  aria-pressed={index === imageIndex}
                  aria-label={`Show image ${index + 1}`}
                  onClick={() => setImageIndex(index)}
                >
                  <Img src={img.url} alt="" width={80} height={80} sizes="80px" />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="product__info stack">
        <h1>{product.name}</h1>
        <p className="muted">
          by{' '}
          <Link to={`/vendors/${encodeURIComponent(product.vendor.slug)}`}>
            {product.vendor.name}
          </Link>
        </p>
        <Rating average={product.rating_average} count={product.rating_count} showEmpty />
        <p className="product__price">
          {variant ? (
            <Price amount={variant.price} currency={variant.currency} />
          ) : (
            <Price amount={product.price_from} currency={product.currency} from />
          )}
        </p>
        {product.variants.length > 1 ? (
          <fieldset className="variants">
            <legend>Option</legend>
            {product.variants.map((v) => (
              <label
                key={v.id}
                className={['variant', v.stock_available <= 0 ? 'variant--out' : ''].join(' ')}
              >
                <input
                  type="radio"
                  name="variant"
                  value={v.id}
                  checked={v.id === variantId}
                  onChange={() => setVariantId(v.id)}
                />
                <span>{v.name}</span>
                {v.stock_available <= 0 ? <span className="muted"> (sold out)</span> : null}
              </label>
            ))}
          </fieldset>
        ) : null}
        <p className={`stock stock--${stock.tone}`} aria-live="polite">
          {stock.text}
        </p>
        {renderAddToCart(variant, product)}
        {product.description ? (
          <div className="product__description">{product.description}</div>
        ) : null}
        {attributes.length ? (
          <dl className="attributes">
            {attributes.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </div>
    </article>
  );
}
