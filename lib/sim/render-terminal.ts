/** The comparison as text: the representative timelines, the ranges, the assumptions, every model parameter with its source. */
import { formatDuration } from '../config/duration';
import { FLOOR_BOUNDS, assumptions } from './assumptions';
import { CA_BEHAVIOUR_SOURCES, CA_LABEL, CA_NOT_MODELLED, CA_PARAMETER_SOURCES, CA_SOURCE, type CaParameters } from './ca-versions';
import { foldTimeline } from './fold-timeline';
import type { Spread } from './ranges';
import type { RunResult, TimelineEntry } from './run';
import { caModel } from './scenario';
import type { Comparison } from './simulate';

export function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  return `+${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

function line(entry: TimelineEntry): string {
  return `  ${clock(entry.t)}  ${entry.who.padEnd(18)} ${entry.text}`;
}

export function minutes(seconds: number | null): string {
  if (seconds === null) return 'not within the run';
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

/** Who a run is: "capacity-guard (next to CA 1.36)", "CA 1.23 alone". */
export function runLabel(run: Pick<RunResult, 'strategy' | 'caVersion'>): string {
  return run.strategy === 'capacity-guard' ? `capacity-guard + CA ${run.caVersion}` : `CA ${run.caVersion} alone`;
}

/** Each CA version's flags with their sources, what the model does with CA's citations, what it leaves out. */
export function modelParameters(comparison: Comparison): string[] {
  const { scenario } = comparison;
  const out: string[] = [];
  for (const version of scenario.clusterAutoscaler.versions) {
    const model = caModel(scenario, version);
    const flags = (Object.keys(CA_PARAMETER_SOURCES) as (keyof CaParameters)[]).map((key) => `${key} ${formatDuration(model[key])}`).join(', ');
    out.push(`${CA_LABEL[version]}, from ${CA_SOURCE[version]}: ${flags}`);
  }
  for (const [key, source] of Object.entries(CA_PARAMETER_SOURCES)) out.push(`${key}: ${source}`);
  for (const { behaviour, versions, source } of CA_BEHAVIOUR_SOURCES) {
    if (versions.some((version) => scenario.clusterAutoscaler.versions.includes(version))) out.push(`[${versions.join(', ')}] ${behaviour} — ${source}`);
  }
  for (const text of CA_NOT_MODELLED) out.push(`not modelled: ${text}`);
  out.push(
    `this run: seed ${scenario.seed}, first ASG cache refresh at +${formatDuration(scenario.clusterAutoscaler.cachePhase)}, CA's loop offset drawn from the seed`,
  );
  return out;
}

export function assumptionLines(comparison: Comparison): string[] {
  return assumptions(comparison.scenario).map(({ name, value, source }) => `${name}: ${value} — ${source}`);
}

export function headlineRows(comparison: Comparison): string[][] {
  const runs = [comparison.capacityGuard, ...comparison.baselines];
  return [
    ['', ...runs.map(runLabel)],
    ['time until demanded capacity is ready', ...runs.map((run) => minutes(run.headline.timeToCapacitySeconds))],
    ['unmet node-minutes', ...runs.map((run) => String(run.headline.unmetNodeMinutes))],
    ['on-demand node-hours', ...runs.map((run) => String(run.headline.onDemandNodeHours))],
  ];
}

/** "2 min 30 s (2 min 20 s – 2 min 40 s)"; never-ready runs are said. */
export function describeSpread(value: Spread, format: (n: number) => string): string {
  if (value.median === null) return `never ready (${value.runs} runs)`;
  const range = `${value.min === null ? '?' : format(value.min)} – ${value.max === null ? 'not ready' : format(value.max)}`;
  return `${format(value.median)} (${range})${value.neverReady > 0 ? `, ${value.neverReady} of ${value.runs} runs never ready` : ''}`;
}

export function rangeRowsText(comparison: Comparison): string[][] {
  return comparison.ranges.map((row) => [
    runLabel(row),
    describeSpread(row.timeToCapacitySeconds, (n) => seconds(n)),
    describeSpread(row.unmetNodeMinutes, (n) => String(n)),
  ]);
}

export function sweepDescription(comparison: Comparison): string {
  const sweep = comparison.sweep;
  if (!sweep) return '';
  const seeds = sweep.seeds.length > 1 ? `seeds ${sweep.seeds[0]}–${sweep.seeds.at(-1)}` : `seed ${sweep.seeds[0]}`;
  return `median (min – max) over ${seeds} × first cache refresh at ${sweep.phases.map((phase) => `+${phase / 1000} s`).join(' / ')} (${sweep.seeds.length * sweep.phases.length} runs each)`;
}

