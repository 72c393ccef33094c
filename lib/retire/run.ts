/**
 * One run of the scheduled `retire` function (functions/retire.ts, every minute): under the writers'
 * lease, observe, decide per failover set, act (or only log in dry-run), count, and tell Slack once.
 * Convergent: everything it needs is read back from AWS each run, so a duplicate run, a lost write
 * or a redeploy resumes or aborts the batch from the tags.
 */
import { LockBusyError, withLock } from '../run/with-lock';
import type { CallOptions } from '../ports/auto-scaling';
import type { RetireAction } from './actions';
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

export async function retireRun(deps: RetireDeps, options: CallOptions = {}): Promise<RetireRunResult> {
  let result: RetireRunResult;
  try {
    result = await withLock(deps, LOCK_WAIT_MS, () => retireLocked(deps, options), options);
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    deps.metrics.count('lock.busy');
    deps.log.warn('lease busy: this retire run is skipped; the next one catches up', { error: error.message });
    return { sets: [], decided: [], failed: [], skipped: true };
  }
  if (result.decided.length > 0 || result.failed.length > 0) {
    const done = deps.policy.dryRun ? result.decided : result.decided.filter((action) => !result.failed.some((failure) => failure.action === action));
    await deps.notifier
      .notify({ source: 'retire', dryRun: deps.policy.dryRun, time: deps.now().toISOString(), done, failed: result.failed })
      .catch((error: unknown) => deps.log.warn('notifier failed', { error: String(error) }));
  }
  return result;
}

async function retireLocked(deps: RetireDeps, options: CallOptions): Promise<RetireRunResult> {
  const now = deps.now();
  const views = await observeRetirement(deps, options);
  const decisions = applyRetireBudget(views.map((view) => decideRetirement(view, deps.policy, now)), views, deps.policy);
  const actions = decisions.flatMap((decision) => decision.actions);
  for (const decision of decisions) deps.metrics.count(`retire.sets.${decision.status.stage}`);
  deps.metrics.count('retire.candidates', decisions.reduce((sum, decision) => sum + decision.status.candidates.length, 0));
  if (actions.length === 0) return { sets: decisions.map((decision) => decision.status), decided: [], failed: [], skipped: false };
  for (const action of actions) deps.metrics.count(`action.${action.kind}`);
  deps.log.info(deps.policy.dryRun ? 'dry run: retire actions decided, not executed' : 'retire actions decided', { actions: actions.map(summarizeRetire), detail: actions });
  if (deps.policy.dryRun) return { sets: decisions.map((decision) => decision.status), decided: actions, failed: [], skipped: false };
  const result = await executeRetireActions(actions, deps, options);
  for (const action of result.done) if (action.kind === 'retire-nodes') deps.metrics.count('retire.nodes', action.nodes.length);
  for (const { action, error } of result.failed) {
    deps.metrics.count('action.failed');
    deps.log.error('retire action failed; the next run resumes from the tags', { action: summarizeRetire(action), error: error.message });
  }
  return { sets: decisions.map((decision) => decision.status), decided: actions, failed: result.failed.map(({ action, error }) => ({ action, error: error.message })), skipped: false };
}

/** One line per action, for the log and the simulator's timeline. */
export function summarizeRetire(action: RetireAction): string {
  switch (action.kind) {
    case 'retire-raise-spot':
      return `retire ${action.cluster}/${action.set}: raise ${action.group} desired ${action.from}→${action.to} (replacements first)`;
    case 'retire-record-ready':
      return `retire ${action.cluster}/${action.set}: replacements in ${action.group} InService`;
    case 'retire-nodes':
      return `retire ${action.cluster}/${action.set}: ${action.nodes.map((node) => `${node.instanceId} (${node.group}, ${node.path})`).join(', ')}`;
    case 'retire-finish-drained':
      return `retire ${action.cluster}/${action.set}: ${action.how === 'terminate-in-group' ? `drained ${action.instanceId} leaves ${action.group}` : `${action.group} desired → ${action.to}`}`;
    case 'retire-end-batch':
      return `retire ${action.cluster}/${action.set}: batch ${action.outcome}: ${action.reason}`;
  }
}
