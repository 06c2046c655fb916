import { NavLink, Outlet } from 'react-router';

export function AccountLayout({ greeting }: { greeting?: string | undefined }) {
  return (
    <div className="stack">
      <h1>Your account</h1>
      {greeting ? <p className="muted">{greeting}</p> : null}
      <nav aria-label="Account" className="tabs">
        <NavLink to="/account" end>
          Orders
        </NavLink>
        <NavLink to="/account/addresses">Addresses</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
