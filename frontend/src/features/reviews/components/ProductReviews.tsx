import { useId, useState } from 'react';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { SelectField } from '@/components/ui/Field';
import { Rating, Stars } from '@/components/ui/Rating';
import { formatDate } from '@/lib/format';
import { REVIEW_ORDERINGS, useProductReviews, type PublicReview } from '../api/reviews';

/** The product's published reviews, its star breakdown and the vendors' replies. */
export function ProductReviews({ slug }: { slug: string }) {
  const [ordering, setOrdering] = useState<string>('-created_at');
  const [page, setPage] = useState(1);
  const reviews = useProductReviews(slug, page, ordering);
  const headingId = useId();
  return (
    <section className="reviews stack" aria-labelledby={headingId}>
      <h2 id={headingId}>Customer reviews</h2>
      {reviews.isPending ? (
        <Spinner label="Loading reviews…" />
      ) : reviews.isError ? (
        <ErrorMessage error={reviews.error} onRetry={() => void reviews.refetch()} />
      ) : reviews.data.count === 0 ? (
        <p className="muted">No reviews yet. Bought it? Review it from your account.</p>
      ) : (
        <>
          <div className="reviews__summary row">
            <Rating average={reviews.data.rating.average} count={reviews.data.rating.count} />
            <ul className="reviews__stars" aria-label="Ratings by stars">
              {reviews.data.rating.stars.map((bucket) => (
                <li key={bucket.stars}>
                  {bucket.stars} ★: {bucket.count}
                </li>
              ))}
            </ul>
            <SelectField
              label="Sort reviews"
              className="field--inline"
              value={ordering}
              onChange={(event) => {
                setOrdering(event.target.value);
                setPage(1);
              }}
            >
              {REVIEW_ORDERINGS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </SelectField>
          </div>
          <ul className="list" aria-label="Reviews">
            {reviews.data.results.map((review) => (
              <ReviewItem key={review.id} review={review} />
            ))}
          </ul>
          {reviews.data.next ? (
            <Button variant="secondary" onClick={() => setPage((p) => p + 1)}>
              More reviews
            </Button>
          ) : null}
          {page > 1 ? (
            <Button variant="ghost" onClick={() => setPage(1)}>
              Back to the first reviews
            </Button>
          ) : null}
        </>
      )}
    </section>
  );
}

function ReviewItem({ review }: { review: PublicReview }) {
  return (
    <li className="list__item list__item--block">
      <div className="row">
        <Stars value={review.rating} />
        <strong>{review.title}</strong>
      </div>
      <p className="muted">
        {review.author}
        {review.verified_purchase ? ' · Verified purchase' : ''}
        {review.variant_name ? ` · ${review.variant_name}` : ''} · {formatDate(review.created_at)}
        {review.edited ? ' · edited' : ''}
      </p>
      <p>{review.body}</p>
      {review.photos.length ? (
        <ul className="review__photos" aria-label="Photos">
          {review.photos.map((photo) => (
            <li key={photo.id}>
              <a href={photo.url}>
                <img
                  src={photo.thumbnail_url ?? photo.url}
                  alt={`From ${review.author}’s review`}
                  width={80}
                  height={80}
                  loading="lazy"
                />
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {review.reply ? (
        <blockquote className="review__reply">
          <strong>The vendor replied</strong> ({formatDate(review.reply.replied_at)}):{' '}
          {review.reply.text}
        </blockquote>
      ) : null}
    </li>
  );
}
