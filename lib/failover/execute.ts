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
import type { Action, WritesTags } from './actions';
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
  phantom: PhantomDemand = new PhantomDemand(),
): Promise<ExecutionResult> {
  const suspended = new Set<string>();
  return executeEach(
    actions,
    async (action) => {
      if (action.kind === 'raise-desired') {
        if (!suspended.has(action.replacing) && actions.some((other) => other.kind === 'suspend-group' && other.group === action.replacing)) {
          phantom.notRaised(action);
          throw new SuspensionNotRecordedError(`not raised: the suspension of ${action.replacing} is not written yet; the retry raises once it is`);
        }
        const { from, to } = phantom.written(action);
        if (to <= from) {
          log.info('nothing to raise: the demand this raise carried was never handed on', { action: summarize(action) });
          return;
        }
        await port.setDesiredCapacity(action.group, to, options);
        return;
      }
      await executeAction(action, port, log, options);
      if (action.kind === 'suspend-group') suspended.add(action.group);
    },
    summarize,
    log,
    retry,
  );
}

/**
 * A batch's actions are decided on a projection: each raise is counted into its group's desired
 * before the next signal is decided. When a raise is not written (its failing group's suspension
 * was not), the nodes it carried are phantom: a later raise that hands that group's demand on, or
 * that sets the same group's desired as an absolute target, must leave them out, or the retry that
 * raises them for real adds them twice. One per batch: every execution of the batch shares it.
 */
export class PhantomDemand {
  private readonly into = new Map<string, number>();

  notRaised(action: RaiseDesired): void {
    this.add(action.group, action.to - action.from);
  }

  /** The raise as it must be written: without the phantom nodes counted into its group, nor those it carried from its failing group. */
  written(action: RaiseDesired): { from: number; to: number } {
    const from = action.from - (this.into.get(action.group) ?? 0);
    const carried = Math.min(action.to - action.from, this.into.get(action.replacing) ?? 0);
    if (carried > 0) {
      this.add(action.replacing, -carried);
      this.add(action.group, carried);
    }
    return { from, to: action.to - (this.into.get(action.group) ?? 0) };
  }

  private add(group: string, nodes: number): void {
    this.into.set(group, (this.into.get(group) ?? 0) + nodes);
  }
}

type RaiseDesired = Extract<Action, { kind: 'raise-desired' }>;

export class SuspensionNotRecordedError extends CapacityGuardError {
  override name = 'SuspensionNotRecordedError';
}

async function executeAction(action: Action, port: AutoScalingPort, log: Log, options: CallOptions): Promise<void> {
  switch (action.kind) {
    case 'suspend-group':
    case 'start-probe':
    case 'enforce-suspension':
      await writeTags(port, action.group, action, options);
      await port.updateSizes(action.group, action.to, options);
      return;
    case 'raise-desired':
      throw new Error('raises are executed by executeActions (phantom demand)');
    case 'restore-group': {
      await writeTags(port, action.group, action, options);
      await port.updateSizes(action.group, action.to, options);
      await writeTags(port, action.group, action.afterSizes ?? { tags: {} }, options);
      return;
    }
    case 'count-unknown-failure':
      await writeTags(port, action.group, action, options);
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

/**
 * New keys first, then the deletions (the previous release's keys): a write lost between the two
 * leaves both readable. Only the old keys that make room for a write beyond 50 tags go before it.
 */
async function writeTags(port: AutoScalingPort, group: string, write: WritesTags, options: CallOptions): Promise<void> {
  if (write.removeFirst?.length) await port.deleteTags(group, write.removeFirst, options);
  await port.putTags(group, write.tags, options);
  if (write.removeTags?.length) await port.deleteTags(group, write.removeTags, options);
}
