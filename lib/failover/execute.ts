/**
 * The one place actions become AWS calls, through the Auto Scaling port. Write order is chosen
 * so that a write lost half-way leaves state that decide repairs on the next run:
 * tags before sizes when leaving rotation (sizes without tags could never be restored),
 * and the state tag first when coming back (a group left "released" is restored by reconcile).
 * Sizes are always written whole (min, desired, max) so a concurrent change by cluster-autoscaler
 * can never make one UpdateAutoScalingGroup call invalid.
 * A fallback raise is done only once the failing group's suspension is fully written: the suspension
 * is the record that the unmet demand moved, so a retry (or the next failure event) that finds the
 * group still in rotation raises again only what was never raised. A raise lost after its
 * suspension is never redone; cluster-autoscaler covers that demand, as the failing group is out.
 */
import type { Action } from './actions';
import { summarize } from './guard-rails';
import type { AutoScalingPort, CallOptions } from '../ports/auto-scaling';
import type { Log } from '../ports/log';
import { type Executed, type RetryPolicy, executeEach } from '../run/execute-each';
import { CapacityGuardError } from '../vocabulary/errors';

export type ExecutionResult = Executed<Action>;

export async function executeActions(
  actions: readonly Action[],
  port: AutoScalingPort,
  log: Log,
  options: CallOptions = {},
  retry?: RetryPolicy,
): Promise<ExecutionResult> {
  const suspended = new Set<string>();
  return executeEach(
    actions,
    async (action) => {
      if (
        action.kind === 'raise-desired' &&
        !suspended.has(action.replacing) &&
        actions.some((other) => other.kind === 'suspend-group' && other.group === action.replacing)
      ) {
        throw new SuspensionNotRecordedError(`not raised: the suspension of ${action.replacing} is not written yet; the retry raises once it is`);
      }
      await executeAction(action, port, log, options);
      if (action.kind === 'suspend-group') suspended.add(action.group);
    },
    summarize,
    log,
    retry,
  );
}

export class SuspensionNotRecordedError extends CapacityGuardError {
  override name = 'SuspensionNotRecordedError';
}

async function executeAction(action: Action, port: AutoScalingPort, log: Log, options: CallOptions): Promise<void> {
  switch (action.kind) {
    case 'suspend-group':
    case 'start-probe':
    case 'enforce-suspension':
      await port.putTags(action.group, action.tags, options);
      await port.deleteTags(action.group, action.removeTags ?? [], options);
      await port.updateSizes(action.group, action.to, options);
      return;
    case 'raise-desired':
      await port.setDesiredCapacity(action.group, action.to, options);
      return;
    case 'restore-group': {
      await port.putTags(action.group, action.tags, options);
      await port.deleteTags(action.group, action.removeTags, options);
      await port.updateSizes(action.group, action.to, options);
      await port.putTags(action.group, action.afterSizes?.tags ?? {}, options);
      await port.deleteTags(action.group, action.afterSizes?.removeTags ?? [], options);
      return;
    }
    case 'count-unknown-failure':
      await port.putTags(action.group, action.tags, options);
      await port.deleteTags(action.group, action.removeTags ?? [], options);
      return;
    case 'alert': {
      const write = action.severity === 'critical' ? log.error : action.severity === 'warning' ? log.warn : log.info;
      write.call(log, action.message, { alert: action.code, cluster: action.cluster, group: action.group });
      return;
    }
    default: {
      const unreachable: never = action;
      throw new Error(`unknown action ${JSON.stringify(unreachable)}`);
    }
  }
}