export function sensitivityText(comparison: Comparison): string[][] {
  return comparison.sensitivity.map((row) => [
    row.change,
    row.capacityGuard === null ? 'never ready' : seconds(row.capacityGuard),
    row.baseline === null ? 'never ready' : seconds(row.baseline),
  ]);
}

function table(rows: string[][], indent = ''): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => `${indent}${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
}

/**
 * Why the ratio is what it is: both times to capacity include a floor no strategy can beat (the
 * ramp of the demand, then the boot; the notice of an interruption). What each strategy adds on
 * top of it is what it controls; the ratio cannot exceed baseline ÷ floor.
 */
export function floorLines(comparison: Comparison): string[] {
  const { floorSeconds: floor, timeToCapacityRatio: ratio, scenario } = comparison;
  const guard = comparison.capacityGuard.headline.timeToCapacitySeconds;
  const base = comparison.baseline.headline.timeToCapacitySeconds;
  if (floor === null || guard === null || base === null || floor <= 0) return [];
  const why: string[] = [];
  const ramps = scenario.events.flatMap((event) => ('demand' in event && event.demand.add > 0 ? [event.demand.over] : []));
  if (ramps.length > 0) why.push(`the demand ramps up over ${seconds(Math.max(...ramps) / 1000)}, then a node boots in ${seconds(scenario.bootTime / 1000)}`);
  if (scenario.events.some((event) => 'interrupt' in event)) why.push('an interrupted instance leaves 2 min after its warning');
  // Rounded as the ratio is (lib/sim/simulate.ts ratio): rounding is monotone, so the ratio shown never passes the bound shown.
  const bound = Math.round((base / floor) * 10) / 10;
  return [
    `Floor: the demanded capacity cannot be ready in less than ${seconds(floor)} here (${why.join('; ')}); ${FLOOR_BOUNDS}.`,
    `Beyond that floor capacity-guard took ${seconds(Math.max(0, guard - floor))}, ${runLabel(comparison.baseline)} ${seconds(Math.max(0, base - floor))}; the ratio${ratio === null ? '' : ` (${ratio})`} cannot exceed ${base} s ÷ ${floor} s = ${bound} on this scenario.`,
  ];
}

/** 45 s, 2 min 30 s, 19 min 50 s. */
export function seconds(value: number): string {
  const whole = Math.round(value);
  if (whole < 60) return `${whole} s`;
  const rest = whole % 60;
  return rest === 0 ? `${whole / 60} min` : `${Math.floor(whole / 60)} min ${rest} s`;
}

export function renderTerminal(comparison: Comparison, options: { reportPath?: string } = {}): string {
  const { scenario, capacityGuard } = comparison;
  const out: string[] = [];
  out.push(`capacity-guard simulator — scenario ${scenario.name}: ${scenario.description}`);
  out.push('Fake AWS on a virtual clock, no AWS account. capacity-guard runs its real app code (what the Lambda functions run);');
  out.push(
    `cluster-autoscaler is a MODEL written from CA's code (citations below), in every run: ${scenario.clusterAutoscaler.versions.map((version) => CA_LABEL[version]).join('; ')}.`,
  );
  out.push(`One representative night first (seed ${scenario.seed}), then the ranges.`);
  const applications = capacityGuard.applications.length;
  if (applications > 0)
    out.push(
      `${applications} applications, ${scenario.groups.length} groups: the same action on many groups at one instant is one line; a table per application follows the timelines.`,
    );
  out.push('');
  out.push(
    `${runLabel(capacityGuard)} (${capacityGuard.eventsDelivered} event(s) delivered, ${capacityGuard.capacityGuardActions} action(s), ${capacityGuard.slackMessages} Slack message(s)):`,
  );
  out.push(...readableTimeline(comparison, capacityGuard).map(line));
  if (capacityGuard.slackMessages === 0) out.push('  (no Slack message: capacity-guard had nothing to tell)');
  for (const baseline of comparison.baselines) {
    out.push('');
    out.push(`${runLabel(baseline)}:`);
    out.push(...readableTimeline(comparison, baseline).map(line));
  }
  out.push('');
  out.push('This night:');
  out.push(...table(headlineRows(comparison), '  '));
  out.push(`  ${runLabel(comparison.baseline)} ÷ capacity-guard time to capacity: ${comparison.timeToCapacityRatio ?? 'n/a'}`);
  out.push(...floorLines(comparison).map((text) => `  ${text}`));
  const perApplication = applicationRows(comparison);
  if (perApplication.length > 0) {
    out.push('');
    out.push('This night, per application (time to capacity from its own peak; the figures above are the median application):');
    out.push(...table(perApplication, '  '));
  }
  for (const note of [...capacityGuard.notes, ...comparison.baselines.flatMap((run) => run.notes)]) out.push(`note: ${note}`);
  if (comparison.ranges.length > 0) {
    out.push('');
    out.push(`Ranges: ${sweepDescription(comparison)}:`);
    out.push(...table([['', 'time until demanded capacity is ready', 'unmet node-minutes'], ...rangeRowsText(comparison)], '  '));
  }
  if (comparison.sensitivity.length > 0) {
    out.push('');
    out.push(`If the assumptions move (median time to capacity, ${comparison.sensitivity.length} variants, seeds 1–3 × the same phases):`);
    out.push(...table([['', runLabel(capacityGuard), runLabel(comparison.baseline)], ...sensitivityText(comparison)], '  '));
  }
  if (comparison.retire) out.push('', ...retireLines(comparison.retire));
  out.push('');
  out.push('Assumptions about the world:');
  out.push(...assumptionLines(comparison).map((text) => `  ${text}`));
  out.push('');
  out.push("The baselines are models of cluster-autoscaler, not cluster-autoscaler. Their parameters and behaviours, with CA's code cited:");
  out.push(...modelParameters(comparison).map((text) => `  ${text}`));
  if (options.reportPath) out.push('', `HTML report: ${options.reportPath}`);
  return `${out.join('\n')}\n`;
}

