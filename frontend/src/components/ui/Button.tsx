import type { ButtonHTMLAttributes, MouseEvent } from 'react';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
  busy?: boolean;
};

/**
 * A busy button stays focusable (aria-disabled, not disabled) and ignores clicks: a disabled
 * button loses keyboard focus to <body>, and a dialog it opens could not hand focus back.
 */
export function Button({
  variant = 'primary',
  busy = false,
  className,
  children,
  disabled,
  onClick,
  ...rest
}: Props) {
  const onButtonClick = (event: MouseEvent<HTMLButtonElement>) => {
    if (busy) {
      // Also stops a form's submission (a click, or Enter in one of its fields).
      event.preventDefault();
      return;
    }
    onClick?.(event);
  };
  return (
    <button
      type="button"
      {...rest}
      className={['btn', `btn--${variant}`, className].filter(Boolean).join(' ')}
      disabled={disabled}
      aria-disabled={(busy && !disabled) || undefined}
      aria-busy={busy || undefined}
      onClick={onButtonClick}
    >
      {busy ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}
