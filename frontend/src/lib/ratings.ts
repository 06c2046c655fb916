/** The "at least N stars" choices of the product list and search (`min_rating`). */
export const MIN_RATINGS = [
  { value: '', label: 'Any rating' },
  { value: '4', label: '4 stars & up' },
  { value: '3', label: '3 stars & up' },
  { value: '2', label: '2 stars & up' },
] as const;

export function isMinRating(value: string | undefined): boolean {
  return MIN_RATINGS.some((option) => option.value !== '' && option.value === value);
}
