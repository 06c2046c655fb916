import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { ErrorMessage } from '@/components/ui/Feedback';
import { SelectField, TextAreaField, TextField } from '@/components/ui/Field';
import { useFormErrors } from '@/lib/forms';
import { checkPhoto, useWriteReview, type MyReview } from '../api/reviews';

const FIELDS = ['rating', 'title', 'body', 'image'] as const;

/** Write a review of one purchased line, or edit one's own; photos are added after it is saved. */
export function ReviewForm({
  orderLine,
  review,
  productName,
  photosLeft,
  onDone,
  onCancel,
}: {
  orderLine?: number | undefined;
  review?: MyReview | undefined;
  productName: string;
  photosLeft: number;
  /** With why a photo was not added (the review itself is saved), or null. */
  onDone: (photoProblem: string | null) => void;
  onCancel: () => void;
}) {
  const write = useWriteReview();
  const { errors, formError, setErrors, showApiError, clear } = useFormErrors();
  const [photos, setPhotos] = useState<File[]>([]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    clear();
    const data = new FormData(event.currentTarget);
    const rating = Number(data.get('rating'));
    const title = String(data.get('title') ?? '').trim();
    const body = String(data.get('body') ?? '').trim();
    const missing = {
      rating: rating >= 1 && rating <= 5 ? undefined : 'Choose from 1 to 5 stars.',
      title: title ? undefined : 'Give your review a title.',
      body: body ? undefined : 'Tell other shoppers what you think.',
    };
    if (missing.rating || missing.title || missing.body) {
      setErrors(missing);
      return;
    }
    const input = review
      ? { rating, title, body }
      : { order_line: orderLine ?? 0, rating, title, body };
    // Not mutate()'s callbacks: the saved line leaves the "to review" list (and this form with
    // it) when the lists refresh, and callbacks of an unmounted form never run.
    write.mutateAsync({ id: review?.id, input, photos }).then(
      ({ photoProblem }) => onDone(photoProblem),
      (error: unknown) => showApiError(error, FIELDS),
    );
  };

  return (
    <form className="stack review-form" onSubmit={onSubmit} noValidate>
      <h3>{review ? `Edit your review of ${productName}` : `Review ${productName}`}</h3>
      {formError ? <ErrorMessage error={formError} /> : null}
      <SelectField
        label="Rating"
        name="rating"
        defaultValue={String(review?.rating ?? 5)}
        error={errors.rating}
      >
        {[5, 4, 3, 2, 1].map((stars) => (
          <option key={stars} value={stars}>
            {stars} {stars === 1 ? 'star' : 'stars'}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Title"
        name="title"
        maxLength={120}
        defaultValue={review?.title ?? ''}
        error={errors.title}
        required
      />
      <TextAreaField
        label="Your review"
        name="body"
        rows={4}
        defaultValue={review?.body ?? ''}
        error={errors.body}
        required
      />
      {photosLeft > 0 ? (
        <TextField
          label="Photos (optional)"
          name="photos"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          hint={`Up to ${photosLeft} JPEG, PNG or WebP images, 10 MB each.`}
          error={errors.image}
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []).slice(0, photosLeft);
            const problem = files.map(checkPhoto).find(Boolean);
            setErrors(problem ? { image: problem } : {});
            setPhotos(problem ? [] : files);
          }}
        />
      ) : null}
      <p className="muted">Reviews are checked by our team before they appear.</p>
      <div className="row">
        <Button type="submit" busy={write.isPending}>
          {review ? 'Save changes' : 'Submit review'}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
