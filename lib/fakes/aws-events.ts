/**
 * EventBridge events shaped like the AWS samples in events/ (autoscaling-launch-*.json), for the
 * fake to emit and for tests to wrap as SQS records.
 */
import { randomUUID } from 'node:crypto';

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-3';

export function launchUnsuccessfulEvent(args: { group: string; time: string; zone: string; statusMessage: string; activityId?: string }): EventBridgeEvent {
  return envelope('EC2 Instance Launch Unsuccessful', args.time, args.group, {
    StatusCode: 'Failed',
    AutoScalingGroupName: args.group,
    ActivityId: args.activityId ?? randomUUID(),
    Details: { 'Availability Zone': args.zone, 'Subnet ID': 'subnet-0fake' },
    RequestId: randomUUID(),
    StatusMessage: args.statusMessage,
    EndTime: args.time,
    StartTime: args.time,
    Cause: `At ${args.time} an instance was started in response to a difference between desired and actual capacity.`,
    Origin: 'EC2',
    Destination: 'AutoScalingGroup',
  });
}

export function launchSuccessfulEvent(args: { group: string; time: string; zone: string; instanceId: string; activityId?: string }): EventBridgeEvent {
  return envelope('EC2 Instance Launch Successful', args.time, args.group, {
    StatusCode: 'InProgress',
    Description: `Launching a new EC2 instance: ${args.instanceId}`,
    AutoScalingGroupName: args.group,
    ActivityId: args.activityId ?? randomUUID(),
    Details: { 'Availability Zone': args.zone, 'Subnet ID': 'subnet-0fake' },
    RequestId: randomUUID(),
    StatusMessage: '',
    EndTime: args.time,
    EC2InstanceId: args.instanceId,
    StartTime: args.time,
    Cause: `At ${args.time} an instance was started in response to a difference between desired and actual capacity.`,
    Origin: 'EC2',
    Destination: 'AutoScalingGroup',
  });
}

/** How EventBridge → SQS → Lambda hands an event over. */
export function asSqsRecord(event: EventBridgeEvent, messageId: string = randomUUID()): Record<string, unknown> {
  return {
    messageId,
    receiptHandle: `fake-${messageId}`,
    body: JSON.stringify(event),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse(event.time)) },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:capacity-guard-launch-events`,
    awsRegion: REGION,
  };
}

function envelope(detailType: string, time: string, group: string, detail: Record<string, unknown>): EventBridgeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.autoscaling',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:fake:autoScalingGroupName/${group}`],
    detail,
  };
}
