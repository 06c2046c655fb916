import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionStore } from '@/lib/session';
import type { Schema } from '@/lib/types';
import { server } from '@/test/server';
import { API, apiError, paginated, renderWithProviders } from '@/test/utils';
import { MyReviewsPage } from './components/MyReviewsPage';
import { ProductReviews } from './components/ProductReviews';

const purchase = (line: number, actions: Schema<'Purchase'>['actions']): Schema<'Purchase'> => ({
  order_line: line,
  order_number: 'AG-1',
  product: { slug: `lamp-${line}`, name: `Lamp ${line}` },
  variant_name: 'Black',
  quantity: 1,
  shipped_at: '2026-11-02T00:00:00Z',
  review_id: actions.length ? null : 9,
  actions,
});

const mine = (actions: Schema<'MyReview'>['actions']): Schema<'MyReview'> => ({
  id: 9,
  rating: 4,
  title: 'Warm light',
  body: 'Lovely on my desk.',
  author: 'Sam S.',
  verified_purchase: true,
  variant_name: 'Black',
  photos: [],
  reply: { text: 'Thank you, Sam!', replied_at: '2026-11-05T00:00:00Z' },
  created_at: '2026-11-03T00:00:00Z',
  edited: false,
  status: 'published',
  rejection_reason: '',
  product: { slug: 'lamp-2', name: 'Lamp 2' },
  order_line: 2,
  order_number: 'AG-1',
  actions,
});

/** Types a review with one photo (desk.png) into the open form and submits it. */
async function fillAndSubmit(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByRole('textbox', { name: /Title/ }), 'Warm light');
  await user.type(screen.getByRole('textbox', { name: /Your review/ }), 'Lovely on my desk.');
  await user.upload(
    screen.getByLabelText('Photos (optional)'),
    new File(['png'], 'desk.png', { type: 'image/png' }),
  );
  await user.click(screen.getByRole('button', { name: 'Submit review' }));
}

