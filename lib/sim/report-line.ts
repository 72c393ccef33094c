/**
 * A run's report as one short line for the simulator's timeline: what capacity-guard would have
 * told Slack. The Slack message builders live elsewhere; this stays one small function so the
 * timeline can switch to them.
 */
import { summarizeNotable as summarize } from '../app/summarize-notable';
import type { RunReport } from '../ports/notifier';

export function describeReport(report: RunReport): string {
  const done = report.done.map((action) => summarize(action));
  const failed = report.failed.map(({ action, error }) => `FAILED ${summarize(action)}: ${error}`);
  return `[${report.source}${report.dryRun ? ', dry run' : ''}] ${[...done, ...failed].join('; ') || 'nothing to report'}`;
}
