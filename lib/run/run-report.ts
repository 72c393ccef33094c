/**
 * Collects what one invocation did, for the one notification it sends at the end (after acting,
 * outside the writers' lease, so a slow Slack holds up no writer).
 */
import type { ExecutionResult } from '../failover/execute';
import type { Action } from '../failover/actions';
import type { RunReport } from '../ports/notifier';
import type { AppDeps } from './deps';
import type { Notable } from '../notify/notable';

export class RunReporter {
  private readonly done: Notable[] = [];
  private readonly failed: { action: Notable; error: string }[] = [];

  constructor(private readonly source: string, private readonly deps: AppDeps) {}

  /** What actOrPrint did with `actions`; in dry-run the decided actions count as done (the report says dry-run). */
  add(actions: readonly Action[], result: ExecutionResult): void {
    if (this.deps.policy.dryRun) {
      this.done.push(...actions);
      return;
    }
    this.done.push(...result.done);
    this.failed.push(...result.failed.map(({ action, error }) => ({ action, error: error.message })));
  }

  report(): RunReport {
    return { source: this.source, dryRun: this.deps.policy.dryRun, time: this.deps.now().toISOString(), done: [...this.done], failed: [...this.failed] };
  }

  /** Once, at the end. The notifier must not throw; if one does anyway, the run's outcome stands. */
  async notify(): Promise<void> {
    try {
      await this.deps.notifier.notify(this.report());
    } catch (error) {
      this.deps.metrics.count('notify.failed');
      this.deps.log.error('notifier threw; the actions stand', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
