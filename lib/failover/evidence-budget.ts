/**
 * Which suspensions the change budget may refuse. The budget exists so that a bug or a bad signal
 * cannot take a whole cluster out of rotation; it must not refuse what AWS itself said:
 *   - own: the group's own launch failed (event or scaling activity): never refused;
 *   - pool: the group's pools failed in this account (every pool it can launch in failed a launch,
 *     or it lost instances in a storming pool): never refused by the count, but never the last
 *     group of its failover set still in rotation either;
 *   - inferred: another group's storm, another account's signal: counted against the budget, and
 *     never the last group of its failover set.
 * The count is the cluster's suspensions of the window (all kinds, as observed) plus this round's
 * inferred ones. Pure.
 */
import type { SignalOrigin } from '../vocabulary/signals';
import type { SuspendGroup } from './actions';
import type { ClusterSnapshot } from './snapshot';

export type BudgetRule = 'never-refused' | 'keep-last-group' | 'budgeted';

export function budgetRuleOf(evidence: SignalOrigin | undefined): BudgetRule {
  switch (evidence) {
    case undefined:
    case 'event':
    case 'scaling-activity':
      return 'never-refused';
    case 'pool':
      return 'keep-last-group';
    case 'inferred':
      return 'budgeted';
  }
}

/** True when taking `action.group` out leaves no group of its failover set in rotation. */
export function isLastInRotation(action: SuspendGroup, cluster: ClusterSnapshot, outThisRound: ReadonlySet<string>): boolean {
  const group = cluster.groups.find((candidate) => candidate.name === action.group);
  if (!group) return false;
  const inRotation = cluster.groups.filter(
    (candidate) =>
      candidate.failoverSet === group.failoverSet &&
      !candidate.ignored &&
      candidate.guard.state !== 'suspended' &&
      candidate.guard.state !== 'damaged' &&
      !outThisRound.has(candidate.name),
  );
  return inRotation.length === 1 && inRotation[0]!.name === group.name;
}
