import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api';

export type SearchHit = {
  id: number;
  slug: string;
  name: string;
  vendor: { slug: string; name: string };
  category: { slug: string; name: string } | null;
  price_from: string | null;
  currency: string;
  in_stock: boolean;
  thumbnail: string | null;
};

export type TermFacet = { slug: string; name: string; count: number };
export type PriceFacet = {
  min: string | number | null;
  max: string | number | null;
  count: number;
};

/** A filterable attribute (staff choose them) with its most common values in the results. */
export type AttributeFacet = {
  key: string;
  name: string;
  values: { value: string; count: number }[];
};

export type SearchResponse = Paginated<SearchHit> & {
  facets?: {
    category?: TermFacet[];
    vendor?: TermFacet[];
    price?: PriceFacet[];
    attributes?: AttributeFacet[];
  };
  /** The words searched for with typos corrected; null when nothing was corrected. */
  corrected_query?: string | null;
  corrections?: { word: string; correction: string }[];
  /** Words left out because no product matched them together with the others. */
  dropped_words?: string[];
};

export type SearchParams = {
  q: string;
  category?: string | undefined;
  vendor?: string | undefined;
  min_price?: string | undefined;
  max_price?: string | undefined;
  in_stock?: boolean | undefined;
  ordering?: string | undefined;
  page?: number | undefined;
  /** `key:value` pairs; values of one key are alternatives. */
  attribute?: string[] | undefined;
  /** The words as typed: no corrections, no words left out. */
  exact?: boolean | undefined;
};

/** `attribute=key:value` of the URL, as the API takes it. */
export function attributeFilter(key: string, value: string): string {
  return `${key}:${value}`;
}

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
    attribute: params.getAll('attribute').length ? params.getAll('attribute') : undefined,
    exact: params.get('exact') === 'true' ? true : undefined,
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
