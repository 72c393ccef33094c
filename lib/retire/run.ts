/**
 * One run of the scheduled `retire` function (functions/retire.ts, every minute): under the writers'
 * lease (lib/run/with-lock.ts), observe, decide per failover set, act through the write gate (or only
 * log in dry-run), count, and tell Slack once through the run reporter.
 * Convergent: everything it needs is read back from AWS each run, so a duplicate run, a lost write
 * or a redeploy resumes or aborts the batch from the tags.
 */
import type { CallOptions } from '../ports/auto-scaling';
import { writeGate } from '../run/gate';
import { RunReporter } from '../run/run-report';
import { underLease } from '../run/with-lock';
import { type RetireAction, summarizeRetire } from './actions';
import { type SetStatus, applyRetireBudget, decideRetirement } from './decide';
import type { RetireDeps } from './deps';
import { executeRetireActions } from './execute';
import { observeRetirement } from './observe';

export interface RetireRunResult {
  sets: SetStatus[];
  decided: RetireAction[];
  failed: { action: RetireAction; error: string }[];
  skipped: boolean;
}

const LOCK_WAIT_MS = 5_000;
const SKIPPED: RetireRunResult = { sets: [], decided: [], failed: [], skipped: true };

/** The report is sent after the lease is given back, as every run's (lib/run/run-report.ts). */
export async function retireRun(deps: RetireDeps, options: CallOptions = {}): Promise<RetireRunResult> {
  const reporter = new RunReporter<RetireAction>('retire', deps);
  const result = await underLease(
    deps,
    LOCK_WAIT_MS,
    (held) => retireLocked(held, reporter, options),
    { consequence: 'this retire run is skipped; the next one catches up', answer: () => SKIPPED },
    options,
  );
  await reporter.notify();
  return result;
}

async function retireLocked(deps: RetireDeps, reporter: RunReporter<RetireAction>, options: CallOptions): Promise<RetireRunResult> {
  const now = deps.now();
  const views = await observeRetirement(deps, options);
  const decisions = applyRetireBudget(
    views.map((view) => decideRetirement(view, deps.policy, now)),
    views,
    deps.policy,
  );
  const sets = decisions.map((decision) => decision.status);
  const actions = decisions.flatMap((decision) => decision.actions);
  for (const decision of decisions) deps.metrics.count(`retire.sets.${decision.status.stage}`);
  deps.metrics.count(
    'retire.candidates',
    decisions.reduce((sum, decision) => sum + decision.status.candidates.length, 0),
  );
  if (actions.length === 0) return { sets, decided: [], failed: [], skipped: false };
  for (const action of actions) deps.metrics.count(`action.${action.kind}`);
  // decideRetirement answers the kill switch itself (nothing decided), so only dry-run stops writes here.
  const gate = writeGate(deps.policy, true);
  deps.log.info(gate.writes ? 'retire actions decided' : 'dry run: retire actions decided, not executed', {
    actions: actions.map(summarizeRetire),
    detail: actions,
  });
  const result = gate.writes ? await executeRetireActions(actions, deps, options) : { done: [], failed: [] };
  reporter.add(actions, result);
  for (const action of result.done) if (action.kind === 'retire-nodes') deps.metrics.count('retire.nodes', action.nodes.length);
  for (const { action, error } of result.failed) {
    deps.metrics.count('action.failed');
    deps.log.error('retire action failed; the next run resumes from the tags', { action: summarizeRetire(action), error: error.message });
  }
  return { sets, decided: actions, failed: result.failed.map(({ action, error }) => ({ action, error: error.message })), skipped: false };
}
