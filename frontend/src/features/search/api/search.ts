import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { isMinRating } from '@/lib/ratings';
import type { ListingFilters } from '@/lib/filters';
import type { Schema } from '@/lib/types';

export type SearchHit = Schema<'SearchHit'>;
export type TermFacet = Schema<'FacetBucket'>;
export type PriceFacet = Schema<'PriceBucket'>;
export type SearchResponse = Schema<'SearchPage'>;
/** A filterable attribute (staff choose them) with its most common values in the results. */
export type AttributeFacet = Schema<'AttributeFacet'>;

export type SearchParams = ListingFilters & {
  q: string;
  /** `key:value` pairs; values of one key are alternatives. */
  attribute?: string[] | undefined;
  /** The words as typed: no corrections, no words left out. */
  exact?: boolean | undefined;
};

/** `attribute=key:value` of the URL, as the API takes it. */
export function attributeFilter(key: string, value: string): string {
  return `${key}:${value}`;
}

export type Suggestion = Schema<'Suggestion'>;

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
    min_rating: isMinRating(text('min_rating')) ? text('min_rating') : undefined,
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
      api<Schema<'SuggestResponse'>>('/search/suggest/', { signal, query: { q } }),
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
