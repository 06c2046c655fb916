import { ProductPage } from '@/features/catalog/components/ProductPage';
import { AddToCart } from '@/features/cart/components/AddToCart';
import { ProductReviews } from '@/features/reviews/components/ProductReviews';
import { WishlistHeart } from '@/features/wishlist/components/WishlistHeart';

export function Component() {
  return (
    <ProductPage
      renderAddToCart={(variant, product) => (
        <div className="row">
          <AddToCart variant={variant} />
          <WishlistHeart
            target={{ product: product.slug, variantId: variant?.id }}
            name={variant ? `${product.name} (${variant.name})` : product.name}
          />
        </div>
      )}
      renderReviews={(product) => <ProductReviews slug={product.slug} />}
    />
  );
}
