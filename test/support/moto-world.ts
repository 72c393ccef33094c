/**
 * Builds Auto Scaling worlds in moto for the adapter tests: a launch configuration, groups with
 * cluster-autoscaler tags, and a raw view of a group to check what the adapter changed.
 * Test-only code: talks to moto through the SDK directly.
 */
import {
  type AutoScalingClient,
  type AutoScalingClientConfig,
  type AutoScalingGroup,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';

import { createAutoScalingClient } from '../../lib/aws/clients';

export const REGION = 'eu-west-3';
export const ZONE = 'eu-west-3a';
const LAUNCH_CONFIGURATION = 'capacity-guard-test';

/** Dummy credentials and region passed explicitly, so the tests never touch the global env. */
export function motoClientConfig(endpoint: string): AutoScalingClientConfig {
  return {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** The production client factory (adaptive retry, 5 attempts), pointed at moto. */
export function motoAutoScalingClient(endpoint: string, overrides: AutoScalingClientConfig = {}): AutoScalingClient {
  return createAutoScalingClient({ ...motoClientConfig(endpoint), ...overrides });
}

/** Tags of a group discovered by cluster-autoscaler for `cluster`. */
export function clusterTags(cluster: string, value = 'owned'): Record<string, string> {
  return { 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${cluster}`]: value };
}

export interface GroupSpec {
  tags?: Record<string, string>;
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
}

export class MotoWorld {
  private launchConfiguration: Promise<unknown> | undefined;

  constructor(readonly client: AutoScalingClient) {}

  async group(name: string, spec: GroupSpec = {}): Promise<void> {
    await this.ensureLaunchConfiguration();
    await this.client.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchConfigurationName: LAUNCH_CONFIGURATION,
        AvailabilityZones: [ZONE],
        MinSize: spec.minSize ?? 0,
        MaxSize: spec.maxSize ?? 3,
        DesiredCapacity: spec.desiredCapacity ?? 0,
        Tags: Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({
          ResourceId: name,
          ResourceType: 'auto-scaling-group',
          Key,
          Value,
          PropagateAtLaunch: true,
        })),
      }),
    );
  }

  /** Creates many groups, a few requests at a time (moto is threaded). */
  async groups(names: readonly string[], spec: GroupSpec = {}): Promise<void> {
    await this.ensureLaunchConfiguration();
    const queue = [...names];
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) await this.group(name, spec);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  /** The group as moto holds it, straight from the SDK. */
  async raw(name: string): Promise<AutoScalingGroup> {
    const page = await this.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    const group = page.AutoScalingGroups?.[0];
    if (group === undefined) throw new Error(`moto has no group ${name}`);
    return group;
  }

  async tags(name: string): Promise<Record<string, string>> {
    const group = await this.raw(name);
    return Object.fromEntries((group.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  }

  private async ensureLaunchConfiguration(): Promise<void> {
    this.launchConfiguration ??= this.client.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: LAUNCH_CONFIGURATION,
        ImageId: 'ami-12c6146b', // one of moto's built-in AMIs
        InstanceType: 'm5.large',
      }),
    );
    await this.launchConfiguration;
  }
}
