/**
 * Where a run announces what it did (Slack in Lambda, a recorder in the fake world). Called once
 * per invocation, after the actions ran, so a notification can never stop or undo one.
 */

/**
 * One run's report over its capability's actions. The port names no action type, so no capability
 * depends on another through it; lib/notify knows every kind (lib/notify/notable.ts).
 */
export interface RunReport<A = unknown> {
  /** The function that ran: failover, reconcile, spot, downscaler, retire. */
  source: string;
  dryRun: boolean;
  /** When the run decided (the injected clock), ISO-8601. */
  time: string;
  /** Done, or in dry-run decided and not done, in order. */
  done: readonly A[];
  failed: readonly { action: A; error: string }[];
}

export interface Notifier {
  /** Must never throw: a failure is logged and counted by the implementation. */
  notify(report: RunReport): Promise<void>;
}
