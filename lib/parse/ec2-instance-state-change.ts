/**
 * source `aws.ec2`, detail-type `EC2 Instance State-change Notification`. The rule subscribes to
 * the states that end a node only (serverless.yml); any other state that still arrives is ignored.
 * Sample: events/ec2-instance-state-change-terminated.json (from the Amazon EC2 user guide, "State
 * change events for Amazon EC2 instances").
 */
import * as z from 'zod';
import { ENDING_STATES, type EndingState, type ParseOutcome } from '../vocabulary/signals';
import type { EventBridgeEnvelope } from './eventbridge-envelope';

export const SOURCE = 'aws.ec2';
export const DETAIL_TYPE = 'EC2 Instance State-change Notification';

export const StateChangeDetail = z.object({
  'instance-id': z.string().regex(/^i-[0-9a-f]+$/, 'an EC2 instance id (i-…)'),
  state: z.string().min(1),
});

export function toStateChange(event: EventBridgeEnvelope, detail: z.infer<typeof StateChangeDetail>): ParseOutcome {
  if (!(ENDING_STATES as readonly string[]).includes(detail.state)) {
    return { outcome: 'ignored', reason: `instance ${detail['instance-id']} entered ${detail.state}, not a state that ends a node` };
  }
  return {
    outcome: 'signal',
    signal: {
      kind: 'instance-state-change',
      instanceId: detail['instance-id'],
      state: detail.state as EndingState,
      time: new Date(event.time).toISOString(),
      eventId: event.id,
    },
  };
}
