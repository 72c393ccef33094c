/**
 * Where a run announces what it did (Slack in Lambda, a recorder in the fake world). Called once
 * per invocation, after the actions ran, so a notification can never stop or undo one.
 */
import type { Action } from '../decide/actions';
import type { DownscalerAction } from '../downscaler/actions';
import type { RetireAction } from '../retire/actions';
import type { SpotAction } from '../spot/actions';

/** Every action kind a run can report. Each feature adds its action union here. */
export type Notable = Action | DownscalerAction | SpotAction | RetireAction;

export interface RunReport {
  /** The function that ran: failover, reconcile, spot, downscaler, retire. */
  source: string;
  dryRun: boolean;
  /** When the run decided (the injected clock), ISO-8601. */
  time: string;
  /** Done, or in dry-run decided and not done, in order. */
  done: readonly Notable[];
  failed: readonly { action: Notable; error: string }[];
}

export interface Notifier {
  /** Must never throw: a failure is logged and counted by the implementation. */
  notify(report: RunReport): Promise<void>;
}

export const noNotifier: Notifier = { async notify() {} };

export class RecordingNotifier implements Notifier {
  readonly reports: RunReport[] = [];
  async notify(report: RunReport): Promise<void> {
    this.reports.push(report);
  }
}
