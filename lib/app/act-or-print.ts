/** Actions are logged once, then executed, or only printed in dry-run. */
import { executeActions, type ExecutionResult } from '../act/execute';
import type { Action } from '../decide/actions';
import { summarize } from '../decide/guard-rails';
import type { CallOptions } from '../ports/auto-scaling';
import type { AppDeps } from './deps';

export async function actOrPrint(actions: readonly Action[], deps: AppDeps, options: CallOptions): Promise<ExecutionResult> {
  if (actions.length === 0) return { done: [], failed: [] };
  const dryRun = deps.policy.dryRun;
  deps.log.info(dryRun ? 'dry run: actions decided, not executed' : 'actions decided', { actions: actions.map(summarize), detail: actions });
  for (const action of actions) deps.metrics.count(action.kind === 'alert' ? `alert.${action.code}` : `action.${action.kind}`);
  if (dryRun) return { done: [], failed: [] };
  const result = await executeActions(actions, deps.autoScaling, deps.log, options);
  for (const { action, error } of result.failed) {
    deps.metrics.count('action.failed');
    deps.log.error('action failed; the record will be retried', { action: summarize(action), error: error.message, errorName: error.name });
  }
  return result;
}
