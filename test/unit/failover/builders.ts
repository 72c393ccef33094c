/** Small builders for decide's inputs: observed groups, a policy, signals. */
import { policyFromText } from '../../../lib/config/load';
import type { Policy } from '../../../lib/config/policy';
import { type Snapshot, buildSnapshot } from '../../../lib/failover/snapshot';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import type { LaunchFailure, LaunchSuccess } from '../../../lib/vocabulary/signals';
import { readSizes, signedSizesTag } from '../../../lib/vocabulary/sizes';
import { TAG } from '../../../lib/vocabulary/tags';

/** `min,desired,max` as capacity-guard saves it for `group` (with its checksum). */
export function signed(group: string, plain: string): string {
  const sizes = readSizes(plain);
  if (!sizes) throw new Error(`not min,desired,max: ${plain}`);
  return signedSizesTag(group, sizes);
}

/** Fixtures write saved sizes as plain `min,desired,max`; capacity-guard would have signed them. */
export function asSaved(group: string, tags: Record<string, string>): Record<string, string> {
  const plain = tags[TAG.savedSizes];
  return plain !== undefined && readSizes(plain) ? { ...tags, [TAG.savedSizes]: signed(group, plain) } : tags;
}

export const T0 = '2026-11-27T21:00:00.000Z';
export const at = (offsetSeconds: number): string => new Date(Date.parse(T0) + offsetSeconds * 1000).toISOString();

export function policy(extra = '', mode: 'cluster-autoscaler' | 'direct' = 'cluster-autoscaler'): Policy {
  return policyFromText(`mode: ${mode}\n${extra}\nclusters:\n  - name: prod\n    priorities: |-\n      50: ["spot"]\n      10: ["on-demand"]\n`, 'test.yml', {
    env: {},
  });
}

export function group(
  name: string,
  sizes: { min?: number; desired: number; max: number; inService?: number; pending?: number },
  tags: Record<string, string> = {},
): ObservedGroup {
  const inService = sizes.inService ?? sizes.desired;
  const pending = sizes.pending ?? 0;
  return {
    name,
    minSize: sizes.min ?? 0,
    maxSize: sizes.max,
    desiredCapacity: sizes.desired,
    instances: [
      ...Array.from({ length: inService }, (_, i) => ({
        instanceId: `i-${name}-${i}`,
        lifecycleState: 'InService',
        availabilityZone: 'eu-west-3a',
        instanceType: 'm5.8xlarge',
        healthStatus: 'Healthy',
      })),
      ...Array.from({ length: pending }, (_, i) => ({
        instanceId: `i-${name}-p${i}`,
        lifecycleState: 'Pending',
        availabilityZone: 'eu-west-3a',
        instanceType: 'm5.8xlarge',
        healthStatus: 'Healthy',
      })),
    ],
    tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned', ...asSaved(name, tags) },
    createdTime: '2026-01-01T00:00:00.000Z',
    availabilityZones: ['eu-west-3a'],
  };
}

export function snapshot(groups: ObservedGroup[], withPolicy: Policy = policy()): Snapshot {
  return buildSnapshot(groups, withPolicy);
}

export function failure(groupName: string, time = T0, overrides: Partial<LaunchFailure> = {}): LaunchFailure {
  return {
    kind: 'launch-failure',
    autoScalingGroupName: groupName,
    availabilityZone: 'eu-west-3a',
    instanceType: null,
    market: 'spot',
    failure: 'capacity',
    message:
      'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
    errorCode: 'InsufficientInstanceCapacity',
    time,
    activityId: 'a-1',
    origin: 'event',
    ...overrides,
  };
}

export function success(groupName: string, time: string): LaunchSuccess {
  return { kind: 'launch-success', autoScalingGroupName: groupName, instanceId: 'i-new', availabilityZone: 'eu-west-3a', time, activityId: 'a-2' };
}
