/**
 * Runs retire actions: the one place that turns them into port calls. Write order within an action
 * is what makes a lost write recoverable from tags alone:
 *   raise:  state tag (`replacing`) first, then SetDesiredCapacity: a lost raise is seen (desired < to) and written again;
 *   retire: instance tags (drain + batch) first, then the state tag (`retiring`), then the
 *           irreversible call (TerminateInstanceInAutoScalingGroup / the drain event): a run that
 *           stops in between is resumed by the next from the tags, on the same nodes;
 *   end:    drain tags of unstarted nodes removed first, then the state tag.
 * A failed action is reported; the others still run (the shared loop, lib/run/execute-each.ts).
 */
import type { CallOptions } from '../ports/auto-scaling';
import { type Executed, executeEach } from '../run/execute-each';
import { DRAIN_EVENT_DETAIL_TYPE, DRAIN_EVENT_SOURCE, SPOT_TAG } from '../spot/tags';
import { type RetireAction, type RetireNodes, summarizeRetire } from './actions';
import { RETIRE_INSTANCE_TAGS } from './decide';
import type { RetireDeps } from './deps';
import { RETIRE_DRAIN_REASON, RETIRE_INSTANCE_TAG_KEYS } from './tags';

export function executeRetireActions(actions: readonly RetireAction[], deps: RetireDeps, options: CallOptions = {}): Promise<Executed<RetireAction>> {
  return executeEach(actions, (action) => executeOne(action, deps, options), summarizeRetire, deps.log);
}

async function executeOne(action: RetireAction, deps: RetireDeps, options: CallOptions): Promise<void> {
  switch (action.kind) {
    case 'retire-raise-spot':
      await deps.autoScaling.putTags(action.group, action.tags, options);
      return deps.autoScaling.setDesiredCapacity(action.group, action.to, options);
    case 'retire-record-ready':
      return deps.autoScaling.putTags(action.group, action.tags, options);
    case 'retire-nodes':
      return retireNodes(action, deps, options);
    case 'retire-finish-drained':
      if (action.how === 'terminate-in-group') return deps.retire.terminateInGroup(action.instanceId, true, options);
      return deps.autoScaling.setDesiredCapacity(action.group, action.to!, options);
    case 'retire-end-batch':
      if (action.untag.length > 0) await deps.ec2.deleteTags(action.untag, RETIRE_INSTANCE_TAG_KEYS, options);
      return deps.autoScaling.putTags(action.group, action.tags, options);
    default:
      return assertNever(action);
  }
}

async function retireNodes(action: RetireNodes, deps: RetireDeps, options: CallOptions): Promise<void> {
  const ids = action.nodes.map((node) => node.instanceId);
  await deps.ec2.createTags(ids, RETIRE_INSTANCE_TAGS(action.batch), options);
  await deps.autoScaling.putTags(action.group, action.tags, options);
  const errors: string[] = [];
  for (const node of action.nodes.filter((candidate) => candidate.path === 'hook')) {
    // The termination hook holds the node in Terminating:Wait while the cluster's handler drains it.
    await deps.retire
      .terminateInGroup(node.instanceId, true, options)
      .catch((error: unknown) => errors.push(`${node.instanceId}: ${error instanceof Error ? error.message : String(error)}`));
  }
  const bus = action.nodes.filter((node) => node.path === 'bus');
  if (bus.length > 0) {
    if (!action.eventBusName) throw new Error(`no drain event bus for cluster ${action.cluster}`);
    const time = deps.now().toISOString();
    const nodes = bus.map((node) => ({
      instanceId: node.instanceId,
      nodeName: node.nodeName,
      group: node.group,
      cluster: action.cluster,
      reason: RETIRE_DRAIN_REASON,
      deadline: null,
      time,
    }));
    const { failed } = await deps.eventBus.putEvents(
      [{ eventBusName: action.eventBusName, source: DRAIN_EVENT_SOURCE, detailType: DRAIN_EVENT_DETAIL_TYPE, detail: { cluster: action.cluster, nodes } }],
      options,
    );
    if (failed.length > 0) errors.push(`PutEvents refused the drain event on ${action.eventBusName}: ${failed[0]!.error}`);
    else
      await deps.ec2.createTags(
        bus.map((node) => node.instanceId),
        { [SPOT_TAG.drainEvent]: 'published' },
        options,
      );
  }
  if (errors.length > 0) throw new Error(`retirement of ${errors.length} node(s) not started; the next run retries: ${errors.join('; ')}`);
}

function assertNever(value: never): never {
  throw new Error(`unhandled retire action ${JSON.stringify(value)}`);
}
