/**
 * The scheduled sweep: rebalance tags that no interruption followed, older than
 * `spot.rebalanceTagExpiry`, are removed (one DescribeInstances with a tag filter, one DeleteTags).
 * Pool state needs no sweep: its items carry a TTL.
 */
import type { CallOptions } from '../../ports/auto-scaling';
import type { UntagExpiredRebalance } from '../../spot/actions';
import { planRebalanceExpiry } from '../../spot/sweep';
import { SPOT_TAG } from '../../spot/tags';
import type { SpotDeps } from './deps';
import { executeSpotActions } from './execute';

export interface SweepResult {
  tagged: number;
  expired: UntagExpiredRebalance | null;
  failed: boolean;
}

export async function sweepRebalanceTags(deps: SpotDeps, options: CallOptions = {}): Promise<SweepResult> {
  const tagged = await deps.ec2.findTagged(SPOT_TAG.drain, ['rebalance-recommendation'], options);
  const expired = planRebalanceExpiry(tagged, deps.policy, deps.now());
  deps.metrics.count('spot.rebalance-tagged', tagged.length);
  if (!expired) return { tagged: tagged.length, expired, failed: false };
  deps.metrics.count('action.untag-expired-rebalance');
  const writes = deps.policy.enabled && !deps.policy.dryRun;
  deps.log.info(writes ? 'rebalance tags expired' : 'dry run or kill switch: rebalance tags would expire', { instances: expired.instanceIds.length });
  if (!writes) return { tagged: tagged.length, expired, failed: false };
  const result = await executeSpotActions([expired], deps, options);
  for (const { error } of result.failed) deps.log.error('could not remove expired rebalance tags; the next sweep retries', { error: error.message });
  await deps.notifier
    .notify({ source: 'spot-sweep', dryRun: false, time: deps.now().toISOString(), done: result.done, failed: result.failed.map(({ action, error }) => ({ action, error: error.message })) })
    .catch((error: unknown) => deps.log.warn('notifier failed', { error: String(error) }));
  return { tagged: tagged.length, expired, failed: result.failed.length > 0 };
}
