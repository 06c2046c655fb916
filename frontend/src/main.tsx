import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { prefetchInitialRoute } from './app/prefetch';
import { createQueryClient } from './app/query-client';
import { warmUpFormatting } from './lib/format';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const queryClient = createQueryClient();
prefetchInitialRoute(queryClient, window.location);

// A transition: React renders the first page in small slices, yielding to the browser between
// them, instead of one long task that blocks input (Lighthouse's total blocking time).
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <App queryClient={queryClient} />
    </StrictMode>,
  );
});
// While the page waits for its data and route chunk, load the number-formatting data
// (tens of milliseconds once per visit) so the first prices do not pay for it mid-render.
warmUpFormatting();
