/**
 * decide over several signals against one observed snapshot: signals in AWS's time order, each
 * deciding on the state the previous ones will have left (project), so a batch needs one
 * Describe call however many records it holds.
 */
import type { Policy } from '../config/policy';
import type { Action } from './actions';
import { decideWithNotes } from './decide';
import { project } from './project';
import { type Snapshot, findGroup } from './snapshot';
import type { Signal } from '../vocabulary/signals';

export interface Decided<T> {
  item: T;
  signal: Signal;
  actions: Action[];
  notes: string[];
  /** False when the signal names a group of no configured cluster: acknowledged, counted, not an error. */
  owned: boolean;
}

export function decideInOrder<T>(
  items: readonly { item: T; signal: Signal }[],
  snapshot: Snapshot,
  policy: Policy,
  now: Date,
): { decided: Decided<T>[]; snapshot: Snapshot } {
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
