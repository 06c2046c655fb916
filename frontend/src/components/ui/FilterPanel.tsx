import { useId, useState, type ReactNode } from 'react';

/**
 * Filters beside the results on desktop; on a phone they fold behind a button so the
 * products, not the form, fill the first screen.
 */
export function FilterPanel({
  label,
  title,
  active = 0,
  children,
}: {
  label: string;
  title: string;
  active?: number;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  return (
    <aside className={['filters', open ? 'filters--open' : ''].join(' ')} aria-label={label}>
      <button
        type="button"
        className="btn btn--secondary filters__toggle"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen((value) => !value)}
      >
        {open ? 'Hide filters' : 'Show filters'}
        {active ? ` (${active})` : ''}
      </button>
      <div className="filters__body" id={bodyId}>
        <h2 className="filters__title">{title}</h2>
        {children}
      </div>
    </aside>
  );
}
