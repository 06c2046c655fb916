import { ProductPage } from '@/features/catalog/components/ProductPage';
import { AddToCart } from '@/features/cart/components/AddToCart';

export function Component() {
  return <ProductPage renderAddToCart={(variant) => <AddToCart variant={variant} />} />;
}