describe('my reviews', () => {
  it('asks the API for what is left to review, so older purchases are found', async () => {
    sessionStore.set({ access: 'token' });
    const asked: string[] = [];
    server.use(
      http.get(API('/me/purchases/'), ({ request }) => {
        const query = new URL(request.url).searchParams;
        asked.push(query.toString());
        // the newest purchases were all reviewed; an older one was not
        return HttpResponse.json(
          query.get('to_review') === 'true'
            ? paginated([purchase(7, ['review'])], 101)
            : paginated([purchase(1, []), purchase(2, [])], 3),
        );
      }),
      http.get(API('/me/reviews/'), () => HttpResponse.json(paginated([]))),
    );
    renderWithProviders(<MyReviewsPage />);
    const list = await screen.findByRole('list', { name: 'Purchases to review' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByText('And 100 older: they show here as you review these.')).toBeVisible();
    expect(asked).toEqual(['to_review=true&page_size=100']);
  });

  it('reviews a shipped line with a photo; only lines the API offers can be reviewed', async () => {
    sessionStore.set({ access: 'token' });
    const created: unknown[] = [];
    const uploads: string[] = [];
    server.use(
      http.get(API('/me/purchases/'), () =>
        HttpResponse.json(paginated([purchase(1, ['review']), purchase(2, [])])),
      ),
      http.get(API('/me/reviews/'), () => HttpResponse.json(paginated([]))),
      http.post(API('/me/reviews/'), async ({ request }) => {
        created.push(await request.json());
        return HttpResponse.json(
          { ...mine(['edit', 'delete', 'add_photo']), id: 10 },
          { status: 201 },
        );
      }),
      http.post(API('/me/reviews/10/photos/'), async ({ request }) => {
        const file = (await request.formData()).get('image');
        // (jsdom's multipart loses the file name; its type and bytes arrive)
        uploads.push(
          typeof file === 'object' && file !== null ? `${file.type} ${file.size}` : 'none',
        );
        return HttpResponse.json(
          { id: 1, url: '/media/p.png', thumbnail_url: null },
          { status: 201 },
        );
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<MyReviewsPage />);
    const toReview = await screen.findByRole('list', { name: 'Purchases to review' });
    expect(within(toReview).queryByText('Lamp 2')).not.toBeInTheDocument();
    await user.click(within(toReview).getByRole('button', { name: 'Write a review' }));
    await user.selectOptions(screen.getByLabelText('Rating'), '4');
    await fillAndSubmit(user);
    expect(await screen.findByText('Thank you! Your review is saved.')).toBeVisible();
    expect(created).toEqual([
      { order_line: 1, rating: 4, title: 'Warm light', body: 'Lovely on my desk.' },
    ]);
    expect(uploads).toEqual(['image/png 3']);
  });

  it('says so when the review is saved but a photo is refused', async () => {
    sessionStore.set({ access: 'token' });
    let reviewed = false;
    server.use(
      http.get(API('/me/purchases/'), () =>
        HttpResponse.json(paginated(reviewed ? [] : [purchase(1, ['review'])])),
      ),
      http.get(API('/me/reviews/'), () => HttpResponse.json(paginated([]))),
      http.post(API('/me/reviews/'), () => {
        reviewed = true;
        return HttpResponse.json({ ...mine(['edit', 'add_photo']), id: 10 }, { status: 201 });
      }),
      http.post(API('/me/reviews/10/photos/'), () =>
        apiError(413, 'payload_too_large', 'The image is too large. The limit is 10 MB.'),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<MyReviewsPage />);
    await user.click(await screen.findByRole('button', { name: 'Write a review' }));
    await fillAndSubmit(user);
    expect(
      await screen.findByText(/Your review is saved, but a photo was not added/),
    ).toHaveTextContent('desk.png: The image is too large. The limit is 10 MB.');
    expect(screen.queryByText('Thank you! Your review is saved.')).not.toBeInTheDocument();
  });

  it("shows the API's refusal next to the form and keeps what was typed", async () => {
    sessionStore.set({ access: 'token' });
    server.use(
      http.get(API('/me/purchases/'), () =>
        HttpResponse.json(paginated([purchase(1, ['review'])])),
      ),
      http.get(API('/me/reviews/'), () => HttpResponse.json(paginated([]))),
      http.post(API('/me/reviews/'), () =>
        apiError(400, 'validation_error', 'Invalid input.', { body: ['Too short.'] }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<MyReviewsPage />);
    await user.click(await screen.findByRole('button', { name: 'Write a review' }));
    await user.type(screen.getByRole('textbox', { name: /Title/ }), 'Hm');
    await user.type(screen.getByRole('textbox', { name: /Your review/ }), 'x');
    await user.click(screen.getByRole('button', { name: 'Submit review' }));
    expect(await screen.findByText('Too short.')).toBeVisible();
    expect(screen.getByRole('textbox', { name: /Title/ })).toHaveValue('Hm');
  });

  it('edits and deletes an own review only as its actions allow, and shows the reply', async () => {
    sessionStore.set({ access: 'token' });
    let reviews = [mine(['edit', 'delete'])];
    server.use(
      http.get(API('/me/purchases/'), () => HttpResponse.json(paginated([]))),
      http.get(API('/me/reviews/'), () => HttpResponse.json(paginated(reviews))),
      http.delete(API('/me/reviews/9/'), () => {
        reviews = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    window.confirm = () => true;
    const user = userEvent.setup();
    renderWithProviders(<MyReviewsPage />);
    expect(await screen.findByText(/Thank you, Sam!/)).toBeVisible();
    expect(screen.getByRole('button', { name: 'Edit review' })).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Delete review' }));
    expect(await screen.findByText('No reviews yet')).toBeVisible();
  });
});

describe('product reviews', () => {
  it('lists published reviews with their stars and sorts them', async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get(API('/products/lamp-2/reviews/'), ({ request }) => {
        asked.push(new URL(request.url).searchParams.get('ordering'));
        return HttpResponse.json({
          ...paginated([mine([])]),
          rating: {
            average: '4.00',
            count: 1,
            stars: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: stars === 4 ? 1 : 0 })),
          },
        });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<ProductReviews slug="lamp-2" />);
    expect(await screen.findByText('Warm light')).toBeVisible();
    expect(screen.getByRole('img', { name: 'Rated 4.0 out of 5, 1 review' })).toBeVisible();
    expect(screen.getByText(/Verified purchase/)).toBeVisible();
    await user.selectOptions(screen.getByLabelText('Sort reviews'), 'rating');
    await waitFor(() => expect(asked).toEqual(['-created_at', 'rating']));
  });

  describe('opened from the "vendor replied" email (#review-<id>)', () => {
    const original = Element.prototype.scrollIntoView;
    afterEach(() => {
      Element.prototype.scrollIntoView = original;
    });
    const rating = { average: '4.00', count: 21, stars: [] };
    const review = (id: number, title: string) => ({ ...mine([]), id, title });

    it('scrolls to that review once the reviews have loaded, on a later page if need be', async () => {
      const scrolled: string[] = [];
      Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
        scrolled.push(this.id);
      });
      const pages: (string | null)[] = [];
      server.use(
        http.get(API('/products/lamp-2/reviews/'), ({ request }) => {
          const page = new URL(request.url).searchParams.get('page');
          pages.push(page);
          return HttpResponse.json(
            page === '2'
              ? { ...paginated([review(9, 'Warm light')], 21), previous: '?page=1', rating }
              : { ...paginated([review(30, 'Too dim')], 21), next: '?page=2', rating },
          );
        }),
      );
      renderWithProviders(<ProductReviews slug="lamp-2" />, { route: '/products/lamp-2#review-9' });
      const item = (await screen.findByText('Warm light')).closest('li');
      expect(item).toHaveAttribute('id', 'review-9');
      await waitFor(() => expect(scrolled).toEqual(['review-9']));
      expect(pages).toEqual(['1', '2']);
    });

    it('gives every review its anchor, and shows the first page again when none matches', async () => {
      const scrolled = vi.fn();
      Element.prototype.scrollIntoView = scrolled;
      const pages: (string | null)[] = [];
      server.use(
        http.get(API('/products/lamp-2/reviews/'), ({ request }) => {
          const page = new URL(request.url).searchParams.get('page');
          pages.push(page);
          return HttpResponse.json(
            page === '2'
              ? { ...paginated([review(31, 'Too bright')], 21), previous: '?page=1', rating }
              : { ...paginated([review(30, 'Too dim')], 21), next: '?page=2', rating },
          );
        }),
      );
      renderWithProviders(<ProductReviews slug="lamp-2" />, { route: '/products/lamp-2#review-9' });
      // it looked on the second page too, and shows the first again
      await waitFor(() => expect(pages.slice(0, 2)).toEqual(['1', '2']));
      expect((await screen.findByText('Too dim')).closest('li')).toHaveAttribute('id', 'review-30');
      expect(screen.queryByText('Too bright')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Back to the first reviews' })).toBeNull();
      expect(scrolled).not.toHaveBeenCalled();
    });
  });
});
