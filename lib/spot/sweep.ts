/**
 * Rebalance tags expire by themselves: most recommendations are never followed by an
 * interruption, and a node marked for drain forever is the complaint about today's handlers.
 * Pure: the scheduled sweep (lib/app/spot/sweep.ts) feeds it the tagged instances.
 */
import type { Policy } from '../config/policy';
import type { Ec2Instance } from '../ports/ec2';
import type { UntagExpiredRebalance } from './actions';
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
