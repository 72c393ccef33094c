/**
 * Decided actions are logged once per invocation (logDecided), then executed, or only printed in
 * dry-run (actDecided). actOrPrint is both, for a run that decides once (reconcile).
 */
import { executeActions, type ExecutionResult, type PhantomDemand } from './execute';
import type { Action } from './actions';
import { summarize } from './guard-rails';
import type { CallOptions } from '../ports/auto-scaling';
import type { AppDeps } from '../run/deps';
import { writeGate } from '../run/gate';
import { retryFor } from '../run/execute-each';

export async function actOrPrint(actions: readonly Action[], deps: AppDeps, options: CallOptions): Promise<ExecutionResult> {
  logDecided(actions, deps);
  return actDecided(actions, deps, options);
}

/** The one log line of an invocation's decided actions (none when nothing was decided). */
export function logDecided(actions: readonly Action[], deps: Pick<AppDeps, 'policy' | 'log'>): void {
  if (actions.length === 0) return;
  deps.log.info(writeGate(deps.policy, true).writes ? 'actions decided' : 'dry run: actions decided, not executed', {
    actions: actions.map(summarize),
    detail: actions,
  });
}

/** Counts and executes actions already logged by logDecided; in dry-run only counts them. */
/** `phantom`: shared by the executions of one batch decided on one projection (./execute.ts). */
export async function actDecided(actions: readonly Action[], deps: AppDeps, options: CallOptions, phantom?: PhantomDemand): Promise<ExecutionResult> {
  if (actions.length === 0) return { done: [], failed: [] };
  for (const action of actions) deps.metrics.count(action.kind === 'alert' ? `alert.${action.code}` : `action.${action.kind}`);
  if (!writeGate(deps.policy, true).writes) return { done: [], failed: [] };
  const result = await executeActions(actions, deps.autoScaling, deps.log, options, retryFor(deps, options), phantom);
  for (const { action, error } of result.failed) {
    deps.metrics.count('action.failed');
    deps.log.error('action failed; the record will be retried', { action: summarize(action), error: error.message, errorName: error.name });
  }
  return result;
}
