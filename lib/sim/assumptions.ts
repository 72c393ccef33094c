/**
 * The world's assumptions, in the open: what the simulator takes as given about AWS and the
 * nodes, with where each figure comes from (or that nothing better than a guess was found).
 */
import { formatDuration } from '../config/duration';
import type { Scenario } from './scenario';

export interface Assumption {
  name: string;
  value: string;
  source: string;
}

export function assumptions(scenario: Scenario): Assumption[] {
  return [
    {
      name: 'boot time (launch → node registered and ready)',
      value: formatDuration(scenario.bootTime),
      source:
        'an assumption: AWS publishes no figure; it depends on the AMI and bootstrap (a report of ~30 s for Linux EKS nodes: hackernoon.com/how-i-reduced-eks-windows-node-start-time-from-5-min-to-90s). See the sensitivity rows for 60 s and 150 s',
    },
    {
      name: 'launch failure → "EC2 Instance Launch Unsuccessful" event',
      value: formatDuration(scenario.launchFailureEventDelay),
      source:
        'an assumption: AWS documents Auto Scaling events as delivered "in near real time" (docs.aws.amazon.com/autoscaling/ec2/userguide/cloud-watch-events.html) with delivery type "Best effort" (docs.aws.amazon.com/eventbridge/latest/ref/events-ref-autoscaling.html), no latency figure. See the sensitivity rows for 5 s and 60 s. CA does not use events: it reads the scaling activity, which the model sees at once',
    },
    {
      name: 'ASG launch retry while short of capacity',
      value: `every ${formatDuration(scenario.asgRetryInterval)}`,
      source:
        'an assumption: AWS says the group keeps trying until it has its desired capacity (repost.aws/questions/QUj3wyT9i1RUizi12pQ90z3A) but publishes no cadence; each try records a Failed scaling activity, which is what CA 1.24+ reads',
    },
    { name: 'EventBridge → SQS → Lambda', value: formatDuration(scenario.eventDelivery), source: 'an assumption (typical delivery within about a second)' },
    {
      name: 'capacity-guard reconcile',
      value: `every ${formatDuration(scenario.reconcileEvery)}`,
      source: 'the scenario (serverless.yml schedules it every minute)',
    },
  ];
}

/** The floor holds for strategies that launch only once pods are pending; say so with the number. */
export const FLOOR_BOUNDS =
  'it bounds every strategy that launches after pods are pending (cluster-autoscaler, and capacity-guard next to it); a strategy that launches ahead of demand (over-provisioning, a warm pool) could beat it';
