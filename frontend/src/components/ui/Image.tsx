import { useState } from 'react';

type Props = {
  src: string | null | undefined;
  alt: string;
  /** Intrinsic box; with CSS aspect-ratio this reserves space so nothing shifts on load. */
  width: number;
  height: number;
  sizes?: string;
  priority?: boolean;
  className?: string;
};

/** Lazy, sized product imagery with a neutral placeholder when there is no picture. */
export function Img({ src, alt, width, height, sizes, priority = false, className }: Props) {
  const [failed, setFailed] = useState(false);
  const style = { aspectRatio: `${width} / ${height}` };
  if (!src || failed) {
    return (
      <div
        className={['img img--placeholder', className].filter(Boolean).join(' ')}
        style={style}
        role="img"
        aria-label={alt || 'No image'}
      >
        <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true">
          <path
            fill="currentColor"
            d="M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5l3.5-4.5z"
          />
        </svg>
      </div>
    );
  }
  return (
    <img
      className={['img', className].filter(Boolean).join(' ')}
      src={src}
      alt={alt}
      width={width}
      height={height}
      sizes={sizes}
      style={style}
      loading={priority ? 'eager' : 'lazy'}
      decoding="async"
      // React 18 only passes the attribute through in lower case.
      {...{ fetchpriority: priority ? 'high' : 'auto' }}
      onError={() => setFailed(true)}
    />
  );
}
