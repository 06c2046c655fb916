import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { Img } from '@/components/ui/Image';
import { Pagination } from '@/components/ui/Pagination';
import { formatDate, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import { useVendorProducts } from '../api/vendor';

export function VendorProductsPage() {
  useDocumentTitle('Your products');
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const products = useVendorProducts(page);
  return (
    <section className="stack" aria-labelledby="vp-heading">
      <div className="section-head">
        <h2 id="vp-heading">Products</h2>
        <Link className="btn btn--primary" to="/vendor/products/new">
          New product
        </Link>
      </div>
      {products.isPending ? (
        <Spinner label="Loading products…" />
      ) : products.isError ? (
        <ErrorMessage error={products.error} onRetry={() => void products.refetch()} />
      ) : products.data.results.length === 0 ? (
        <EmptyState title="No products yet">
          <Link to="/vendor/products/new">Create your first product</Link> or{' '}
          <Link to="/vendor/imports">import a CSV</Link>.
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Your products">
            {products.data.results.map((product) => (
              <li key={product.id} className="list__item">
                <Img
                  src={product.images[0]?.thumbnail_url ?? product.images[0]?.url}
                  alt=""
                  width={56}
                  height={56}
                  className="list__thumb"
                />
                <div className="grow">
                  <Link to={`/vendor/products/${product.id}`} className="list__title">
                    {product.name}
                  </Link>
                  <p className="muted">
                    {product.variants.length} {product.variants.length === 1 ? 'option' : 'options'}{' '}
                    · updated {formatDate(product.updated_at)}
                  </p>
                  {product.status === 'rejected' && product.rejection_reason ? (
                    <p className="field__error">Rejected: {product.rejection_reason}</p>
                  ) : null}
                </div>
                <span className={`badge badge--${product.status}`}>{humanize(product.status)}</span>
              </li>
            ))}
          </ul>
          <Pagination page={page} count={products.data.count} />
        </>
      )}
    </section>
  );
}
