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
import type { Signal } from '../signals';

export interface EventTimeBounds {
  /** How far in the future an event time may be before it is dated now. */
  skewMs: number;
  /** How old a failure, interruption or rebalance hint may be and still be acted on. */
  lookbackMs: number;
}

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
