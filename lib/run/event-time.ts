/**
 * The one bound on event times, for every capability that takes them (failover, spot): AWS's `time`
 * is trusted within [now − lookback, now + skew]. Pure.
 *
 * - Later than now + skew: the event happened, its date is wrong; it is dated now. (A failure dated a
 *   day ahead would otherwise keep a group out for a day; one dated 9999 set a resume time in 10000.)
 *   A Spot interruption's deadline moves with it: two minutes after now.
 * - Older than now − lookback: refused when acting on it would take a group out of rotation or drain
 *   a node (launch failures, Spot interruptions, rebalance hints). Such an event is a replay (a DLQ
 *   redrive) or long late; the reconcile backstop reads the groups' own scaling activities instead.
 *   Launch successes and state changes stay true facts whatever their age; decide orders them.
 */
import type { EventTimeBounds, Policy } from '../config/policy';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import type { Signal } from '../vocabulary/signals';

export type BoundedSignal<S extends Signal = Signal> = { admitted: true; signal: S; redated?: string } | { admitted: false; reason: string };

const REFUSED_WHEN_STALE: ReadonlySet<Signal['kind']> = new Set(['launch-failure', 'spot-interruption', 'rebalance-recommendation']);

export function boundEventTime<S extends Signal>(signal: S, now: Date, bounds: EventTimeBounds): BoundedSignal<S> {
  const at = Date.parse(signal.time);
  if (at > now.getTime() + bounds.skewMs) return { admitted: true, signal: redate(signal, now), redated: signal.time };
  if (REFUSED_WHEN_STALE.has(signal.kind) && at < now.getTime() - bounds.lookbackMs) {
    return { admitted: false, reason: `${signal.kind} at ${signal.time} is older than the ${Math.round(bounds.lookbackMs / 60_000)} min lookback` };
  }
  return { admitted: true, signal };
}

function redate<S extends Signal>(signal: S, now: Date): S {
  const time = now.toISOString();
  if (signal.kind !== 'spot-interruption') return { ...signal, time };
  const notice = Date.parse(signal.deadline) - Date.parse(signal.time);
  return { ...signal, time, deadline: new Date(now.getTime() + notice).toISOString() };
}

/**
 * Every signal's time through the one bound (boundEventTime above), before anything is decided:
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
    if (signal.kind === 'launch-success')
      lastSuccess.set(signal.autoScalingGroupName, Math.max(lastSuccess.get(signal.autoScalingGroupName) ?? 0, Date.parse(signal.time)));
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
