import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schema } from '@/lib/types';
import { server } from '@/test/server';
import { API, paginated, renderWithProviders } from '@/test/utils';
import { ACCOUNT_POLL_MS } from './api/payouts';
import { EarningsChart } from './components/payouts/EarningsChart';
import { niceMax } from './components/payouts/scale';
import { VendorPortal } from './components/VendorPortal';

const approved: Schema<'VendorSummary'> = {
  slug: 'lumen',
  name: 'Lumen Works',
  status: 'approved',
  role: 'owner',
};

const account = {
  status: 'enabled',
  provider: 'dummy',
  account_id: 'acct_dummy_1',
  details_submitted: true,
  payouts_enabled: true,
  schedule: 'daily',
  weekly_anchor: 'Monday',
  on_hold: false,
  hold_reason: null,
  minimum_amount: '10.00',
};

function points(days: number, at: Record<number, { sales?: string; payouts?: string }> = {}) {
  return Array.from({ length: days }, (_, i) => ({
    date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    sales: at[i]?.sales ?? '0.00',
    payouts: at[i]?.payouts ?? '0.00',
  }));
}

function moneyApi(overrides: { account?: object } = {}) {
  server.use(
    http.get(API('/vendor/payout-account/'), () =>
      HttpResponse.json({ ...account, ...overrides.account }),
    ),
    http.get(API('/vendor/balance/'), () =>
      HttpResponse.json({
        hold_days: 7,
        balances: [
          {
            currency: 'EUR',
            pending: '90.00',
            available: '-18.00',
            paid_out: '45.00',
            in_transit: '30.00',
            total: '72.00',
          },
        ],
      }),
    ),
    http.get(API('/vendor/earnings/'), () =>
      HttpResponse.json({
        currency: 'EUR',
        days: 90,
        points: points(90, { 89: { sales: '100.00', payouts: '45.00' } }),
      }),
    ),
    http.get(API('/vendor/payouts/'), () =>
      HttpResponse.json(
        paginated([
          {
            id: 7,
            amount: '45.00',
            currency: 'EUR',
            status: 'paid',
            amount_reversed: '0.00',
            transfer_id: 'tr_dummy_1',
            failure_reason: '',
            entry_count: 2,
            created_at: '2026-03-30T10:00:00Z',
            sent_at: '2026-03-30T10:00:01Z',
          },
        ]),
      ),
    ),
    http.get(API('/vendor/statements/'), () =>
      HttpResponse.json([{ month: '2026-03', entries: 4 }]),
    ),
    http.get(API('/vendor/ledger/'), ({ request }) => {
      const type = new URL(request.url).searchParams.get('type');
      const rows = [
        {
          id: 1,
          type: 'sale',
          amount: '100.00',
          currency: 'EUR',
          state: 'pending',
          available_at: '2026-04-06T10:00:00Z',
          created_at: '2026-03-30T10:00:00Z',
          order_number: 'AG-1',
          vendor_order_id: 3,
          refund_id: null,
          payout_id: null,
          reason: '',
        },
        {
          id: 2,
          type: 'refund',
          amount: '-20.00',
          currency: 'EUR',
          state: 'available',
          available_at: '2026-03-30T10:00:00Z',
          created_at: '2026-03-30T11:00:00Z',
          order_number: 'AG-1',
          vendor_order_id: 3,
          refund_id: 9,
          payout_id: null,
          reason: '',
        },
      ];
      return HttpResponse.json(paginated(type ? rows.filter((r) => r.type === type) : rows));
    }),
  );
}

const renderPayouts = (route = '/vendor/payouts') =>
  renderWithProviders(<VendorPortal vendor={approved} email="v@example.com" categories={[]} />, {
    route,
    path: '/vendor/*',
  });

afterEach(() => vi.restoreAllMocks());

