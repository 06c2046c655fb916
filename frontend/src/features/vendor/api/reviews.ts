import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api';
import type { Schema } from '@/lib/types';

export type VendorReview = Schema<'VendorReview'>;

/** Published reviews of the vendor's products (only the unanswered ones on request). */
export function useVendorReviews(page: number, unanswered: boolean) {
  return useQuery({
    queryKey: ['vendor', 'reviews', page, unanswered],
    queryFn: ({ signal }) =>
      api<Paginated<VendorReview>>('/vendor/reviews/', {
        signal,
        query: { page, unanswered: unanswered || undefined },
      }),
    placeholderData: keepPreviousData,
  });
}

/** The vendor's one public answer to a review; the shopper is emailed. */
export function useReplyToReview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ review, text }: { review: VendorReview; text: string }) =>
      api<VendorReview>(`/vendor/reviews/${review.id}/reply/`, { method: 'POST', body: { text } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['vendor', 'reviews'] }),
  });
}
