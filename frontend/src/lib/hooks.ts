import { useEffect, useRef, useState } from 'react';

export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · Agora`;
  }, [title]);
}

/**
 * Focuses the returned element (give it tabIndex={-1}) once a page is reached after an action
 * (`arrived`). Its notice is on the page from the first render, and a live region mounted
 * together with its text is not announced: focus is how a screen reader user hears of it.
 */
export function useFocusOnArrival<T extends HTMLElement>(arrived: boolean) {
  const target = useRef<T>(null);
  useEffect(() => {
    if (arrived) target.current?.focus();
  }, [arrived]);
  return target;
}
