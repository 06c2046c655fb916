import { Link, NavLink, Outlet } from 'react-router';

export function AccountLayout({
  greeting,
  unverifiedEmail,
}: {
  greeting?: string | undefined;
  /** Set while the user's address is not verified: a reminder with the way to fix it. */
  unverifiedEmail?: string | undefined;
}) {
  return (
    <div className="stack">
      <h1>Your account</h1>
      {greeting ? <p className="muted">{greeting}</p> : null}
      {unverifiedEmail ? (
        <div className="alert alert--warning" role="status">
          <p>
            Please verify <strong>{unverifiedEmail}</strong>: open the link we emailed you, or{' '}
            <Link to="/account/security">send a new one</Link>.
          </p>
        </div>
      ) : null}
      <nav aria-label="Account" className="tabs">
        <NavLink to="/account" end>
          Orders
        </NavLink>
        <NavLink to="/account/wishlist">Wishlist</NavLink>
        <NavLink to="/account/reviews">Reviews</NavLink>
        <NavLink to="/account/addresses">Addresses</NavLink>
        <NavLink to="/account/security">Security</NavLink>
        <NavLink to="/account/privacy">Your data</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
