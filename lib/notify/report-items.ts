/** A run report flattened into items: one per action, done or failed. */
import type { Notable, RunReport } from '../ports/notifier';

export interface ReportItem {
  action: Notable;
  /** Why it could not be done; null when done (or decided, in dry-run). */
  error: string | null;
  dryRun: boolean;
  /** Earlier occurrences folded into this one (see fold.ts). */
  repeated: number;
}

export function reportItems(report: RunReport): ReportItem[] {
  return [
    ...report.done.map((action) => ({ action, error: null, dryRun: report.dryRun, repeated: 0 })),
    ...report.failed.map(({ action, error }) => ({ action, error, dryRun: report.dryRun, repeated: 0 })),
  ];
}
