import { formatMoney } from '@/lib/format';
import { niceMax } from './scale';
import type { DailyPoint } from '@/features/vendor/api/payouts';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 24, left: 56 };

const shortDate = (iso: string) =>
  new Date(`${iso}T00:00:00`).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

/**
 * Daily sales (bars) and payouts (darker bars beside them) as a small hand-drawn SVG: no
 * chart library, so the portal's payouts chunk stays small. The totals are in the label.
 */
export function EarningsChart({ points, currency }: { points: DailyPoint[]; currency: string }) {
  const sales = points.map((p) => Number(p.sales));
  const payouts = points.map((p) => Number(p.payouts));
  const top = niceMax(Math.max(0, ...sales, ...payouts));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const barWidth = Math.max(1, slot * 0.4);
  const y = (value: number) => PAD.top + plotHeight - (Math.max(value, 0) / top) * plotHeight;
  const totalSales = sales.reduce((a, b) => a + b, 0);
  const totalPayouts = payouts.reduce((a, b) => a + b, 0);
  const label =
    `Daily sales and payouts over the last ${points.length} days: ` +
    `${formatMoney(totalSales, currency)} sold, ${formatMoney(totalPayouts, currency)} paid out.`;
  const first = points[0];
  const middle = points[Math.floor(points.length / 2)];
  const last = points[points.length - 1];

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className="chart__svg">
        <title>{label}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(top * f)}
              y2={y(top * f)}
              className="chart__grid"
            />
            <text x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end" className="chart__axis">
              {formatMoney(top * f, currency)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = PAD.left + i * slot + (slot - 2 * barWidth) / 2;
          const s = sales[i] ?? 0;
          const o = payouts[i] ?? 0;
          return (
            <g key={p.date}>
              {s > 0 ? (
                <rect
                  x={x}
                  y={y(s)}
                  width={barWidth}
                  height={PAD.top + plotHeight - y(s)}
                  className="chart__sales"
                >
                  <title>{`${p.date}: ${formatMoney(s, currency)} sold`}</title>
                </rect>
              ) : null}
              {o > 0 ? (
                <rect
                  x={x + barWidth}
                  y={y(o)}
                  width={barWidth}
                  height={PAD.top + plotHeight - y(o)}
                  className="chart__payouts"
                >
                  <title>{`${p.date}: ${formatMoney(o, currency)} paid out`}</title>
                </rect>
              ) : null}
            </g>
          );
        })}
        {[first, middle, last].map((p, i) =>
          p ? (
            <text
              key={i}
              x={i === 0 ? PAD.left : i === 2 ? WIDTH - PAD.right : PAD.left + plotWidth / 2}
              y={HEIGHT - 6}
              textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}
              className="chart__axis"
            >
              {shortDate(p.date)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="chart__legend">
        <span className="chart__key chart__key--sales">Sales</span>
        <span className="chart__key chart__key--payouts">Payouts</span>
      </figcaption>
    </figure>
  );
}
