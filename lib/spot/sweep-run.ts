/**
 * The scheduled sweep (one DescribeInstances with a tag filter, then at most one DeleteTags and one
 * TerminateInstances):
 *   rebalance tags that no interruption followed, older than `spot.rebalanceTagExpiry`, are removed;
 *   nodes we detached for replacement, still running past `spot.terminateDetachedAfter`, are terminated.
 * Pool state needs no sweep: its items carry a TTL.
 */
import type { CallOptions } from '../ports/auto-scaling';
import type { SpotAction, TerminateDetached, UntagExpiredRebalance } from './actions';
import { writeGate } from '../run/gate';
import { RunReporter } from '../run/run-report';
import { DETACHED_DRAIN_REASONS, planDetachedTermination, planRebalanceExpiry } from './sweep';
import { SPOT_TAG } from './tags';
import type { SpotDeps } from './deps';
import { executeSpotActions } from './execute';

export interface SweepResult {
  tagged: number;
  expired: UntagExpiredRebalance | null;
  terminated: TerminateDetached | null;
  failed: boolean;
}

export async function sweepRebalanceTags(deps: SpotDeps, options: CallOptions = {}): Promise<SweepResult> {
  const found = await deps.ec2.findTagged(SPOT_TAG.drain, ['rebalance-recommendation', ...DETACHED_DRAIN_REASONS], options);
  const tagged = found.filter((instance) => instance.tags[SPOT_TAG.drain] === 'rebalance-recommendation');
  const expired = planRebalanceExpiry(tagged, deps.policy, deps.now());
  const terminated = planDetachedTermination(found, deps.policy, deps.now());
  deps.metrics.count('spot.rebalance-tagged', tagged.length);
  const actions = [...(expired ? [expired] : []), ...(terminated ? [terminated] : [])];
  if (actions.length === 0) return { tagged: tagged.length, expired, terminated, failed: false };
  for (const action of actions) deps.metrics.count(`action.${action.kind}`);
  const { writes } = writeGate(deps.policy, false);
  const counts = { expired: expired?.instanceIds.length ?? 0, terminated: terminated?.instanceIds ?? [] };
  deps.log.info(
    writes
      ? 'sweep: rebalance tags expired, detached nodes terminated'
      : 'dry run or kill switch: the sweep would expire rebalance tags and terminate detached nodes',
    counts,
  );
  if (!writes) return { tagged: tagged.length, expired, terminated, failed: false };
  const result = await executeSpotActions(actions, deps, options);
  for (const { action, error } of result.failed) deps.log.error(`sweep: ${action.kind} failed; the next sweep retries`, { error: error.message });
  const reporter = new RunReporter<SpotAction>('spot-sweep', deps, false);
  reporter.addOutcome(result);
  await reporter.notify();
  return { tagged: tagged.length, expired, terminated, failed: result.failed.length > 0 };
}
