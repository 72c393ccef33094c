/**
 * What Slack would get, without sending anything: the same folding and message building as the
 * Slack notifier, with the fold state in memory. The simulator prints these messages.
 */
import type { FoldEntry } from '../ports/fold-store';
import type { Notifier } from '../ports/notifier';
import type { NotableReport } from './notable';
import { planFold } from './fold';
import { type SlackMessage, buildMessages } from './message';
import { reportItems } from './report-items';

export function createPreviewNotifier(foldWindowMs: () => number, show: (message: SlackMessage) => void): Notifier {
  const folds = new Map<string, FoldEntry>();
  return {
    async notify(report: NotableReport) {
      const items = reportItems(report);
      if (items.length === 0) return;
      const plan = planFold(items, folds, Date.parse(report.time), foldWindowMs());
      for (const [key, entry] of plan.changes) {
        if (entry === null) folds.delete(key);
        else folds.set(key, entry);
      }
      for (const message of buildMessages({ source: report.source, dryRun: report.dryRun, time: report.time }, plan.send)) show(message);
    },
  };
}
