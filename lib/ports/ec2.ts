/**
 * What the spot function needs from EC2, in domain names (no SDK types). The adapter is
 * lib/aws/ec2-adapter.ts; the behavioural fake is lib/fakes/fake-ec2.ts.
 */
import type { Market } from '../vocabulary/signals';
import type { CallOptions } from './auto-scaling';

/** The tag Auto Scaling puts on every instance it launches; users cannot set or remove aws: tags. */
export const ASG_NAME_TAG = 'aws:autoscaling:groupName';

export interface Ec2Instance {
  instanceId: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  tags: Record<string, string>;
  /** The zone's name in this account (eu-west-3a): names map to different zones per account. */
  availabilityZone: string;
  /** The zone's ID (euw3-az1), the same physical zone in every account. */
  availabilityZoneId: string;
  instanceType: string;
  market: Market;
  /** From the aws:autoscaling:groupName tag; null for an instance in no group. */
  autoScalingGroupName: string | null;
  /** The Kubernetes node name on EC2 (the private DNS name); null once the instance is gone. */
  privateDnsName: string | null;
  /** LaunchTime (ISO); optional so hand-built instances in tests need not set it. */
  launchTime?: string | null;
}

export interface Ec2Port {
  /** DescribeInstances by id, as few calls as the API allows (ids it does not know are left out). */
  describeInstances(instanceIds: readonly string[], options?: CallOptions): Promise<Ec2Instance[]>;
  /** Running or pending instances carrying `key` = one of `values` (tag filter). */
  findTagged(key: string, values: readonly string[], options?: CallOptions): Promise<Ec2Instance[]>;
  /** CreateTags: the same tags on every instance, in one call per 1,000 ids. */
  createTags(instanceIds: readonly string[], tags: Record<string, string>, options?: CallOptions): Promise<void>;
  /** TerminateInstances, in one call per 1,000 ids (ids already gone are left out). */
  terminateInstances(instanceIds: readonly string[], options?: CallOptions): Promise<void>;
  /** DeleteTags (keys only), in one call per 1,000 ids. */
  deleteTags(instanceIds: readonly string[], keys: readonly string[], options?: CallOptions): Promise<void>;
}
