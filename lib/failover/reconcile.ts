/**
 * The scheduled backstop, every minute: observe all managed groups, turn failed launches whose
 * event was lost into signals, then let time move states on (backoff over → probe) and repair
 * drift. Convergent: it computes targets from what it observes, so running it twice changes nothing.
 */
import { describeConfiguredGroups } from '../run/describe-groups';
import type { Policy } from '../config/policy';
import { type GroupView, type Snapshot, buildSnapshot } from './snapshot';
import type { CallOptions, ScalingActivity } from '../ports/auto-scaling';
import { activityToLaunchFailure, isFailedLaunch, isLaunch } from '../parse/scaling-activity';
import type { LaunchFailure, Signal } from '../vocabulary/signals';
import type { Action } from './actions';
import { actOrPrint } from './act-or-print';
import type { AppDeps } from '../run/deps';
import { RunReporter } from '../run/run-report';
import { type Decided, decideInOrder } from './decide-in-order';
import { underLease } from '../run/with-lock';

export interface ReconcileResult {
  groups: number;
  decided: Decided<string>[];
  failedActions: number;
}

/** The scheduled run waits less than a batch: skipping one minute costs nothing. */
const LOCK_WAIT_MS = 5_000;

export async function reconcile(deps: AppDeps, options: CallOptions = {}): Promise<ReconcileResult> {
  const reporter = new RunReporter<Action>('reconcile', deps);
  const skipped = () => ({ groups: 0, decided: [], failedActions: 0 });
  const result = await underLease(
    deps,
    LOCK_WAIT_MS,
    (held) => reconcileLocked(held, reporter, options),
    { consequence: 'this reconcile run is skipped; the next one catches up', answer: skipped },
    options,
  );
  await reporter.notify();
  return result;
}

async function reconcileLocked(deps: AppDeps, reporter: RunReporter<Action>, options: CallOptions): Promise<ReconcileResult> {
  const now = deps.now();
  const observed = await describeConfiguredGroups(deps, options);
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
  reporter.add(actions, result);
  deps.metrics.count('reconcile.groups', observed.length);
  deps.metrics.count(
    'groups.out-of-rotation',
    snapshot.clusters.flatMap((cluster) => cluster.groups).filter((group) => group.guard.state === 'suspended' || group.guard.state === 'probing').length,
  );
  return { groups: observed.length, decided, failedActions: result.failed.length };
}

/**
 * Groups that want more than they run — the only ones worth a DescribeScalingActivities call —
 * biggest shortfall first, so a peak with many such groups checks the ones that matter most.
 * Probing groups are included: a lost probe failure must still take the group out again.
 */
export function groupsWantingCapacity(snapshot: Snapshot, policy: Policy): GroupView[] {
  return snapshot.clusters
    .flatMap((cluster) => cluster.groups)
    .filter((group) => !group.ignored && ['healthy', 'released', 'probing'].includes(group.guard.state) && group.desiredCapacity > group.live)
    .sort((a, b) => b.desiredCapacity - b.live - (a.desiredCapacity - a.live) || a.name.localeCompare(b.name))
    .slice(0, policy.reconcile.maxActivityLookups);
}

async function lostLaunchFailures(snapshot: Snapshot, deps: AppDeps, now: Date, options: CallOptions): Promise<LaunchFailure[]> {
  const { lookbackMs, eventGraceMs } = deps.policy.reconcile;
  const failures: LaunchFailure[] = [];
  for (const group of groupsWantingCapacity(snapshot, deps.policy)) {
    const since = Math.max(now.getTime() - lookbackMs, group.guard.state === 'probing' ? Date.parse(group.guard.probeStart) : 0);
    const activities = await deps.autoScaling.scalingActivities(group.name, new Date(since), options);
    const failure = unansweredFailure(activities, now.getTime() - eventGraceMs);
    if (failure) {
      deps.metrics.count('reconcile.lost-failure');
      // Dated no earlier than the grace: the group is failing now, whatever the activity's age.
      const signal = activityToLaunchFailure(failure);
      failures.push({ ...signal, time: new Date(Math.max(Date.parse(signal.time), now.getTime() - eventGraceMs)).toISOString() });
    }
  }
  return failures;
}

/**
 * The newest launch activity, if it failed and the group has been failing (no success in
 * between) since at least the grace: a later success means the group recovered.
 */
function unansweredFailure(activities: readonly ScalingActivity[], notAfter: number): ScalingActivity | null {
  const launches = activities.filter(isLaunch).sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
  const firstSuccess = launches.findIndex((activity) => !isFailedLaunch(activity));
  const streak = firstSuccess === -1 ? launches : launches.slice(0, firstSuccess);
  const oldest = streak.at(-1);
  return oldest && Date.parse(oldest.startTime) <= notAfter ? (streak[0] ?? null) : null;
}
