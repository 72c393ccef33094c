/** cluster-autoscaler's discovery tags: how a group is known to belong to a cluster. */
export const CLUSTER_TAG_PREFIX = 'k8s.io/cluster-autoscaler/';
export const ENABLED_TAG = `${CLUSTER_TAG_PREFIX}enabled`;

export function clusterTagKey(cluster: string): string {
  return `${CLUSTER_TAG_PREFIX}${cluster}`;
}
