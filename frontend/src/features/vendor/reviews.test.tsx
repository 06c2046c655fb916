import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { sessionStore } from '@/lib/session';
import type { Schema } from '@/lib/types';
import { server } from '@/test/server';
import { API, paginated, renderWithProviders } from '@/test/utils';
import { VendorReviewsPage } from './components/VendorReviewsPage';

const review = (
  id: number,
  actions: Schema<'VendorReview'>['actions'],
  reply: Schema<'Reply'> | null = null,
): Schema<'VendorReview'> => ({
  id,
  rating: 5,
  title: `Review ${id}`,
  body: 'Great.',
  author: 'Sam S.',
  verified_purchase: true,
  photos: [],
  reply,
  created_at: '2026-11-03T00:00:00Z',
  edited: false,
  product: { slug: 'lamp', name: 'Lamp' },
  actions,
});

describe('vendor reviews', () => {
  it('replies once, where the API offers it', async () => {
    sessionStore.set({ access: 'token' });
    let reviews = [
      review(1, ['reply']),
      review(2, [], { text: 'Thanks!', replied_at: '2026-11-04T00:00:00Z' }),
    ];
    const replies: unknown[] = [];
    server.use(
      http.get(API('/vendor/reviews/'), () => HttpResponse.json(paginated(reviews))),
      http.post(API('/vendor/reviews/1/reply/'), async ({ request }) => {
        replies.push(await request.json());
        reviews = [
          review(1, [], { text: 'Glad you like it.', replied_at: '2026-11-05T00:00:00Z' }),
          reviews[1] as Schema<'VendorReview'>,
        ];
        return HttpResponse.json(reviews[0]);
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<VendorReviewsPage />);
    const list = await screen.findByRole('list', { name: 'Reviews of your products' });
    expect(within(list).getAllByRole('button', { name: 'Reply' })).toHaveLength(1);
    await user.click(within(list).getByRole('button', { name: 'Reply' }));
    await user.type(screen.getByLabelText(/Your public reply/), 'Glad you like it.');
    await user.click(screen.getByRole('button', { name: 'Publish reply' }));
    expect(await screen.findByText(/Glad you like it\./)).toBeVisible();
    expect(replies).toEqual([{ text: 'Glad you like it.' }]);
    expect(screen.queryByRole('button', { name: 'Reply' })).not.toBeInTheDocument();
  });
});
