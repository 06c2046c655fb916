import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Link } from 'react-router';

type State = { error: Error | null };

/**
 * Catches a page that fails to render or whose code cannot be loaded (after a deploy the
 * old hashed chunks are gone), and offers a way out instead of a blank screen.
 */
export class RouteErrorBoundary extends Component<
  { children: ReactNode; resetKey: string },
  State
> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    // Navigating elsewhere gives the next page a fresh chance.
    if (previous.resetKey !== this.props.resetKey && this.state.error)
      this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunkFailed =
      /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(
        error.message,
      );
    return (
      <div className="narrow stack" role="alert">
        <h1>Something went wrong</h1>
        <p>
          {chunkFailed
            ? 'A new version of the shop is available.'
            : 'An unexpected error stopped this page from loading.'}
        </p>
        <p className="row">
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => window.location.reload()}
          >
            Reload the page
          </button>
          <Link to="/">Go to the home page</Link>
        </p>
      </div>
    );
  }
}

export function NotFound() {
  return (
    <div className="narrow stack">
      <h1>Page not found</h1>
      <p>The page you are looking for does not exist.</p>
      <Link to="/">Go to the home page</Link>
    </div>
  );
}
