/**
 * A self-contained HTML report: headline table, an inline SVG plot (nodes ready vs demanded over
 * time, both strategies; on-demand nodes dashed), parameters and timelines. No script, no network.
 */
import { formatDuration } from '../config/duration';
import {
  applicationRows,
  assumptionLines,
  clock,
  describeSpread,
  floorLines,
  headlineRows,
  modelParameters,
  readableTimeline,
  runLabel,
  seconds,
  sensitivityText,
  sweepDescription,
} from './render-terminal';
import type { RangeRow } from './ranges';
import type { RunResult, Sample } from './run';
import { retireSection } from './render-retire';
import type { Comparison } from './simulate';

const W = 900;
const H = 400;
const PAD = { left: 50, right: 20, top: 20, bottom: 80 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One line of the plot; `id` names it for the tests (data-series). */
interface Series {
  id: string;
  label: string;
  d: string;
  color: string;
  width: number;
  dash: string;
  opacity: number;
}

const fixed = (value: number) => Number(value.toFixed(1));

function plot(comparison: Comparison): string {
  const { capacityGuard, baseline, scenario } = comparison;
  const all = [capacityGuard, ...comparison.baselines].flatMap((run) => run.samples);
  // The whole scenario on the x axis, even when the last sample falls short of its end.
  const tMax = Math.max(1, scenario.duration / 1000, ...all.map((s) => s.t));
  const yMax = Math.max(1, ...all.map((s) => Math.max(s.demand, s.ready, s.onDemand))) * 1.1;
  const x = (t: number) => fixed(PAD.left + (t / tMax) * (W - PAD.left - PAD.right));
  const y = (v: number) => fixed(H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom));
  const path = (samples: Sample[], pick: (s: Sample) => number) => samples.map((s, i) => `${i ? 'L' : 'M'}${x(s.t)},${y(pick(s))}`).join(' ');
  const nodeHours = (run: RunResult) => `${run.headline.onDemandNodeHours} node-hours`;
  // Drawn in this order: where lines coincide (all demanded nodes ready) the wide pale green stays
  // visible under the red, and the dotted demand line stays on top of both.
  const series: Series[] = [
    {
      id: 'ready-capacity-guard',
      label: 'ready, capacity-guard',
      d: path(capacityGuard.samples, (s) => s.ready),
      color: '#1a7f37',
      width: 5,
      dash: '',
      opacity: 0.5,
    },
    {
      id: 'ready-baseline',
      label: `ready, ${runLabel(baseline)}`,
      d: path(baseline.samples, (s) => s.ready),
      color: '#cf222e',
      width: 2,
      dash: '',
      opacity: 1,
    },
    {
      id: 'on-demand-capacity-guard',
      label: `on-demand, capacity-guard (${nodeHours(capacityGuard)})`,
      d: path(capacityGuard.samples, (s) => s.onDemand),
      color: '#1a7f37',
      width: 2,
      dash: '6 4',
      opacity: 1,
    },
    {
      id: 'on-demand-baseline',
      label: `on-demand, baseline (${nodeHours(baseline)})`,
      d: path(baseline.samples, (s) => s.onDemand),
      color: '#cf222e',
      width: 2,
      dash: '6 4',
      opacity: 1,
    },
    { id: 'demanded', label: 'demanded', d: path(capacityGuard.samples, (s) => s.demand), color: '#222', width: 1.5, dash: '2 3', opacity: 1 },
    ...comparison.baselines.slice(1).map((run) => ({
      id: `ready-baseline-${run.caVersion}`,
      label: `ready, ${runLabel(run)}`,
      d: path(run.samples, (s) => s.ready),
      color: '#9a6700',
      width: 1.5,
      dash: '',
      opacity: 1,
    })),
  ];
  const bottom = H - PAD.bottom;
  const grid: string[] = [];
  const stepMin = tMax > 3600 ? 15 : 5;
  for (let m = 0; m * 60 <= tMax; m += stepMin)
    grid.push(
      `<line x1="${x(m * 60)}" y1="${bottom}" x2="${x(m * 60)}" y2="${bottom + 5}" stroke="#444"/><text x="${x(m * 60)}" y="${bottom + 18}" font-size="11" text-anchor="middle">${m} min</text>`,
    );
  const yStep = Math.max(1, Math.ceil(yMax / 6));
  for (let v = 0; v <= yMax; v += yStep)
    grid.push(
      `<line x1="${PAD.left - 5}" y1="${y(v)}" x2="${W - PAD.right}" y2="${y(v)}" stroke="${v === 0 ? '#444' : '#eee'}"/><text x="${PAD.left - 8}" y="${fixed(y(v) + 4)}" font-size="11" text-anchor="end">${v}</text>`,
    );
  const axes = [
    `<line class="axis" data-axis="x" x1="${PAD.left}" y1="${bottom}" x2="${W - PAD.right}" y2="${bottom}" stroke="#444"/>`,
    `<line class="axis" data-axis="y" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${bottom}" stroke="#444"/>`,
  ];
  // The legend in the order a reader looks for: demand first.
  const legendOrder = [series[4]!, series[0]!, series[1]!, ...series.slice(5), series[2]!, series[3]!];
  const legend = legendOrder.map(
    (s, i) =>
      `<g class="legend-entry" data-series="${s.id}" transform="translate(${PAD.left + 10 + (i % 3) * 280},${H - 36 + Math.floor(i / 3) * 16})"><line x1="0" y1="0" x2="24" y2="0" stroke="${s.color}" stroke-width="${s.width}" stroke-dasharray="${s.dash}" stroke-opacity="${s.opacity}"/><text x="30" y="4" font-size="11">${escape(s.label)}</text></g>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="plot-title">
<title id="plot-title">Nodes ready versus demanded over time, capacity-guard and the baseline model; on-demand nodes dashed</title>
${grid.join('\n')}
${axes.join('\n')}
${series.map((s) => `<path data-series="${s.id}" d="${s.d}" fill="none" stroke="${s.color}" stroke-width="${s.width}" stroke-dasharray="${s.dash}" stroke-opacity="${s.opacity}"/>`).join('\n')}
${legend.join('\n')}
<text x="${W / 2}" y="${bottom + 34}" font-size="12" text-anchor="middle">time since the scenario started</text>
<text x="14" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">nodes</text>
</svg>`;
}

function timeline(comparison: Comparison, run: RunResult): string {
  return `<table class="timeline">${readableTimeline(comparison, run)
    .map((e) => `<tr><td>${clock(e.t)}</td><td>${escape(e.who)}</td><td>${escape(e.text)}</td></tr>`)
    .join('\n')}</table>`;
}

/** Each strategy's range of time to capacity as a bar (min – max) with its median marked, on one shared scale. */
function rangeBars(rows: readonly RangeRow[], floor: number | null): string {
  const width = 360;
  const scale = Math.max(1, floor ?? 0, ...rows.flatMap((row) => [row.timeToCapacitySeconds.max ?? 0, row.timeToCapacitySeconds.median ?? 0]));
  const x = (value: number) => fixed((value / scale) * width);
  return rows
    .map((row) => {
      const { min, max, median } = row.timeToCapacitySeconds;
      // Plain positioned boxes, not SVG: the report's one SVG is the plot.
      const bar = min === null ? '' : `<span class="bar" style="left:${x(min)}px;width:${fixed(Math.max(2, x(max ?? scale) - x(min)))}px"></span>`;
      const floorMark = floor === null ? '' : `<span class="floor" title="floor" style="left:${x(floor)}px"></span>`;
      const tick = median === null ? '' : `<span class="median" style="left:${x(median)}px"></span>`;
      return `<tr data-range="${escape(runLabel(row))}"><th>${escape(runLabel(row))}</th><td>${escape(describeSpread(row.timeToCapacitySeconds, seconds))}</td><td><div class="spread" style="width:${width}px">${floorMark}${bar}${tick}</div></td><td>${escape(describeSpread(row.unmetNodeMinutes, String))}</td></tr>`;
    })
    .join('\n');
}

/** Each application's night (scenarios that name applications). */
function perApplication(comparison: Comparison): string {
  const [head, ...rows] = applicationRows(comparison);
  if (!head) return '';
  return `<h2>Per application</h2><p>Time to capacity from each application's own peak; the headline is the median application.</p><table class="applications headline">
<tr>${head.map((cell) => `<th>${escape(cell)}</th>`).join('')}</tr>
${rows.map(([name, ...cells]) => `<tr><th>${escape(name!)}</th>${cells.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('\n')}</table>`;
}

function list(lines: readonly string[]): string {
  return `<ul>${lines.map((text) => `<li>${escape(text)}</li>`).join('')}</ul>`;
}

export function renderHtml(comparison: Comparison): string {
  const { scenario } = comparison;
  const [head, ...rows] = headlineRows(comparison);
  const headline = [
    `<tr>${head!.map((cell) => `<th>${escape(cell)}</th>`).join('')}</tr>`,
    ...rows.map(([label, ...cells]) => `<tr><th>${escape(label!)}</th>${cells.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`),
  ].join('\n');
  const notes = [comparison.capacityGuard, ...comparison.baselines]
    .flatMap((run) => run.notes)
    .map((note) => `<li>${escape(note)}</li>`)
    .join('');
  const ranges =
    comparison.ranges.length === 0
      ? ''
      : `<h2>Ranges</h2><p>${escape(sweepDescription(comparison))}. The bar spans min – max of time to capacity, the black tick is the median, the red line the floor.</p>
<table class="ranges headline"><tr><th></th><th>time until demanded capacity is ready</th><th></th><th>unmet node-minutes</th></tr>
${rangeBars(comparison.ranges, comparison.floorSeconds)}</table>`;
  const sensitivity =
    comparison.sensitivity.length === 0
      ? ''
      : `<h2>If the assumptions move</h2><p>Median time to capacity (seeds 1–3 × the same cache phases).</p><table class="sensitivity headline"><tr><th></th><th>${escape(runLabel(comparison.capacityGuard))}</th><th>${escape(runLabel(comparison.baseline))}</th></tr>
${sensitivityText(comparison)
  .map(([change, guard, base]) => `<tr><th>${escape(change!)}</th><td>${escape(guard!)}</td><td>${escape(base!)}</td></tr>`)
  .join('\n')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>capacity-guard simulation: ${escape(scenario.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;vertical-align:top}
.timeline td{font-family:ui-monospace,monospace;font-size:12px}.spread{position:relative;height:16px;background:#f4f4f4}.spread .bar{position:absolute;top:5px;height:6px;background:#888}.spread .median{position:absolute;top:0;width:2px;height:16px;background:#000}.spread .floor{position:absolute;top:0;width:1px;height:16px;background:#cf222e}.headline td,.headline th{border-bottom:1px solid #ddd}</style></head>
<body>
<h1>${escape(scenario.name)}</h1>
<p>${escape(scenario.description)} — ${formatDuration(scenario.duration)} simulated from ${escape(scenario.start)}; the timelines and the plot are one night, seed ${scenario.seed}.</p>
<p><strong>The baselines are models of cluster-autoscaler written from its code, not cluster-autoscaler.</strong> capacity-guard runs its real code against a fake AWS, next to ${escape(runLabel(comparison.baseline).replace(' alone', ''))}.</p>
<table class="headline">${headline}
<tr><th>${escape(runLabel(comparison.baseline))} ÷ capacity-guard time to capacity</th><td colspan="${head!.length - 1}">${comparison.timeToCapacityRatio ?? 'n/a'}</td></tr></table>
${floorLines(comparison)
  .map((text) => `<p>${escape(text)}</p>`)
  .join('\n')}
${notes ? `<ul>${notes}</ul>` : ''}
${perApplication(comparison)}
${ranges}
${sensitivity}
${plot(comparison)}
${comparison.retire ? retireSection(comparison.retire) : ''}
<h2>Assumptions</h2>${list(assumptionLines(comparison))}
<h2>Model parameters and behaviours</h2>${list(modelParameters(comparison))}
<h2>${escape(runLabel(comparison.capacityGuard))}</h2>${timeline(comparison, comparison.capacityGuard)}
${comparison.baselines.map((run) => `<h2>${escape(runLabel(run))}</h2>${timeline(comparison, run)}`).join('\n')}
</body></html>
`;
}
