/**
 * Whose instance is it? `aws.ec2` events cannot be filtered per cluster, so every stack sees every
 * instance of the account: the instance's own tags decide. Auto Scaling tags each instance it
 * launches with aws:autoscaling:groupName, and propagates the group's tags that have
 * PropagateAtLaunch; the cluster tag is one of those the usual setups carry on instances.
 */
import { CLUSTER_TAG_PREFIX, ENABLED_TAG } from '../cluster-autoscaler/tags';
import type { Ec2Instance } from '../ports/ec2';
import { SPOT_TAG } from './tags';

/** `group` is null for an instance we detached ourselves (Auto Scaling removes aws:autoscaling:groupName). */
export type Ownership = { owned: true; cluster: string; group: string | null } | { owned: false; reason: string };

/**
 * Cluster tags, in the order they are read: cluster-autoscaler's discovery tag (kops and most
 * self-managed groups propagate it), the Kubernetes cloud-provider tag
 * `kubernetes.io/cluster/<name>` (kops, EKS node groups), EKS's `eks:cluster-name`, kops'
 * `KubernetesCluster`.
 */
export function clustersNamedBy(tags: Record<string, string>): string[] {
  const names: string[] = [];
  for (const key of Object.keys(tags)) {
    if (key.startsWith(CLUSTER_TAG_PREFIX) && key !== ENABLED_TAG) names.push(key.slice(CLUSTER_TAG_PREFIX.length));
    else if (key.startsWith('kubernetes.io/cluster/')) names.push(key.slice('kubernetes.io/cluster/'.length));
  }
  for (const key of ['eks:cluster-name', 'KubernetesCluster']) if (tags[key]) names.push(tags[key]);
  return names;
}

export function ownershipOf(instance: Ec2Instance | undefined, clusters: readonly string[]): Ownership {
  if (!instance) return { owned: false, reason: 'instance unknown to DescribeInstances (gone, or another region)' };
  // Detached for replacement by us: no group any more, but our drain tag says it was one of ours.
  const detachedByUs = !instance.autoScalingGroupName && instance.tags[SPOT_TAG.drain] !== undefined;
  if (!instance.autoScalingGroupName && !detachedByUs) return { owned: false, reason: `${instance.instanceId} is in no Auto Scaling group` };
  const cluster = clustersNamedBy(instance.tags).find((name) => clusters.includes(name));
  if (!cluster) return { owned: false, reason: `${instance.instanceId} (${instance.autoScalingGroupName ?? 'detached'}) belongs to no configured cluster` };
  return { owned: true, cluster, group: instance.autoScalingGroupName };
}
