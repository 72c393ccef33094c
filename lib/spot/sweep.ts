/**
 * Rebalance tags expire by themselves: most recommendations are never followed by an
 * interruption, and a node marked for drain forever is the complaint about today's handlers.
 * Nodes we detached for replacement go too, once past their time: outside any group, nothing
 * else would ever remove them. Pure: the scheduled sweep (lib/spot/sweep-run.ts) feeds it the
 * tagged instances.
 */
import type { Policy } from '../config/policy';
import type { Ec2Instance } from '../ports/ec2';
import type { TerminateDetached, UntagExpiredRebalance } from './actions';
import { ownershipOf } from './ownership';
import { REBALANCE_TAG_KEYS, SPOT_TAG } from './tags';

export function planRebalanceExpiry(tagged: readonly Ec2Instance[], policy: Policy, now: Date): UntagExpiredRebalance | null {
  const clusters = policy.clusters.filter((cluster) => cluster.enabled).map((cluster) => cluster.name);
  const expired = tagged.filter((instance) => {
    // An interruption that followed rewrote the drain tag: it stays until the instance is gone.
    if (instance.tags[SPOT_TAG.drain] !== 'rebalance-recommendation') return false;
    if (!ownershipOf(instance, clusters).owned) return false;
    const at = Date.parse(instance.tags[SPOT_TAG.rebalanceAt] ?? '');
    // A tag without a readable time is ours but damaged: expire it rather than keep the node marked.
    return Number.isNaN(at) || now.getTime() - at >= policy.spot.rebalanceTagExpiryMs;
  });
  if (expired.length === 0) return null;
  return { kind: 'untag-expired-rebalance', instanceIds: expired.map((instance) => instance.instanceId).sort(), keys: REBALANCE_TAG_KEYS };
}

/** The drain tags that go with a detach (lib/spot/decide.ts planReplacements). */
export const DETACHED_DRAIN_REASONS: readonly string[] = ['rebalance-replace', 'spot-interruption'];

/**
 * Running nodes we detached (no group any more, our drain tag says why), past their time:
 *   rebalance-replace: `terminateDetachedAfter` from the recommendation (capacity-guard/rebalance-at):
 *     the replacement has long been launched and the node drained by then; left alone it runs
 *     outside its group and out of cluster-autoscaler's reach, billed, until EC2 interrupts it;
 *   spot-interruption: `terminateDetachedAfter` past the deadline (capacity-guard/drain-deadline):
 *     EC2 normally took it two minutes after the warning; still running means it did not.
 * A node still in a group is never terminated here (its group and cluster-autoscaler own it).
 */
export function planDetachedTermination(tagged: readonly Ec2Instance[], policy: Policy, now: Date): TerminateDetached | null {
  const after = policy.spot.terminateDetachedAfterMs;
  if (after === null) return null;
  const clusters = policy.clusters.filter((cluster) => cluster.enabled).map((cluster) => cluster.name);
  const due = tagged.filter((instance) => {
    const reason = instance.tags[SPOT_TAG.drain] ?? '';
    if (!DETACHED_DRAIN_REASONS.includes(reason) || instance.autoScalingGroupName !== null) return false;
    if (!['pending', 'running'].includes(instance.state)) return false;
    if (!ownershipOf(instance, clusters).owned) return false;
    const since = Date.parse(instance.tags[reason === 'spot-interruption' ? SPOT_TAG.deadline : SPOT_TAG.rebalanceAt] ?? '');
    // Without a readable time we cannot tell how long it has been: leave it (a wrong termination costs more than a late one).
    return !Number.isNaN(since) && now.getTime() - since >= after;
  });
  if (due.length === 0) return null;
  return { kind: 'terminate-detached', instanceIds: due.map((instance) => instance.instanceId).sort() };
}
