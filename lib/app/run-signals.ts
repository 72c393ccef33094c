/**
 * decide over several signals against one observed snapshot: signals in AWS's time order, each
 * deciding on the state the previous ones will have left (project), so a batch needs one
 * Describe call however many records it holds.
 */
import type { Policy } from '../config/policy';
import type { Action } from '../decide/actions';
import { decideWithNotes } from '../decide/decide';
import { boundEventTime } from '../decide/event-time';
import { project } from '../decide/project';
import { type Snapshot, findGroup } from '../decide/snapshot';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import type { Signal } from '../signals';

export interface Decided<T> {
  item: T;
  signal: Signal;
  actions: Action[];
  notes: string[];
  /** False when the signal names a group of no configured cluster: acknowledged, counted, not an error. */
  owned: boolean;
}

export function decideInOrder<T>(items: readonly { item: T; signal: Signal }[], snapshot: Snapshot, policy: Policy, now: Date): { decided: Decided<T>[]; snapshot: Snapshot } {
  const ordered = items.slice().sort((a, b) => Date.parse(a.signal.time) - Date.parse(b.signal.time));
  let current = snapshot;
  const decided: Decided<T>[] = [];
  for (const { item, signal } of ordered) {
    const { actions, notes } = decideWithNotes(signal, current, policy, now);
    const owned = 'autoScalingGroupName' in signal ? findGroup(current, signal.autoScalingGroupName) !== null : signal.kind === 'tick';
    decided.push({ item, signal, actions, notes, owned });
    current = project(current, actions);
  }
  return { decided, snapshot: current };
}

/**
 * Every signal's time through the one bound (lib/decide/event-time.ts), before anything is decided:
 * future-dated ones are dated now, stale ones refused. A launch failure is stale too when the same
 * batch shows a later successful launch of its group: that group launches fine. Refused and redated
 * records are acknowledged, counted and logged, never dead-lettered.
 */
export function admitByEventTime<T, S extends Signal>(
  items: readonly { item: T; signal: S }[],
  deps: { policy: Policy; now: () => Date; metrics: Metrics; log: Log },
): { item: T; signal: S }[] {
  const now = deps.now();
  const lastSuccess = new Map<string, number>();
  for (const { signal } of items) {
    if (signal.kind === 'launch-success') lastSuccess.set(signal.autoScalingGroupName, Math.max(lastSuccess.get(signal.autoScalingGroupName) ?? 0, Date.parse(signal.time)));
  }
  const admitted: { item: T; signal: S }[] = [];
  for (const { item, signal } of items) {
    const bounded = boundEventTime(signal, now, deps.policy.eventTime);
    const succeededLater = signal.kind === 'launch-failure' && (lastSuccess.get(signal.autoScalingGroupName) ?? 0) > Date.parse(signal.time);
    if (!bounded.admitted || succeededLater) {
      deps.metrics.count('signal.stale');
      const reason = bounded.admitted ? `launch-failure at ${signal.time} precedes a successful launch of its group in the same batch` : bounded.reason;
      deps.log.info('stale event: acknowledged, nothing done', { reason });
      continue;
    }
    if (bounded.redated) {
      deps.metrics.count('signal.future-dated');
      deps.log.warn('event dated in the future: dated now', { kind: signal.kind, time: bounded.redated, now: now.toISOString() });
    }
    admitted.push({ item, signal: bounded.signal });
  }
  return admitted;
}
