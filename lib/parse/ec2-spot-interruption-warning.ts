/**
 * source `aws.ec2`, detail-type `EC2 Spot Instance Interruption Warning`: EC2 reclaims the
 * instance two minutes after the event's `time` (hibernation starts at once, without the two
 * minutes). Sample: events/ec2-spot-interruption-warning.json (from the Amazon EC2 user guide,
 * "Spot Instance interruption notices").
 */
import * as z from 'zod';
import type { SpotInterruption } from '../vocabulary/signals';
import { INTERRUPTION_NOTICE_MS } from '../vocabulary/spot-notice';
import type { EventBridgeEnvelope } from './eventbridge-envelope';

export const SOURCE = 'aws.ec2';
export const DETAIL_TYPE = 'EC2 Spot Instance Interruption Warning';

export const SpotInterruptionDetail = z.object({
  'instance-id': z.string().regex(/^i-[0-9a-f]+$/, 'an EC2 instance id (i-…)'),
  'instance-action': z.enum(['terminate', 'stop', 'hibernate']),
});

export function toSpotInterruption(event: EventBridgeEnvelope, detail: z.infer<typeof SpotInterruptionDetail>): SpotInterruption {
  const at = Date.parse(event.time);
  const notice = detail['instance-action'] === 'hibernate' ? 0 : INTERRUPTION_NOTICE_MS;
  return {
    kind: 'spot-interruption',
    instanceId: detail['instance-id'],
    deadline: new Date(at + notice).toISOString(),
    instanceAction: detail['instance-action'],
    time: new Date(at).toISOString(),
    eventId: event.id,
  };
}