describe('vendor payouts page', () => {
  it('shows the balance, the chart, the payouts and the ledger', async () => {
    moneyApi();
    renderPayouts();
    const balance = await screen.findByRole('list', { name: 'Balance in EUR' });
    expect(within(balance).getByText('Pending').parentElement).toHaveTextContent('90.00');
    expect(within(balance).getByText('Available').parentElement).toHaveTextContent(/-€18\.00/);
    expect(within(balance).getByText('Paid out').parentElement).toHaveTextContent('45.00');
    expect(within(balance).getByText('on its way', { exact: false })).toHaveTextContent(
      /€30\.00 on its way/,
    );
    expect(
      await screen.findByRole('img', { name: /Daily sales and payouts over the last 90 days/ }),
    ).toBeInTheDocument();
    const payouts = await screen.findByRole('table', { name: 'Payouts' });
    expect(within(payouts).getByText('Paid')).toBeInTheDocument();
    const ledger = await screen.findByRole('table', { name: 'Ledger' });
    expect(within(ledger).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText('Payouts are enabled.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Payouts' })).toHaveAttribute('aria-current', 'page');
  });

  it('pages through the payouts apart from the ledger', async () => {
    moneyApi();
    const asked: string[] = [];
    server.use(
      http.get(API('/vendor/payouts/'), ({ request }) => {
        asked.push(new URL(request.url).searchParams.get('page') ?? '1');
        const payout = {
          id: 27,
          amount: '45.00',
          currency: 'EUR',
          status: 'paid',
          amount_reversed: '0.00',
          transfer_id: 'tr_27',
          failure_reason: '',
          entry_count: 2,
          created_at: '2026-03-30T10:00:00Z',
          sent_at: '2026-03-30T10:00:01Z',
        };
        return HttpResponse.json(paginated([payout], 45));
      }),
    );
    renderPayouts('/vendor/payouts?payouts_page=2');
    const pages = await screen.findByRole('navigation', { name: 'Pages of payouts' });
    expect(within(pages).getByRole('link', { name: /Next/ })).toHaveAttribute(
      'href',
      '/vendor/payouts?payouts_page=3',
    );
    expect(asked).toEqual(['2']);
  });

  it('asks for the account again until the provider has enabled it, back from onboarding', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let status = 'onboarding';
    moneyApi();
    server.use(
      http.get(API('/vendor/payout-account/'), () =>
        HttpResponse.json({ ...account, status, payouts_enabled: status === 'enabled' }),
      ),
    );
    renderPayouts('/vendor/payouts?onboarding=return');
    expect(await screen.findByText(/this page updates when it is done/)).toBeInTheDocument();
    status = 'enabled';
    await act(() => vi.advanceTimersByTimeAsync(ACCOUNT_POLL_MS));
    expect(await screen.findByText('Payouts are enabled.')).toBeInTheDocument();
    expect(screen.queryByText(/this page updates when it is done/)).not.toBeInTheDocument();
    vi.useRealTimers();
  });

  it('filters the ledger by type through the URL', async () => {
    moneyApi();
    const user = userEvent.setup();
    renderPayouts();
    await screen.findByRole('table', { name: 'Ledger' });
    await user.selectOptions(screen.getByLabelText('Type'), 'refund');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('type=refund'));
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Ledger' })).getAllByRole('row'),
      ).toHaveLength(2),
    );
  });

  it('sends a vendor without an account to the provider to connect', async () => {
    moneyApi({ account: { ...account, status: 'not_connected', payouts_enabled: false } });
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    server.use(
      http.post(API('/vendor/payout-account/'), () =>
        HttpResponse.json({ url: 'https://connect.example/onboard', account }),
      ),
    );
    const user = userEvent.setup();
    renderPayouts();
    await user.click(await screen.findByRole('button', { name: 'Connect payouts' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://connect.example/onboard'));
    vi.unstubAllGlobals();
  });

  it('completes the test onboarding and returns to the payouts page', async () => {
    moneyApi();
    let sent: unknown = null;
    server.use(
      http.post(API('/vendor/payout-account/dummy-onboarding/'), async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(account);
      }),
    );
    const user = userEvent.setup();
    renderPayouts('/vendor/payouts/onboarding?account=acct_dummy_1');
    await user.click(await screen.findByRole('button', { name: 'Complete test onboarding' }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/vendor/payouts?onboarding=return'),
    );
    expect(sent).toEqual({ account: 'acct_dummy_1' });
  });

  it('downloads the statement with the session and the name the server gives', async () => {
    moneyApi();
    server.use(
      http.get(
        API('/vendor/statements/2026-03/csv/'),
        () =>
          new HttpResponse('date,type\n', {
            headers: {
              'Content-Type': 'text/csv',
              'Content-Disposition': 'attachment; filename="statement-lumen-2026-03.csv"',
            },
          }),
      ),
    );
    const created = vi.fn(() => 'blob:statement');
    vi.stubGlobal(
      'URL',
      Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }),
    );
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    const user = userEvent.setup();
    renderPayouts();
    await screen.findByRole('option', { name: '2026-03' });
    await user.selectOptions(screen.getByLabelText('Month'), '2026-03');
    await user.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(clicked).toEqual(['statement-lumen-2026-03.csv']));
    expect(created).toHaveBeenCalled();
    vi.unstubAllGlobals();
  });
});

describe('earnings chart', () => {
  it('draws a bar per day with money and scales to a round top', () => {
    renderWithProviders(
      <EarningsChart
        points={points(3, { 0: { sales: '12.00' }, 2: { sales: '40.00', payouts: '30.00' } })}
        currency="EUR"
      />,
    );
    const chart = screen.getByRole('img');
    expect(chart).toHaveAccessibleName(/52\.00.*sold.*30\.00.*paid out/);
    expect(chart.querySelectorAll('rect.chart__sales')).toHaveLength(2);
    expect(chart.querySelectorAll('rect.chart__payouts')).toHaveLength(1);
  });

  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([niceMax(0), niceMax(3), niceMax(12), niceMax(40), niceMax(501)]).toEqual([
      1, 5, 20, 50, 1000,
    ]);
  });
});
