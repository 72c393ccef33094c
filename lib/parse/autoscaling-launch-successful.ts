/**
 * source `aws.autoscaling`, detail-type `EC2 Instance Launch Successful`: the probe's answer.
 * Sample: events/autoscaling-launch-successful.json (from the Amazon EC2 Auto Scaling user guide).
 */
import * as z from 'zod';
import type { LaunchSuccess } from '../vocabulary/signals';
import type { EventBridgeEnvelope } from './eventbridge-envelope';

export const SOURCE = 'aws.autoscaling';
export const DETAIL_TYPE = 'EC2 Instance Launch Successful';

export const LaunchSuccessfulDetail = z.object({
  AutoScalingGroupName: z.string().min(1),
  EC2InstanceId: z.string().optional(),
  ActivityId: z.string().optional(),
  Details: z.record(z.string(), z.unknown()).optional(),
});

export function toLaunchSuccess(event: EventBridgeEnvelope, detail: z.infer<typeof LaunchSuccessfulDetail>): LaunchSuccess {
  const zone = detail.Details?.['Availability Zone'];
  return {
    kind: 'launch-success',
    autoScalingGroupName: detail.AutoScalingGroupName,
    instanceId: detail.EC2InstanceId ?? null,
    availabilityZone: typeof zone === 'string' && zone ? zone : null,
    time: new Date(event.time).toISOString(),
    activityId: detail.ActivityId ?? null,
  };
}
