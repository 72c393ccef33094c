/**
 * The EventBridge event EC2 sends two minutes before it takes a Spot instance back. Shape from
 * the AWS documentation ("Spot Instance interruption notices", EC2 User Guide): source aws.ec2,
 * detail-type "EC2 Spot Instance Interruption Warning", detail {instance-id, instance-action}.
 */
import type { EventBridgeEvent } from '../fakes/aws-events';

export const SPOT_INTERRUPTION_WARNING = 'EC2 Spot Instance Interruption Warning';

export function spotInterruptionWarning(args: { instanceId: string; time: string; sequence: number }): EventBridgeEvent {
  return {
    version: '0',
    // Deterministic ids: the simulator replays the same night for the same seed.
    id: `00000000-0000-4000-8000-${args.sequence.toString(16).padStart(12, '0')}`,
    'detail-type': SPOT_INTERRUPTION_WARNING,
    source: 'aws.ec2',
    account: '123456789012',
    time: args.time,
    region: 'eu-west-3',
    resources: [`arn:aws:ec2:eu-west-3:123456789012:instance/${args.instanceId}`],
    detail: { 'instance-id': args.instanceId, 'instance-action': 'terminate' },
  };
}
