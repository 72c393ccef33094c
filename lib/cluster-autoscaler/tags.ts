/** cluster-autoscaler's discovery tags: how a group is known to belong to a cluster. */
export const CLUSTER_TAG_PREFIX = 'k8s.io/cluster-autoscaler/';
export const ENABLED_TAG = `${CLUSTER_TAG_PREFIX}enabled`;

export function clusterTagKey(cluster: string): string {
  return `${CLUSTER_TAG_PREFIX}${cluster}`;
}

/**
 * The cluster a group belongs to by these tags: the first of `configured` whose discovery tag it
 * carries; with `enabledOnly`, only when CA's enabled tag is set too (what CA itself discovers).
 * Else, with `anyTagged`, the cluster its first discovery tag names (reports show unconfigured ones).
 */
export function clusterOf(
  tags: Record<string, string>,
  configured: readonly { name: string }[],
  how: { enabledOnly?: boolean; anyTagged?: boolean } = {},
): string | null {
  if (how.enabledOnly && tags[ENABLED_TAG] !== 'true') return null;
  const match = configured.find((cluster) => clusterTagKey(cluster.name) in tags);
  if (match || !how.anyTagged) return match ? match.name : null;
  const key = Object.keys(tags).find((tag) => tag.startsWith(CLUSTER_TAG_PREFIX) && tag !== ENABLED_TAG && !tag.slice(CLUSTER_TAG_PREFIX.length).includes('/'));
  return key ? key.slice(CLUSTER_TAG_PREFIX.length) : null;
}
