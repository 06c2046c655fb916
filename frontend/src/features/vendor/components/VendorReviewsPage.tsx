import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { CheckboxField, TextAreaField } from '@/components/ui/Field';
import { Pagination } from '@/components/ui/Pagination';
import { Stars } from '@/components/ui/Rating';
import { formatDate } from '@/lib/format';
import { useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { useReplyToReview, useVendorReviews, type VendorReview } from '../api/reviews';

/** Reviews of the vendor's products; "Reply" only where the API's `actions` offer it. */
export function VendorReviewsPage() {
  useDocumentTitle('Reviews');
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const unanswered = params.get('unanswered') === 'true';
  const reviews = useVendorReviews(page, unanswered);
  return (
    <section className="stack" aria-labelledby="vendor-reviews-heading">
      <h2 id="vendor-reviews-heading">Reviews</h2>
      <CheckboxField
        label="Only reviews without a reply"
        checked={unanswered}
        onChange={(event) => setParams(event.target.checked ? { unanswered: 'true' } : {})}
      />
      {reviews.isPending ? (
        <Spinner label="Loading reviews…" />
      ) : reviews.isError ? (
        <ErrorMessage error={reviews.error} onRetry={() => void reviews.refetch()} />
      ) : reviews.data.results.length === 0 ? (
        <EmptyState title="No reviews here yet" />
      ) : (
        <>
          <ul className="list" aria-label="Reviews of your products">
            {reviews.data.results.map((review) => (
              <ReviewItem key={review.id} review={review} />
            ))}
          </ul>
          <Pagination page={page} count={reviews.data.count} />
        </>
      )}
    </section>
  );
}

function ReviewItem({ review }: { review: VendorReview }) {
  const [replying, setReplying] = useState(false);
  const reply = useReplyToReview();
  const { errors, formError, setErrors, showApiError, clear } = useFormErrors();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    clear();
    const text = String(new FormData(event.currentTarget).get('text') ?? '').trim();
    if (!text) {
      setErrors({ text: 'Write your answer.' });
      return;
    }
    reply.mutate(
      { review, text },
      { onSuccess: () => setReplying(false), onError: (error) => showApiError(error, ['text']) },
    );
  };
  return (
    <li className="list__item list__item--block">
      <div className="row">
        <Link to={`/products/${review.product.slug}`} className="list__title grow">
          {review.product.name}
        </Link>
        <Stars value={review.rating} />
        <span className="muted">
          {review.author} · {formatDate(review.created_at)}
        </span>
      </div>
      <p>
        <strong>{review.title}</strong>
      </p>
      <p>{review.body}</p>
      {review.reply ? (
        <blockquote className="review__reply">
          <strong>Your reply</strong> ({formatDate(review.reply.replied_at)}): {review.reply.text}
        </blockquote>
      ) : null}
      {review.actions.includes('reply') ? (
        replying ? (
          <form className="stack review-form" onSubmit={onSubmit} noValidate>
            {formError ? <ErrorMessage error={formError} /> : null}
            <TextAreaField
              label="Your public reply"
              name="text"
              rows={3}
              maxLength={2000}
              error={errors.text}
              hint="You can reply once; the shopper is emailed."
              required
            />
            <div className="row">
              <Button type="submit" busy={reply.isPending}>
                Publish reply
              </Button>
              <Button variant="ghost" onClick={() => setReplying(false)}>
                Cancel
              </Button>
            </div>
          </form>
        ) : (
          <Button variant="secondary" onClick={() => setReplying(true)}>
            Reply
          </Button>
        )
      ) : null}
    </li>
  );
}
