/**
 * Applications in one cluster: each runs its pods on its own groups (node selectors), so its demand
 * is met only by them, and it has its own time to capacity. A scenario without applications is one
 * application holding every group. Pure.
 */
import { INTERRUPTION_NOTICE_MS } from '../vocabulary/spot-notice';
import type { Scenario, ScenarioEvent } from './scenario';

export interface Application {
  /** null: the scenario names no applications; this is the whole cluster. */
  name: string | null;
  groups: string[];
  /** Nodes the application's pending and running pods want at each instant (epoch ms). */
  demand: (at: number) => number;
  /** When its trouble starts (first demand rise or interruption) and when the last of it has played out; null without any. */
  incident: { start: number; settled: number } | null;
}

export function applicationsOf(scenario: Scenario, start: number): Application[] {
  const names = [...new Set(scenario.groups.flatMap((group) => (group.application === undefined ? [] : [group.application])))];
  if (names.length === 0) return [applicationOf(scenario, start, null)];
  return names.map((name) => applicationOf(scenario, start, name));
}

function applicationOf(scenario: Scenario, start: number, name: string | null): Application {
  const groups = scenario.groups.filter((group) => name === null || group.application === name);
  const events = eventsOf(scenario, name);
  return { name, groups: groups.map((group) => group.name), demand: curve(groups, events, start), incident: window(events, start) };
}

/** The application's demand steps; interruptions concern every application. */
function eventsOf(scenario: Scenario, name: string | null): ScenarioEvent[] {
  return scenario.events.filter((event) => name === null || !('demand' in event) || event.demand.application === name);
}

function curve(groups: Scenario['groups'], events: readonly ScenarioEvent[], start: number): (at: number) => number {
  const initial = groups.reduce((sum, group) => sum + group.desired, 0);
  const steps = events.flatMap((event) => ('demand' in event ? [{ at: start + event.at, ...event.demand }] : []));
  return (at) =>
    initial +
    steps.reduce((sum, step) => {
      if (at < step.at) return sum;
      if (step.over === 0 || at >= step.at + step.over) return sum + step.add;
      // A node is wanted once a whole node of pods pends: the last one exactly when the ramp ends.
      return sum + Math.floor((step.add * (at - step.at)) / step.over);
    }, 0);
}

/** A drop is no trouble. */
function window(events: readonly ScenarioEvent[], start: number): Application['incident'] {
  const windows = events.flatMap((event) => {
    if ('demand' in event) return event.demand.add < 0 ? [] : [{ from: start + event.at, to: start + event.at + event.demand.over }];
    if ('interrupt' in event) return [{ from: start + event.at, to: start + event.at + event.interrupt.over + INTERRUPTION_NOTICE_MS }];
    return [];
  });
  if (windows.length === 0) return null;
  return { start: Math.min(...windows.map((w) => w.from)), settled: Math.max(...windows.map((w) => w.to)) };
}

/**
 * Seconds from the start of the application's trouble to the earliest instant any strategy could
 * have its demanded capacity ready: the last node of a demand step is wanted when its ramp ends and
 * then boots; an interrupted instance can be replaced before it leaves, so only the notice counts.
 */
export function floorSecondsOf(application: Application, scenario: Scenario, start: number): number | null {
  const incident = application.incident;
  if (!incident) return null;
  const ends = eventsOf(scenario, application.name).flatMap((event) => {
    if ('demand' in event) return event.demand.add > 0 ? [start + event.at + event.demand.over + scenario.bootTime] : [];
    if ('interrupt' in event) return [start + event.at + event.interrupt.over + INTERRUPTION_NOTICE_MS];
    return [];
  });
  return Math.round((Math.max(incident.settled, ...ends) - incident.start) / 1000);
}

/** The lower middle (a figure some application had); null (never ready) counts as slowest. */
export function lowerMedian(values: readonly (number | null)[]): number | null {
  const reached = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const ordered: (number | null)[] = [...reached, ...Array<null>(values.length - reached.length).fill(null)];
  return ordered.length === 0 ? null : (ordered[Math.floor((ordered.length - 1) / 2)] ?? null);
}
