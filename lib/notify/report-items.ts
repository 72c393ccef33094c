/** A run report flattened into items: one per action (per cluster), done or failed. */
import type { Notable, NotableReport } from './notable';

export interface ReportItem {
  action: Notable;
  /** Why it could not be done; null when done (or decided, in dry-run). */
  error: string | null;
  dryRun: boolean;
  /** Earlier occurrences folded into this one (see fold.ts). */
  repeated: number;
}

export function reportItems(report: NotableReport): ReportItem[] {
  return [
    ...report.done.flatMap(perCluster).map((action) => ({ action, error: null, dryRun: report.dryRun, repeated: 0 })),
    ...report.failed.flatMap(({ action, error }) => perCluster(action).map((part) => ({ action: part, error, dryRun: report.dryRun, repeated: 0 }))),
  ];
}

/**
 * One drain tag write covers a whole batch, which in a storm spans clusters; each cluster's
 * operators get their own nodes in their own message (and fold them apart). Other actions
 * already name one cluster, or none (a Spot pool and the rebalance sweep are account-wide).
 */
export function perCluster(action: Notable): Notable[] {
  if (action.kind !== 'tag-for-drain') return [action];
  const clusters = [...new Set(action.instances.map((instance) => instance.cluster))];
  if (clusters.length <= 1) return [action];
  return clusters.map((cluster) => ({ ...action, instances: action.instances.filter((instance) => instance.cluster === cluster) }));
}
