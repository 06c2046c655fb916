import { Link } from 'react-router';
import { ErrorMessage, EmptyState } from '@/components/ui/Feedback';
import { ProductGrid, ProductGridSkeleton } from '@/components/ui/ProductCard';
import { useDocumentTitle } from '@/lib/hooks';
import { FEATURED_PRODUCTS, useCategories, useProducts } from '../api/catalog';

export function HomePage() {
  useDocumentTitle('Independent makers, one checkout');
  const categories = useCategories();
  const featured = useProducts(FEATURED_PRODUCTS);

  return (
    <div className="stack-lg">
      <section className="hero">
        <h1>Independent makers, one checkout</h1>
        <p>Browse products from vendors across the marketplace and pay once.</p>
        <Link className="btn btn--primary" to="/products">
          Shop all products
        </Link>
      </section>

      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">Shop by category</h2>
        {categories.isPending ? (
          <p className="muted">Loading categories…</p>
        ) : categories.isError ? (
          <ErrorMessage error={categories.error} onRetry={() => void categories.refetch()} />
        ) : categories.data.length === 0 ? (
          <EmptyState title="No categories yet" />
        ) : (
          <ul className="chips">
            {categories.data.map((category) => (
              <li key={category.slug}>
                <Link
                  className="chip"
                  to={`/products?category=${encodeURIComponent(category.slug)}`}
                >
                  {category.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="featured-heading">
        <div className="section-head">
          <h2 id="featured-heading">Featured products</h2>
          <Link to="/products">See all</Link>
        </div>
        {featured.isPending ? (
          <ProductGridSkeleton count={8} />
        ) : featured.isError ? (
          <ErrorMessage error={featured.error} onRetry={() => void featured.refetch()} />
        ) : featured.data.results.length === 0 ? (
          <EmptyState title="Nothing for sale yet">
            Vendors are getting their shelves ready.
          </EmptyState>
        ) : (
          <ProductGrid products={featured.data.results} label="Featured products" />
        )}
      </section>
    </div>
  );
}