/** The timeline with the same action on many groups at one instant told once (lib/sim/fold-timeline.ts). */
export function readableTimeline(comparison: Comparison, run: RunResult): TimelineEntry[] {
  return foldTimeline(
    run.timeline,
    comparison.scenario.groups.map((group) => group.name),
  );
}

/** One row per application of the scenario (none without applications): its peak, each run's time to capacity, its floor, its on-demand node-hours. */
export function applicationRows(comparison: Comparison): string[][] {
  const runs = [comparison.capacityGuard, ...comparison.baselines];
  const names = comparison.capacityGuard.applications.map((application) => application.name);
  if (names.length === 0) return [];
  const peak = (name: string) => {
    const at = comparison.scenario.events.flatMap((event) => ('demand' in event && event.demand.application === name ? [event.at / 1000] : []))[0];
    return at === undefined ? '' : clock(at);
  };
  const of = (run: RunResult, name: string) => run.applications.find((application) => application.name === name);
  return [
    ['', 'peak', ...runs.map(runLabel), 'floor', `on-demand node-hours (${runs.map(runLabel).join(' / ')})`],
    ...names.map((name) => [
      name,
      peak(name),
      ...runs.map((run) => {
        const time = of(run, name)?.timeToCapacitySeconds ?? null;
        return time === null ? 'not within the run' : seconds(time);
      }),
      seconds(of(comparison.capacityGuard, name)?.floorSeconds ?? 0),
      runs.map((run) => String(of(run, name)?.onDemandNodeHours ?? 0)).join(' / '),
    ]),
  ];
}

/** Issue 15: on-demand node-hours and unmet node-minutes under the three retirement strategies. */
function retireLines(retire: NonNullable<Comparison['retire']>): string[] {
  return [
    'On-demand retirement (each with the failover and the cluster-autoscaler model, scale-down included):',
    ...retire.runs.map(
      (run) =>
        `  ${run.strategy.padEnd(15)} ${String(run.run.headline.onDemandNodeHours).padStart(6)} on-demand node-hours  ${String(run.run.headline.unmetNodeMinutes).padStart(6)} unmet node-minutes`,
    ),
  ];
}

/** The comparison as one JSON-ready object. */
export function toJson(comparison: Comparison): Record<string, unknown> {
  const run = (result: RunResult) => ({
    strategy: result.strategy,
    caVersion: result.caVersion,
    headline: result.headline,
    eventsDelivered: result.eventsDelivered,
    capacityGuardActions: result.capacityGuardActions,
    slackMessages: result.slackMessages,
    notes: result.notes,
    applications: result.applications,
    timeline: result.timeline,
  });
  const { scenario } = comparison;
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    baselineIsAModel: true,
    model: {
      clusterAutoscaler: Object.fromEntries(scenario.clusterAutoscaler.versions.map((version) => [version, caModel(scenario, version)])),
      bootTime: scenario.bootTime,
      launchFailureEventDelay: scenario.launchFailureEventDelay,
      eventDelivery: scenario.eventDelivery,
      asgRetryInterval: scenario.asgRetryInterval,
    },
    assumptions: assumptions(scenario),
    timeToCapacityRatio: comparison.timeToCapacityRatio,
    floorSeconds: comparison.floorSeconds,
    capacityGuard: run(comparison.capacityGuard),
    baseline: run(comparison.baseline),
    baselines: comparison.baselines.map(run),
    sweep: comparison.sweep,
    ranges: comparison.ranges,
    sensitivity: comparison.sensitivity,
  };
}
