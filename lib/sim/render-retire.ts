/**
 * The HTML report's retirement section (issue 15): on-demand nodes over time under the three
 * strategies, one line each, and their figures. Inline SVG, no script.
 */
import type { RetireComparison } from './retire-run';

const W = 900;
const H = 300;
const PAD = { left: 50, right: 20, top: 20, bottom: 60 };
const COLORS: Record<string, string> = { 'capacity-guard': '#1a7f37', draino: '#9a6700', none: '#cf222e' };
const LABELS: Record<string, string> = {
  'capacity-guard': 'capacity-guard retirement',
  draino: 'draino rule (2 h after launch)',
  none: 'no retirement (CA scale-down only)',
};

const fixed = (value: number) => Number(value.toFixed(1));
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function retireSection(comparison: RetireComparison): string {
  const { runs, scenario } = comparison;
  const tMax = Math.max(1, scenario.duration / 1000);
  const yMax = Math.max(1, ...runs.flatMap((run) => run.run.samples.map((sample) => sample.onDemand))) * 1.1;
  const x = (t: number) => fixed(PAD.left + (t / tMax) * (W - PAD.left - PAD.right));
  const y = (v: number) => fixed(H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom));
  const bottom = H - PAD.bottom;
  const grid: string[] = [];
  for (let m = 0; m * 60 <= tMax; m += 30) grid.push(`<text x="${x(m * 60)}" y="${bottom + 16}" font-size="11" text-anchor="middle">${m} min</text>`);
  for (let v = 0; v <= yMax; v += Math.max(1, Math.ceil(yMax / 5)))
    grid.push(
      `<line x1="${PAD.left}" y1="${y(v)}" x2="${W - PAD.right}" y2="${y(v)}" stroke="${v === 0 ? '#444' : '#eee'}"/><text x="${PAD.left - 8}" y="${fixed(y(v) + 4)}" font-size="11" text-anchor="end">${v}</text>`,
    );
  const lines = runs.map(
    (run) =>
      `<path data-series="retire-${run.strategy}" d="${run.run.samples.map((s, i) => `${i ? 'L' : 'M'}${x(s.t)},${y(s.onDemand)}`).join(' ')}" fill="none" stroke="${COLORS[run.strategy]}" stroke-width="2"/>`,
  );
  const legend = runs.map(
    (run, i) =>
      `<g transform="translate(${PAD.left + 10 + i * 280},${H - 20})"><line x1="0" y1="0" x2="24" y2="0" stroke="${COLORS[run.strategy]}" stroke-width="2"/><text x="30" y="4" font-size="11">${escape(`${LABELS[run.strategy]} (${run.run.headline.onDemandNodeHours} node-hours)`)}</text></g>`,
  );
  const rows = runs.map(
    (run) =>
      `<tr><th>${escape(LABELS[run.strategy] ?? run.strategy)}</th><td>${run.run.headline.onDemandNodeHours}</td><td>${run.run.headline.unmetNodeMinutes}</td><td>${run.tally.retired}</td><td>${run.tally.scaledDown}</td><td>${run.strategy === 'capacity-guard' ? run.tally.earlyRetirements : '-'}</td></tr>`,
  );
  return `<h2>On-demand retirement</h2>
<p>The same night under three strategies, each with capacity-guard's failover and the cluster-autoscaler model (scale-up and scale-down, which removes unneeded nodes whatever their market).</p>
<table class="headline"><tr><th></th><th>on-demand node-hours</th><th>unmet node-minutes</th><th>removed by the strategy</th><th>removed by CA scale-down</th><th>retired before replacement ready</th></tr>
${rows.join('\n')}</table>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="retire-title">
<title id="retire-title">On-demand nodes over time under three retirement strategies</title>
${grid.join('\n')}
${lines.join('\n')}
${legend.join('\n')}
</svg>`;
}
