import { SelectField } from '@/components/ui/Field';
import { MIN_RATINGS } from '@/lib/ratings';

/** The "Rating" select of the product list, search and vendor pages: `min_rating`, or none. */
export function RatingFilter({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (minRating: string | undefined) => void;
}) {
  return (
    <SelectField
      label="Rating"
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value || undefined)}
    >
      {MIN_RATINGS.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </SelectField>
  );
}
