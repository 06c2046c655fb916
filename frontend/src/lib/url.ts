/** Only same-site paths: `?next=https://evil.example` must not become an open redirect. */
export function safeNext(next: string | null | undefined, fallback = '/account'): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : fallback;
}
