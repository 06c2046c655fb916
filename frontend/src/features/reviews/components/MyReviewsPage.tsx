import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { Pagination } from '@/components/ui/Pagination';
import { Stars } from '@/components/ui/Rating';
import { formatDate, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import {
  useDeletePhoto,
  useDeleteReview,
  useMyReviews,
  usePurchasesToReview,
  type MyReview,
  type Purchase,
} from '../api/reviews';
import { ReviewForm } from './ReviewForm';

const MAX_PHOTOS = 4;

/** What the shopper bought and may review, and the reviews they wrote. Every button is one of
 * the `actions` the API sends with the line or the review. */
export function MyReviewsPage() {
  useDocumentTitle('Your reviews');
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const purchases = usePurchasesToReview();
  const reviews = useMyReviews(page);
  // Saved: null (not yet), '' (all went in), or why a photo was not added.
  const [saved, setSaved] = useState<string | null>(null);
  const toReview = purchases.data?.results.filter((p) => p.actions.includes('review')) ?? [];
  const more = (purchases.data?.count ?? 0) - (purchases.data?.results.length ?? 0);
  return (
    <div className="stack">
      {saved === '' ? <Notice tone="success">Thank you! Your review is saved.</Notice> : null}
      {saved ? (
        <Notice tone="warning">
          Your review is saved, but a photo was not added ({saved}). You can add it from your review
          below.
        </Notice>
      ) : null}
      <section className="stack" aria-labelledby="to-review-heading">
        <h2 id="to-review-heading">To review</h2>
        {purchases.isPending ? (
          <Spinner label="Loading your purchases…" />
        ) : purchases.isError ? (
          <ErrorMessage error={purchases.error} onRetry={() => void purchases.refetch()} />
        ) : toReview.length === 0 ? (
          <p className="muted">Nothing to review: items can be reviewed once they have shipped.</p>
        ) : (
          <ul className="list" aria-label="Purchases to review">
            {toReview.map((purchase) => (
              <PurchaseItem
                key={purchase.order_line}
                purchase={purchase}
                onSaved={(photoProblem) => setSaved(photoProblem ?? '')}
              />
            ))}
          </ul>
        )}
        {more > 0 ? (
          <p className="muted">And {more} older: they show here as you review these.</p>
        ) : null}
      </section>
      <section className="stack" aria-labelledby="my-reviews-heading">
        <h2 id="my-reviews-heading">Your reviews</h2>
        {reviews.isPending ? (
          <Spinner label="Loading your reviews…" />
        ) : reviews.isError ? (
          <ErrorMessage error={reviews.error} onRetry={() => void reviews.refetch()} />
        ) : reviews.data.results.length === 0 ? (
          <EmptyState title="No reviews yet" />
        ) : (
          <>
            <ul className="list" aria-label="Your reviews">
              {reviews.data.results.map((review) => (
                <MyReviewItem
                  key={review.id}
                  review={review}
                  onSaved={(photoProblem) => setSaved(photoProblem ?? '')}
                />
              ))}
            </ul>
            <Pagination page={page} count={reviews.data.count} />
          </>
        )}
      </section>
    </div>
  );
}

type OnSaved = (photoProblem: string | null) => void;

function PurchaseItem({ purchase, onSaved }: { purchase: Purchase; onSaved: OnSaved }) {
  const [writing, setWriting] = useState(false);
  return (
    <li className="list__item list__item--block">
      <div className="row">
        <Link to={`/products/${purchase.product.slug}`} className="list__title grow">
          {purchase.product.name}
        </Link>
        <span className="muted">
          {purchase.variant_name} · order {purchase.order_number}
        </span>
        {writing ? null : (
          <Button variant="secondary" onClick={() => setWriting(true)}>
            Write a review
          </Button>
        )}
      </div>
      {writing ? (
        <ReviewForm
          orderLine={purchase.order_line}
          productName={purchase.product.name}
          photosLeft={MAX_PHOTOS}
          onDone={(photoProblem) => {
            setWriting(false);
            onSaved(photoProblem);
          }}
          onCancel={() => setWriting(false)}
        />
      ) : null}
    </li>
  );
}

function MyReviewItem({ review, onSaved }: { review: MyReview; onSaved: OnSaved }) {
  const [editing, setEditing] = useState(false);
  const remove = useDeleteReview();
  const removePhoto = useDeletePhoto();
  return (
    <li className="list__item list__item--block">
      <div className="row">
        <Link to={`/products/${review.product.slug}`} className="list__title grow">
          {review.product.name}
        </Link>
        <Stars value={review.rating} />
        {review.status ? (
          <span className={`badge badge--${review.status}`}>{humanize(review.status)}</span>
        ) : null}
        <span className="muted">{formatDate(review.created_at)}</span>
      </div>
      {editing ? (
        <ReviewForm
          review={review}
          productName={review.product.name}
          photosLeft={review.actions.includes('add_photo') ? MAX_PHOTOS - review.photos.length : 0}
          onDone={(photoProblem) => {
            setEditing(false);
            onSaved(photoProblem);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          <p>
            <strong>{review.title}</strong>
          </p>
          <p>{review.body}</p>
          {review.rejection_reason ? (
            <p className="field__error">Not published: {review.rejection_reason}</p>
          ) : null}
          {review.photos.length ? (
            <ul className="review__photos" aria-label="Your photos">
              {review.photos.map((photo) => (
                <li key={photo.id}>
                  <img src={photo.thumbnail_url ?? photo.url} alt="" width={80} height={80} />
                  {review.actions.includes('edit') ? (
                    <Button
                      variant="ghost"
                      busy={removePhoto.isPending && removePhoto.variables?.photo === photo.id}
                      onClick={() => removePhoto.mutate({ review, photo: photo.id })}
                    >
                      Remove photo
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          {review.reply ? (
            <blockquote className="review__reply">
              <strong>The vendor replied:</strong> {review.reply.text}
            </blockquote>
          ) : null}
          <ErrorMessage error={remove.error ?? removePhoto.error} />
          <div className="row">
            {review.actions.includes('edit') ? (
              <Button variant="secondary" onClick={() => setEditing(true)}>
                Edit review
              </Button>
            ) : null}
            {review.actions.includes('delete') ? (
              <Button
                variant="danger"
                busy={remove.isPending}
                onClick={() => {
                  if (window.confirm('Delete this review? This cannot be undone.'))
                    remove.mutate(review);
                }}
              >
                Delete review
              </Button>
            ) : null}
          </div>
        </>
      )}
    </li>
  );
}
