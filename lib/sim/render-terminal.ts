/** The comparison as text: both timelines, the headline figures, every model parameter. */
import { formatDuration } from '../config/duration';
import { MODEL_PARAMETER_SOURCES } from './cluster-autoscaler-model';
import type { RunResult, TimelineEntry } from './run';
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

export function modelParameters(comparison: Comparison): string[] {
  const { scenario } = comparison;
  const model = scenario.clusterAutoscaler;
  return [
    ...Object.entries(model).map(([key, value]) => `${key} = ${formatDuration(value as number)}  — ${MODEL_PARAMETER_SOURCES[key as keyof typeof model]}`),
    'expander = priority (ties broken at random, seeded); a scale-up that adds nodes to a group still waiting restarts its provision timer (clusterstate.go, registerOrUpdateScaleUpNoLock)',
    'not modelled: scale-down (on-demand nodes stay to the end in both runs)',
    `world: boot ${formatDuration(scenario.bootTime)}, ASG launch retry every ${formatDuration(scenario.asgRetryInterval)}, launch-failure event after ${formatDuration(scenario.launchFailureEventDelay)}, EventBridge→SQS→Lambda ${formatDuration(scenario.eventDelivery)}, reconcile every ${formatDuration(scenario.reconcileEvery)}, seed ${scenario.seed}`,
  ];
}

export function headlineRows(comparison: Comparison): [string, string, string][] {
  const row = (run: RunResult) => run.headline;
  const guard = row(comparison.capacityGuard);
  const base = row(comparison.baseline);
  return [
    ['time until demanded capacity is ready', minutes(guard.timeToCapacitySeconds), minutes(base.timeToCapacitySeconds)],
    ['unmet node-minutes', String(guard.unmetNodeMinutes), String(base.unmetNodeMinutes)],
    ['on-demand node-hours', String(guard.onDemandNodeHours), String(base.onDemandNodeHours)],
  ];
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
  const bound = Math.floor((base / floor) * 10) / 10;
  return [
    `Floor: no strategy can have the demanded capacity ready in less than ${seconds(floor)} here (${why.join('; ')}).`,
    `Beyond that floor capacity-guard took ${seconds(Math.max(0, guard - floor))}, the baseline model ${seconds(Math.max(0, base - floor))}; the ratio${ratio === null ? '' : ` (${ratio})`} cannot exceed ${base} s ÷ ${floor} s = ${bound} on this scenario.`,
  ];
}

/** 45 s, 2 min 30 s, 19 min 50 s. */
function seconds(value: number): string {
  const whole = Math.round(value);
  if (whole < 60) return `${whole} s`;
  const rest = whole % 60;
  return rest === 0 ? `${whole / 60} min` : `${Math.floor(whole / 60)} min ${rest} s`;
}

export function renderTerminal(comparison: Comparison, options: { reportPath?: string } = {}): string {
  const { scenario, capacityGuard, baseline } = comparison;
  const out: string[] = [];
  out.push(`capacity-guard simulator — scenario ${scenario.name}: ${scenario.description}`);
  out.push('Fake AWS on a virtual clock, no AWS account. capacity-guard runs its real app code (what the Lambda functions run);');
  out.push('cluster-autoscaler is a MODEL (parameters below), in both runs.');
  out.push('');
  out.push(`With capacity-guard (${capacityGuard.eventsDelivered} event(s) delivered, ${capacityGuard.capacityGuardActions} action(s), ${capacityGuard.slackMessages} Slack message(s)):`);
  out.push(...capacityGuard.timeline.map(line));
  if (capacityGuard.slackMessages === 0) out.push('  (no Slack message: capacity-guard had nothing to tell)');
  out.push('');
  out.push('Baseline, the cluster-autoscaler model alone:');
  out.push(...baseline.timeline.map(line));
  out.push('');
  const rows = headlineRows(comparison);
  const width = Math.max(...rows.map(([label]) => label.length));
  out.push(`${''.padEnd(width)}  ${'capacity-guard'.padEnd(20)} baseline (model)`);
  for (const [label, guard, base] of rows) out.push(`${label.padEnd(width)}  ${guard.padEnd(20)} ${base}`);
  out.push(`baseline ÷ capacity-guard time to capacity: ${comparison.timeToCapacityRatio ?? 'n/a'}`);
  out.push(...floorLines(comparison).map((text) => `  ${text}`));
  for (const note of [...capacityGuard.notes, ...baseline.notes]) out.push(`note: ${note}`);
  if (comparison.retire) out.push('', ...retireLines(comparison.retire));
  out.push('');
  out.push('The baseline is a model of cluster-autoscaler, not cluster-autoscaler. Its parameters:');
  out.push(...modelParameters(comparison).map((text) => `  ${text}`));
  if (options.reportPath) out.push('', `HTML report: ${options.reportPath}`);
  return `${out.join('\n')}\n`;
}

/** Issue 15: on-demand node-hours and unmet node-minutes under the three retirement strategies. */
function retireLines(retire: NonNullable<Comparison['retire']>): string[] {
  return [
    'On-demand retirement (each with the failover and the cluster-autoscaler model, scale-down included):',
    ...retire.runs.map((run) => `  ${run.strategy.padEnd(15)} ${String(run.run.headline.onDemandNodeHours).padStart(6)} on-demand node-hours  ${String(run.run.headline.unmetNodeMinutes).padStart(6)} unmet node-minutes`),
  ];
}

/** The comparison as one JSON-ready object. */
export function toJson(comparison: Comparison): Record<string, unknown> {
  const run = (result: RunResult) => ({ headline: result.headline, eventsDelivered: result.eventsDelivered, capacityGuardActions: result.capacityGuardActions, slackMessages: result.slackMessages, notes: result.notes, timeline: result.timeline });
  const { scenario } = comparison;
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    baselineIsAModel: true,
    model: { clusterAutoscaler: scenario.clusterAutoscaler, bootTime: scenario.bootTime, launchFailureEventDelay: scenario.launchFailureEventDelay, eventDelivery: scenario.eventDelivery, asgRetryInterval: scenario.asgRetryInterval },
    timeToCapacityRatio: comparison.timeToCapacityRatio,
    floorSeconds: comparison.floorSeconds,
    capacityGuard: run(comparison.capacityGuard),
    baseline: run(comparison.baseline),
  };
}
