/**
 * The one run reporter: collects what one invocation did, for the one notification it sends at the
 * end (after acting, outside the writers' lease, so a slow Slack holds up no writer). Every
 * capability's run reports through it, so "nothing to say" and a throwing notifier (counted as
 * notify.failed) are handled the same everywhere.
 */
import type { RunReport } from '../ports/notifier';
import type { AppDeps } from './deps';
import type { Executed } from './execute-each';
import { writeGate } from './gate';

export class RunReporter<A> {
  private readonly done: A[] = [];
  private readonly failed: { action: A; error: string }[] = [];

  /** `dryRun`: what the report says; by default the gate's dry-run (the spot run's gate adds the kill switch). */
  constructor(
    private readonly source: string,
    private readonly deps: Pick<AppDeps, 'policy' | 'notifier' | 'metrics' | 'log' | 'now'>,
    private readonly dryRun: boolean = !writeGate(deps.policy, true).writes,
  ) {}

  /** What the executor did with `actions`; in dry-run the decided actions count as done (the report says dry-run). */
  add(actions: readonly A[], result: Executed<A>): void {
    if (!writeGate(this.deps.policy, true).writes) {
      this.done.push(...actions);
      return;
    }
    this.addOutcome(result);
  }

  /** What an executor did, taken as it is. */
  addOutcome(result: Executed<A>): void {
    this.done.push(...result.done);
    this.failed.push(...result.failed.map(({ action, error }) => ({ action, error: error.message })));
  }

  /** Actions to report as done (or, in dry-run, as decided) without an executor's outcome. */
  addDone(actions: readonly A[]): void {
    this.done.push(...actions);
  }

  report(): RunReport<A> {
    return { source: this.source, dryRun: this.dryRun, time: this.deps.now().toISOString(), done: [...this.done], failed: [...this.failed] };
  }

  /** Once, at the end, when there is something to say. The notifier must not throw; if one does anyway, the run's outcome stands. */
  async notify(): Promise<void> {
    if (this.done.length === 0 && this.failed.length === 0) return;
    try {
      await this.deps.notifier.notify(this.report());
    } catch (error) {
      this.deps.metrics.count('notify.failed');
      this.deps.log.error('notifier threw; the actions stand', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
