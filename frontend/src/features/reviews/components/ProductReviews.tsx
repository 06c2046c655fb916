import { useEffect, useId, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { SelectField } from '@/components/ui/Field';
import { Rating, Stars } from '@/components/ui/Rating';
import { formatDate } from '@/lib/format';
import { REVIEW_ORDERINGS, useProductReviews, type PublicReview } from '../api/reviews';

/** How many pages of reviews a link to one review (#review-<id>) looks through for it. */
const SEEK_PAGES = 10;

/** The review id of a `#review-<id>` address (the "vendor replied" email links there), or null. */
function linkedReview(hash: string): number | null {
  const match = /^#review-(\d+)$/.exec(hash);
  return match ? Number(match[1]) : null;
}

/** The product's published reviews, its star breakdown and the vendors' replies. Opened at
 * `#review-<id>`, it turns the pages until that review shows (up to SEEK_PAGES) and scrolls to it
 * once; not found, it goes back to the first page. */
export function ProductReviews({ slug }: { slug: string }) {
  const [ordering, setOrdering] = useState<string>('-created_at');
  const [page, setPage] = useState(1);
  const reviews = useProductReviews(slug, page, ordering);
  const headingId = useId();
  const target = linkedReview(useLocation().hash);
  const [seeking, setSeeking] = useState(target !== null);
  const loaded = reviews.data && !reviews.isPlaceholderData ? reviews.data : undefined;
  const found = target !== null && Boolean(loaded?.results.some((review) => review.id === target));
  if (seeking && loaded) {
    // The next page of the search is asked for as soon as this one shows it is not there.
    if (found) {
      setSeeking(false);
    } else if (loaded.next && page < SEEK_PAGES) {
      setPage(page + 1);
    } else {
      setSeeking(false);
      setPage(1);
    }
  }
  const scrolled = useRef(false);
  useEffect(() => {
    if (!found || scrolled.current) return;
    scrolled.current = true;
    document.getElementById(`review-${target}`)?.scrollIntoView({ block: 'start' });
  }, [found, target]);
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
                setSeeking(false);
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
    <li id={`review-${review.id}`} className="list__item list__item--block">
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
