/**
 * source `aws.ec2`, detail-type `EC2 Instance Rebalance Recommendation`: the instance is at
 * elevated risk of interruption. A hint, often never followed by an interruption.
 * Sample: events/ec2-rebalance-recommendation.json (from the Amazon EC2 user guide, "EC2 instance
 * rebalance recommendations").
 */
import * as z from 'zod';
import type { RebalanceRecommendation } from '../vocabulary/signals';
import type { EventBridgeEnvelope } from './eventbridge-envelope';

export const SOURCE = 'aws.ec2';
export const DETAIL_TYPE = 'EC2 Instance Rebalance Recommendation';

export const RebalanceDetail = z.object({
  'instance-id': z.string().regex(/^i-[0-9a-f]+$/, 'an EC2 instance id (i-…)'),
});

export function toRebalanceRecommendation(event: EventBridgeEnvelope, detail: z.infer<typeof RebalanceDetail>): RebalanceRecommendation {
  return { kind: 'rebalance-recommendation', instanceId: detail['instance-id'], time: new Date(event.time).toISOString(), eventId: event.id };
}
