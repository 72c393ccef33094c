/**
 * The one place actions become AWS calls, through the Auto Scaling port. Write order is chosen
 * so that a write lost half-way leaves state that decide repairs on the next run:
 * tags before sizes when leaving rotation (sizes without tags could never be restored),
 * and the state tag first when coming back (a group left "released" is restored by reconcile).
 * Sizes are always written whole (min, desired, max) so a concurrent change by cluster-autoscaler
 * can never make one UpdateAutoScalingGroup call invalid.
 */
import type { Action } from './actions';
import { summarize } from './guard-rails';
import { TAG } from '../vocabulary/tags';
import type { AutoScalingPort, CallOptions } from '../ports/auto-scaling';
import type { Log } from '../ports/log';
import { type Executed, executeEach } from '../run/execute-each';

export type ExecutionResult = Executed<Action>;

export async function executeActions(actions: readonly Action[], port: AutoScalingPort, log: Log, options: CallOptions = {}): Promise<ExecutionResult> {
  return executeEach(actions, (action) => executeAction(action, port, log, options), summarize, log);
}

async function executeAction(action: Action, port: AutoScalingPort, log: Log, options: CallOptions): Promise<void> {
  switch (action.kind) {
    case 'suspend-group':
    case 'start-probe':
    case 'enforce-suspension':
      await port.putTags(action.group, action.tags, options);
      await port.updateSizes(action.group, action.to, options);
      return;
    case 'raise-desired':
      await port.setDesiredCapacity(action.group, action.to, options);
      return;
    case 'restore-group': {
      await port.putTags(action.group, action.tags, options);
      await port.deleteTags(action.group, action.removeTags.filter((key) => key !== TAG.savedSizes), options);
      await port.updateSizes(action.group, action.to, options);
      await port.deleteTags(action.group, action.removeTags.filter((key) => key === TAG.savedSizes), options);
      return;
    }
    case 'count-unknown-failure':
      await port.putTags(action.group, action.tags, options);
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
