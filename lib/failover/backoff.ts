/**
 * How long a failing group stays out of rotation: initial, ×multiplier for every failure while
 * the previous one is recent, capped; reset once the group has been healthy for `resetAfter`.
 */
import type { Policy } from '../config/policy';
import type { GuardMemory } from './guard-state';

export function nextBackoffSeconds(memory: GuardMemory, failureAt: string, backoff: Policy['backoff']): number {
  const initial = backoff.initialMs / 1000;
  const previous = memory.backoff;
  if (!previous) return initial;
  const healthySince = Math.max(Date.parse(previous.failureAt), memory.restoredAt ? Date.parse(memory.restoredAt) : 0);
  if (Date.parse(failureAt) - healthySince >= backoff.resetAfterMs) return initial;
  return Math.min(Math.max(previous.seconds * backoff.multiplier, initial), backoff.maxMs / 1000);
}
