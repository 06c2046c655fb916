import { CheckboxField } from '@/components/ui/Field';
import { RatingFilter } from '@/components/ui/RatingFilter';
import type { ListingFilters, ListingUpdate } from '@/lib/filters';

/** The filters every product listing has (the product list, the search and a vendor's shop):
 * a minimum rating and "In stock only". */
export function RatingAndStockFilters({
  filters,
  update,
}: {
  filters: Pick<ListingFilters, 'min_rating' | 'in_stock'>;
  update: ListingUpdate;
}) {
  return (
    <>
      <RatingFilter
        value={filters.min_rating}
        onChange={(minRating) => update({ min_rating: minRating })}
      />
      <CheckboxField
        label="In stock only"
        checked={filters.in_stock ?? false}
        onChange={(event) => update({ in_stock: event.target.checked ? 'true' : undefined })}
      />
    </>
  );
}
