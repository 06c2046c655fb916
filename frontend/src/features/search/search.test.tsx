import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { product } from '@/test/fixtures';
import { server } from '@/test/server';
import { API, renderWithProviders } from '@/test/utils';
import { SearchBox } from './components/SearchBox';
import { SearchPage } from './components/SearchPage';

describe('search suggestions', () => {
  it('asks once per pause in typing and lets the keyboard pick a suggestion', async () => {
    const queries: string[] = [];
    server.use(
      http.get(API('/search/suggest/'), ({ request }) => {
        const q = new URL(request.url).searchParams.get('q') ?? '';
        queries.push(q);
        return HttpResponse.json({
          suggestions: [
            { text: 'Headphones Pro', slug: 'headphones-pro' },
            { text: 'Headphones Mini', slug: 'headphones-mini' },
          ],
        });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SearchBox />);
    const box = screen.getByRole('combobox', { name: 'Search products' });
    await user.type(box, 'headph');
    expect(await screen.findByRole('option', { name: 'Headphones Pro' })).toBeInTheDocument();
    expect(queries).toEqual(['headph']); // debounced: not one request per keystroke
    expect(box).toHaveAttribute('aria-expanded', 'true');

    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(screen.getByRole('option', { name: 'Headphones Mini' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await user.keyboard('{ArrowUp}');
    expect(box).toHaveAttribute(
      'aria-activedescendant',
      screen.getByRole('option', { name: 'Headphones Pro' }).id,
    );
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('location')).toHaveTextContent('/products/headphones-pro');
  });

  it('submits the typed text as a search, and Escape closes the list', async () => {
    server.use(
      http.get(API('/search/suggest/'), () =>
        HttpResponse.json({ suggestions: [{ text: 'Mug', slug: 'mug' }] }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<SearchBox />);
    const box = screen.getByRole('combobox', { name: 'Search products' });
    await user.type(box, 'mu');
    await screen.findByRole('option', { name: 'Mug' });
    await user.keyboard('{Escape}');
    expect(box).toHaveAttribute('aria-expanded', 'false');
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('location')).toHaveTextContent('/search?q=mu');
  });
});

describe('search page', () => {
  it('shows results with facets, and a facet filter goes into the URL', async () => {
    const seen: string[] = [];
    server.use(
      http.get(API('/search/'), ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({
          count: 1,
          next: null,
          previous: null,
          results: [{ ...product, name: 'Studio Headphones', slug: 'studio-headphones' }],
          facets: {
            category: [{ slug: 'audio', name: 'Audio', count: 1 }],
            vendor: [{ slug: 'lumen', name: 'Lumen Works', count: 1 }],
            price: [{ min: 0, max: 50, count: 1 }],
          },
        });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SearchPage />, { route: '/search?q=headphnes' });
    expect(await screen.findByRole('link', { name: 'Studio Headphones' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Results for “headphnes”');
    await user.click(screen.getByRole('checkbox', { name: /Audio/ }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/search?q=headphnes&category=audio',
      ),
    );
    await waitFor(() => expect(seen.at(-1)).toContain('category=audio'));
    await user.click(screen.getByRole('checkbox', { name: /Up to|–/ }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('min_price=0&max_price=50'),
    );
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/search\?q=headphnes$/),
    );
  });

  it('says so when nothing matches, and asks for a query when there is none', async () => {
    server.use(
      http.get(API('/search/'), () =>
        HttpResponse.json({
          count: 0,
          next: null,
          previous: null,
          results: [],
          facets: { category: [], vendor: [], price: [] },
        }),
      ),
    );
    const { unmount } = renderWithProviders(<SearchPage />, { route: '/search?q=zzzz' });
    expect(await screen.findByText('No results for “zzzz”')).toBeInTheDocument();
    unmount();
    renderWithProviders(<SearchPage />, { route: '/search' });
    expect(screen.getByText('What are you looking for?')).toBeInTheDocument();
  });
});

describe('how the search was understood', () => {
  const page = (extra: Record<string, unknown>) => ({
    count: 1,
    next: null,
    previous: null,
    results: [{ ...product, name: 'Aurora Desk Lamp', slug: 'aurora-desk-lamp' }],
    facets: { category: [], vendor: [], price: [], attributes: [] },
    corrected_query: null,
    corrections: [],
    dropped_words: [],
    ...extra,
  });

  it('shows the corrected words and links to the words as typed', async () => {
    const seen: URLSearchParams[] = [];
    server.use(
      http.get(API('/search/'), ({ request }) => {
        const query = new URL(request.url).searchParams;
        seen.push(query);
        return HttpResponse.json(
          query.get('exact') === 'true'
            ? page({ count: 0, results: [] })
            : page({
                corrected_query: 'desk lamp',
                corrections: [{ word: 'lmap', correction: 'lamp' }],
              }),
        );
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SearchPage />, { route: '/search?q=desk+lmap' });
    const line = await screen.findByText(/Showing results for/);
    expect(line).toHaveTextContent('Showing results for desk lamp — search instead for desk lmap');
    await user.click(screen.getByRole('link', { name: 'desk lmap' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/search?q=desk+lmap&exact=true'),
    );
    await waitFor(() => expect(seen.at(-1)?.get('exact')).toBe('true'));
    // As typed, nothing matches: no correction line, and a way back to the corrected search
    expect(await screen.findByText('No results for “desk lmap”')).toBeInTheDocument();
    expect(screen.queryByText(/Showing results for/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Search with spelling corrections' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/search\?q=desk\+lmap$/),
    );
  });

  it('names the words it left out when no product has them all', async () => {
    server.use(
      http.get(API('/search/'), () =>
        HttpResponse.json(page({ dropped_words: ['wooden', 'cheap'] })),
      ),
    );
    renderWithProviders(<SearchPage />, { route: '/search?q=cheap+wooden+desk+lamp' });
    const line = await screen.findByText(/No product matches every word/);
    expect(line).toHaveTextContent('No product matches every word: left out wooden, cheap.');
    expect(screen.queryByText(/Showing results for/)).not.toBeInTheDocument();
  });

  it('offers the filterable attributes as facets; values of one attribute add up', async () => {
    const seen: URLSearchParams[] = [];
    server.use(
      http.get(API('/search/'), ({ request }) => {
        seen.push(new URL(request.url).searchParams);
        return HttpResponse.json(
          page({
            facets: {
              category: [],
              vendor: [],
              price: [],
              attributes: [
                {
                  key: 'material',
                  name: 'Material',
                  values: [
                    { value: 'oak', count: 3 },
                    { value: 'steel', count: 2 },
                  ],
                },
                { key: 'colour', name: 'Colour', values: [{ value: 'Midnight Blue', count: 1 }] },
              ],
            },
          }),
        );
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SearchPage />, { route: '/search?q=lamp' });
    const material = await screen.findByRole('group', { name: 'Material' });
    expect(material).toHaveTextContent('oak (3)');
    expect(screen.getByRole('group', { name: 'Colour' })).toHaveTextContent('Midnight Blue (1)');

    await user.click(screen.getByRole('checkbox', { name: /oak/ }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/search?q=lamp&attribute=material%3Aoak',
      ),
    );
    await user.click(screen.getByRole('checkbox', { name: /steel/ }));
    await waitFor(() =>
      expect(seen.at(-1)?.getAll('attribute')).toEqual(['material:oak', 'material:steel']),
    );
    expect(screen.getByRole('checkbox', { name: /oak/ })).toBeChecked();
    expect(screen.getByRole('button', { name: /Show filters/ })).toHaveTextContent('(2)');

    await user.click(screen.getByRole('checkbox', { name: /oak/ }));
    await waitFor(() => expect(seen.at(-1)?.getAll('attribute')).toEqual(['material:steel']));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/search\?q=lamp$/),
    );
  });
});
