/**
 * source `aws.autoscaling`, detail-type `EC2 Instance Launch Unsuccessful`.
 * Sample: events/autoscaling-launch-unsuccessful.json (from the Amazon EC2 Auto Scaling user guide).
 */
import * as z from 'zod';
import type { LaunchFailure } from '../vocabulary/signals';
import type { EventBridgeEnvelope } from './eventbridge-envelope';
import { readFailureText } from './launch-failure-text';

export const SOURCE = 'aws.autoscaling';
export const DETAIL_TYPE = 'EC2 Instance Launch Unsuccessful';

export const LaunchUnsuccessfulDetail = z.object({
  AutoScalingGroupName: z.string().min(1),
  StatusMessage: z.string(),
  StatusCode: z.string().optional(),
  ActivityId: z.string().optional(),
  Cause: z.string().optional(),
  Details: z.record(z.string(), z.unknown()).optional(),
});

export function toLaunchFailure(event: EventBridgeEnvelope, detail: z.infer<typeof LaunchUnsuccessfulDetail>): LaunchFailure {
  const text = readFailureText(detail.StatusMessage);
  const zoneInDetails = detail.Details?.['Availability Zone'];
  return {
    kind: 'launch-failure',
    autoScalingGroupName: detail.AutoScalingGroupName,
    availabilityZone: typeof zoneInDetails === 'string' && zoneInDetails ? zoneInDetails : text.availabilityZone,
    instanceType: text.instanceType,
    market: text.market,
    failure: text.failure,
    message: detail.StatusMessage,
    errorCode: text.errorCode,
    time: new Date(event.time).toISOString(),
    activityId: detail.ActivityId ?? null,
    origin: 'event',
  };
}
