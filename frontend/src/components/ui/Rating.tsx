/** Average stars and how many reviews, as the API computed them (`rating_average`, `rating_count`). */
export function Rating({
  average,
  count,
  showEmpty = false,
}: {
  average: string | null | undefined;
  count: number;
  /** Say "No reviews yet" instead of showing nothing. */
  showEmpty?: boolean;
}) {
  if (!average || count === 0) {
    return showEmpty ? <span className="rating rating--none">No reviews yet</span> : null;
  }
  const value = Number(average);
  const label = `Rated ${value.toFixed(1)} out of 5, ${count} ${count === 1 ? 'review' : 'reviews'}`;
  return (
    <span className="rating" role="img" aria-label={label} title={label}>
      <span className="rating__stars" aria-hidden="true" style={{ '--rating': value } as never}>
        ★★★★★
      </span>
      <span className="rating__value" aria-hidden="true">
        {value.toFixed(1)} ({count})
      </span>
    </span>
  );
}

/** Stars for one review's 1–5 rating. */
export function Stars({ value }: { value: number }) {
  return (
    <span className="rating" role="img" aria-label={`${value} out of 5 stars`}>
      <span className="rating__stars" aria-hidden="true" style={{ '--rating': value } as never}>
        ★★★★★
      </span>
    </span>
  );
}
