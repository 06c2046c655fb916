import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { useDebouncedValue } from '@/lib/hooks';
import { useSuggestions } from '../api/search';

export const SUGGEST_DEBOUNCE_MS = 250;

/** The header search: a combobox whose suggestions follow typing after a short pause. */
export function SearchBox({ initialQuery = '' }: { initialQuery?: string }) {
  const navigate = useNavigate();
  const [value, setValue] = useState(initialQuery);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const debounced = useDebouncedValue(value, SUGGEST_DEBOUNCE_MS);
  const suggestions = useSuggestions(debounced);
  const listId = useId();
  const inputId = useId();
  const items = value.trim().length >= 2 ? (suggestions.data ?? []) : [];
  const expanded = open && items.length > 0;

  const close = () => {
    setOpen(false);
    setActive(-1);
  };

  const goToSearch = (q: string) => {
    close();
    const query = q.trim();
    if (query) navigate(`/search?q=${encodeURIComponent(query)}`);
  };

  const choose = (index: number) => {
    const item = items[index];
    if (!item) return;
    close();
    setValue(item.text);
    navigate(`/products/${item.slug}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((index) => (items.length ? (index + 1) % items.length : -1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((index) => (items.length ? (index <= 0 ? items.length - 1 : index - 1) : -1));
    } else if (event.key === 'Enter' && expanded && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      close();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    goToSearch(value);
  };

  return (
    <form role="search" className="searchbox" onSubmit={onSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        Search products
      </label>
      <input
        id={inputId}
        type="search"
        className="searchbox__input"
        placeholder="Search products"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(close, 150)}
      />
      <button type="submit" className="searchbox__submit" aria-label="Search">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path
            fill="currentColor"
            d="M15.5 14h-.8l-.3-.3A6.5 6.5 0 1 0 14 15.5l.3.3v.8l5 5 1.5-1.5-5-5zm-6 0a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9z"
          />
        </svg>
      </button>
      <ul
        id={listId}
        role="listbox"
        aria-label="Suggestions"
        className="searchbox__list"
        hidden={!expanded}
      >
        {items.map((item, index) => (
          // Keyboard users drive the list from the input (aria-activedescendant), so the
          // options only need pointer handlers.
          // eslint-disable-next-line jsx-a11y/click-events-have-key-events
          <li
            key={`${item.slug}-${index}`}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            className="searchbox__option"
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(index)}
          >
            {item.text}
          </li>
        ))}
      </ul>
    </form>
  );
}
