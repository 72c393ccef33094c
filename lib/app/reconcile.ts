/**
 * The scheduled backstop, every minute: observe all managed groups, turn failed launches whose
 * event was lost into signals, then let time move states on (backoff over → probe) and repair
 * drift. Convergent: it computes targets from what it observes, so running it twice changes nothing.
 */
import type { Policy } from '../config/policy';
import { type GroupView, type Snapshot, buildSnapshot } from '../decide/snapshot';
import type { CallOptions } from '../ports/auto-scaling';
import { activityToLaunchFailure, isFailedLaunch } from '../parse/scaling-activity';
import type { LaunchFailure, Signal } from '../signals';
import { actOrPrint } from './act-or-print';
import type { AppDeps } from './deps';
import { type Decided, decideInOrder } from './run-signals';

export interface ReconcileResult {
  groups: number;
  decided: Decided<string>[];
  failedActions: number;
}

export async function reconcile(deps: AppDeps, options: CallOptions = {}): Promise<ReconcileResult> {
  const now = deps.now();
  const observed = await deps.autoScaling.describeGroups(deps.policy.clusters.map((cluster) => cluster.name), options);
  const snapshot = buildSnapshot(observed, deps.policy);
  const lost = await lostLaunchFailures(snapshot, deps, now, options);
  const signals: { item: string; signal: Signal }[] = [
    ...lost.map((signal) => ({ item: `activity ${signal.activityId}`, signal })),
    // Lost failures are at least eventGrace old, so the tick, dated now, is decided after them.
    { item: 'tick', signal: { kind: 'tick' as const, time: now.toISOString() } },
  ];
  const { decided } = decideInOrder(signals, snapshot, deps.policy, now);
  const actions = decided.flatMap((entry) => entry.actions);
  const result = await actOrPrint(actions, deps, options);
  deps.metrics.count('reconcile.groups', observed.length);
  deps.metrics.count('groups.out-of-rotation', snapshot.clusters.flatMap((cluster) => cluster.groups).filter((group) => group.guard.state === 'suspended' || group.guard.state === 'probing').length);
  return { groups: observed.length, decided, failedActions: result.failed.length };
}

/** Groups that want more than they run: the only ones worth a DescribeScalingActivities call. */
export function groupsWantingCapacity(snapshot: Snapshot, policy: Policy): GroupView[] {
  return snapshot.clusters
    .flatMap((cluster) => cluster.groups)
    .filter((group) => !group.ignored && (group.guard.state === 'healthy' || group.guard.state === 'released') && group.desiredCapacity > group.live)
    .slice(0, policy.reconcile.maxActivityLookups);
}

async function lostLaunchFailures(snapshot: Snapshot, deps: AppDeps, now: Date, options: CallOptions): Promise<LaunchFailure[]> {
  const { lookbackMs, eventGraceMs } = deps.policy.reconcile;
  const failures: LaunchFailure[] = [];
  for (const group of groupsWantingCapacity(snapshot, deps.policy)) {
    const activities = await deps.autoScaling.scalingActivities(group.name, new Date(now.getTime() - lookbackMs), options);
    const newestFailed = activities
      .filter(isFailedLaunch)
      .filter((activity) => now.getTime() - Date.parse(activity.startTime) >= eventGraceMs)
      .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime))[0];
    if (newestFailed) {
      deps.metrics.count('reconcile.lost-failure');
      failures.push(activityToLaunchFailure(newestFailed));
    }
  }
  return failures;
}
