import type { ReactNode } from 'react';
import { SelectField } from '@/components/ui/Field';
import { productCount } from '@/lib/format';
import { ORDERINGS, flattenCategories, useCategories } from '../api/catalog';

/** The product list's and a vendor shop's "Category" select: `category`, or all of them. */
export function CategorySelect({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (category: string | undefined) => void;
}) {
  const categories = useCategories();
  return (
    <SelectField
      label="Category"
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value || undefined)}
    >
      <option value="">All categories</option>
      {flattenCategories(categories.data ?? []).map((option) => (
        <option key={option.slug} value={option.slug}>
          {option.label}
        </option>
      ))}
    </SelectField>
  );
}

/** The head of a catalog listing's results: its heading, how many products ("About 12,000
 * products" when the API only estimates), and the "Sort by" select. */
export function ListingHead({
  heading,
  count,
  countIsEstimate = false,
  ordering,
  onOrderingChange,
}: {
  heading: ReactNode;
  /** Unknown while the first page loads: no count line then. */
  count: number | undefined;
  countIsEstimate?: boolean | undefined;
  ordering: string | undefined;
  onOrderingChange: (ordering: string | undefined) => void;
}) {
  return (
    <div className="section-head">
      <div>
        {heading}
        {count !== undefined ? (
          <p className="muted" aria-live="polite">
            {productCount(count, countIsEstimate)}
          </p>
        ) : null}
      </div>
      <SelectField
        label="Sort by"
        className="field--inline"
        value={ordering ?? ''}
        onChange={(event) => onOrderingChange(event.target.value || undefined)}
      >
        {ORDERINGS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
