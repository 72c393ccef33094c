/**
 * What a run may still write when the lease store is down (nobody can hold the lease): what takes
 * a group out of rotation, never what gives capacity. Safe because every writer that could undo a
 * suspension (restore, probe, raise, reconcile, downscaler, retire) needs the lease and stands
 * still, and two suspensions of one group converge. The rest is deferred with a note and retried.
 */
import type { AppDeps } from '../run/deps';
import type { Action } from './actions';
import { summarize } from './guard-rails';

const SAFE_WITHOUT_LEASE: ReadonlySet<Action['kind']> = new Set(['suspend-group', 'enforce-suspension', 'count-unknown-failure', 'alert']);

/** The decision with only what is safe without the lease; what is left out is counted and noted. */
export function withoutLease<E extends { actions: Action[]; notes: string[] }>(entry: E, deps: Pick<AppDeps, 'metrics'>): E {
  const deferred = entry.actions.filter((action) => !SAFE_WITHOUT_LEASE.has(action.kind));
  if (deferred.length === 0) return entry;
  deps.metrics.count('action.deferred-lease-store-down', deferred.length);
  return {
    ...entry,
    actions: entry.actions.filter((action) => SAFE_WITHOUT_LEASE.has(action.kind)),
    notes: [...entry.notes, ...deferred.map((action) => `lease store down, not done: ${summarize(action)}`)],
  };
}
