import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated, type ProductSummary } from '@/lib/api';
import type { ListingFilters } from '@/lib/filters';

/** Search answers the catalog listing's product summary. */
export type SearchHit = ProductSummary;

export type TermFacet = { slug: string; name: string; count: number };
export type PriceFacet = {
  min: string | number | null;
  max: string | number | null;
  count: number;
};

export type SearchResponse = Paginated<SearchHit> & {
  facets?: { category?: TermFacet[]; vendor?: TermFacet[]; price?: PriceFacet[] };
};

export type SearchParams = ListingFilters & { q: string };

export type Suggestion = { text: string; slug: string };

export const SEARCH_PAGE_SIZE = 24;

export function searchParamsFromUrl(params: URLSearchParams): SearchParams {
  const text = (key: string) => params.get(key)?.trim() || undefined;
  const page = Number(params.get('page'));
  return {
    q: params.get('q')?.trim() ?? '',
    category: text('category'),
    vendor: text('vendor'),
    min_price: text('min_price'),
    max_price: text('max_price'),
    in_stock: params.get('in_stock') === 'true' ? true : undefined,
    ordering: text('ordering'),
    page: Number.isInteger(page) && page > 1 ? page : undefined,
  };
}

export const searchQueryOptions = (params: SearchParams) =>
  queryOptions({
    queryKey: ['search', params],
    queryFn: ({ signal }) =>
      api<SearchResponse>('/search/', {
        signal,
        query: { page_size: SEARCH_PAGE_SIZE, ...params },
      }),
    placeholderData: keepPreviousData,
  });

export function useSearch(params: SearchParams) {
  return useQuery({ ...searchQueryOptions(params), enabled: params.q.length > 0 });
}

export const suggestQueryOptions = (q: string) =>
  queryOptions({
    queryKey: ['search', 'suggest', q],
    queryFn: ({ signal }) =>
      api<{ suggestions: Suggestion[] }>('/search/suggest/', { signal, query: { q } }),
    select: (data) => data.suggestions.slice(0, 10),
    staleTime: 60_000,
  });

/** Suggestions for a (debounced) prefix; nothing is asked for fewer than two letters. */
export function useSuggestions(q: string) {
  const prefix = q.trim();
  return useQuery({
    ...suggestQueryOptions(prefix),
    enabled: prefix.length >= 2,
    placeholderData: keepPreviousData,
  });
}
