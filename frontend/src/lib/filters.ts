import { useSearchParams } from 'react-router';

/** The filters, ordering and page a product listing takes: the catalog's and the search's alike. */
export type ListingFilters = {
  category?: string | undefined;
  vendor?: string | undefined;
  min_price?: string | undefined;
  max_price?: string | undefined;
  in_stock?: boolean | undefined;
  min_rating?: string | undefined;
  ordering?: string | undefined;
  page?: number | undefined;
};

/** How many of a listing's filters are on (the catalog's and the search's alike): a price range
 * counts once, however many of its ends are set. */
export function activeFilterCount(filters: ListingFilters): number {
  return [
    filters.category,
    filters.vendor,
    filters.min_price || filters.max_price,
    filters.in_stock,
    filters.min_rating,
  ].filter(Boolean).length;
}

/** useListingParams' `update`, which listing controls are given. */
export type ListingUpdate = (changes: Record<string, string | undefined>) => void;

/** The URL's query as a listing's state. `update` sets (or, given nothing, clears) keys, and any
 * change starts again from page 1. */
export function useListingParams() {
  const [params, setParams] = useSearchParams();
  const update: ListingUpdate = (changes) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete('page');
    setParams(next);
  };
  return [params, setParams, update] as const;
}
