/**
 * The downscaler's actions as Auto Scaling calls, through the port. Write order is chosen so a
 * write lost half-way leaves state the next run repairs (see lib/downscaler/decide.ts):
 * - downscale: tags BEFORE sizes — sizes without the saved tag could never be restored; tags
 *   without the new sizes are finished by the next run (sizes still equal the saved ones);
 * - restore: sizes BEFORE deleting the tags — a lost delete leaves sizes equal to the saved ones,
 *   and the next run only drops the tags;
 * - release: only the tags go; the sizes someone set by hand stay.
 * Sizes are always written whole (min, desired, max) in one UpdateAutoScalingGroup call.
 */
import type { DownscalerAction } from './actions';
import { summarizeDownscaler } from './actions';
import type { AutoScalingPort, CallOptions } from '../ports/auto-scaling';
import type { Log } from '../ports/log';
import { type Executed, type RetryPolicy, executeEach } from '../run/execute-each';

export type DownscalerExecution = Executed<DownscalerAction>;

export async function executeDownscalerActions(
  actions: readonly DownscalerAction[],
  port: AutoScalingPort,
  log: Log,
  options: CallOptions = {},
  retry?: RetryPolicy,
): Promise<DownscalerExecution> {
  return executeEach(actions, (action) => execute(action, port, options), summarizeDownscaler, log, retry);
}

async function execute(action: DownscalerAction, port: AutoScalingPort, options: CallOptions): Promise<void> {
  switch (action.kind) {
    case 'scheduled-downscale':
      await port.putTags(action.group, action.tags, options);
      await port.updateSizes(action.group, action.to, options);
      return;
    case 'scheduled-restore': {
      const { from, to } = action;
      const unchanged = from.minSize === to.minSize && from.desiredCapacity === to.desiredCapacity && from.maxSize === to.maxSize;
      if (!unchanged) await port.updateSizes(action.group, to, options);
      await port.deleteTags(action.group, action.removeTags, options);
      return;
    }
    case 'scheduled-release':
      await port.deleteTags(action.group, action.removeTags, options);
      return;
    default: {
      const unreachable: never = action;
      throw new Error(`unknown downscaler action ${JSON.stringify(unreachable)}`);
    }
  }
}
