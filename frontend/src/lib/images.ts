/** How many product cards at the top of a grid load their image eagerly (the first row, likely
 * above the fold and holding the LCP element); the rest load lazily. */
export const EAGER_CARD_IMAGES = 4;

/**
 * Starts fetching images the page is about to show, before React renders their <img>
 * (render-as-you-fetch: the LCP image no longer waits for the route chunk and the render).
 * The <img> later finds the response in the document's preload cache. Each URL once.
 */
const preloaded = new Set<string>();

export function preloadImages(urls: Array<string | null | undefined>): void {
  if (typeof document === 'undefined') return;
  for (const url of urls) {
    if (!url || preloaded.has(url)) continue;
    preloaded.add(url);
    const link = document.createElement('link');
    link.rel = 'preload';
    link.setAttribute('as', 'image');
    link.href = url;
    link.setAttribute('fetchpriority', 'high');
    document.head.appendChild(link);
  }
}
