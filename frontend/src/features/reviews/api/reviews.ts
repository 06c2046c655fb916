import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api';
import { errorMessage } from '@/lib/errors';
import type { Schema } from '@/lib/types';

export type PublicReview = Schema<'PublicReview'>;
export type ProductReviewsPage = Schema<'ProductReviewsPage'>;
export type MyReview = Schema<'MyReview'>;
export type Purchase = Schema<'Purchase'>;
export type ReviewInput = Schema<'ReviewCreateInputRequest'>;
export type ReviewChange = Schema<'PatchedReviewUpdateInputRequest'>;

export const REVIEW_ORDERINGS = [
  { value: '-created_at', label: 'Newest first' },
  { value: '-rating', label: 'Highest rated' },
  { value: 'rating', label: 'Lowest rated' },
] as const;

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export function checkPhoto(file: File): string | null {
  if (!PHOTO_TYPES.includes(file.type)) return 'Choose a JPEG, PNG or WebP image.';
  if (file.size > MAX_PHOTO_BYTES) return 'Photos can be at most 10 MB.';
  return null;
}

export function useProductReviews(slug: string, page: number, ordering: string) {
  return useQuery({
    queryKey: ['reviews', 'product', slug, page, ordering],
    queryFn: ({ signal }) =>
      api<ProductReviewsPage>(`/products/${encodeURIComponent(slug)}/reviews/`, {
        signal,
        query: { page, ordering },
      }),
    placeholderData: keepPreviousData,
  });
}

/** What the shopper has not reviewed yet, newest first: filtered by the API, so an older line
 * is found however many newer ones were reviewed (the first 100; the count says if there are more). */
export function usePurchasesToReview() {
  return useQuery({
    queryKey: ['reviews', 'purchases', 'to-review'],
    queryFn: ({ signal }) =>
      api<Paginated<Purchase>>('/me/purchases/', {
        signal,
        query: { to_review: true, page_size: 100 },
      }),
  });
}

export function useMyReviews(page: number) {
  return useQuery({
    queryKey: ['reviews', 'mine', page],
    queryFn: ({ signal }) => api<Paginated<MyReview>>('/me/reviews/', { signal, query: { page } }),
  });
}

function useInvalidateReviews() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['reviews'] });
}

/** A saved review, and why a photo could not be added to it (null when all were). */
export type WrittenReview = { review: MyReview; photoProblem: string | null };

/** Writes the review, then adds its photos one by one (each checked like a product image). A
 * photo refused (too large, not an image) leaves the review saved: it says why, for the page. */
export function useWriteReview() {
  const invalidate = useInvalidateReviews();
  return useMutation({
    mutationFn: async ({
      id,
      input,
      photos,
    }: {
      id?: number | undefined;
      input: ReviewInput | ReviewChange;
      photos: File[];
    }) => {
      const review = id
        ? await api<MyReview>(`/me/reviews/${id}/`, { method: 'PATCH', body: input })
        : await api<MyReview>('/me/reviews/', { method: 'POST', body: input });
      for (const photo of photos) {
        const form = new FormData();
        form.append('image', photo, photo.name);
        try {
          await api<Schema<'ReviewPhoto'>>(`/me/reviews/${review.id}/photos/`, {
            method: 'POST',
            body: form,
          });
        } catch (error) {
          return { review, photoProblem: `${photo.name}: ${errorMessage(error)}` };
        }
      }
      return { review, photoProblem: null } satisfies WrittenReview;
    },
    onSettled: invalidate,
  });
}

export function useDeleteReview() {
  const invalidate = useInvalidateReviews();
  return useMutation({
    mutationFn: (review: MyReview) =>
      api<undefined>(`/me/reviews/${review.id}/`, { method: 'DELETE' }),
    onSettled: invalidate,
  });
}

export function useDeletePhoto() {
  const invalidate = useInvalidateReviews();
  return useMutation({
    mutationFn: ({ review, photo }: { review: MyReview; photo: number }) =>
      api<undefined>(`/me/reviews/${review.id}/photos/${photo}/`, { method: 'DELETE' }),
    onSettled: invalidate,
  });
}
