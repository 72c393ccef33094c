/**
 * Runs spot actions: the one place that turns them into port calls. Every action is idempotent
 * (tags are absolute values, detach skips what already left, the pool store dedupes instance ids);
 * a failed action is reported, the others still run.
 */
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolState } from '../ports/pool-signals';
import type { BusEvent } from '../ports/event-bus';
import type { PublishDrainRequested, SpotAction } from './actions';
import { DRAIN_EVENT_DETAIL_TYPE, DRAIN_EVENT_SOURCE } from './tags';
import type { SpotDeps } from './deps';
import { retryFor, retrying } from '../run/execute-each';

export interface SpotExecution {
  done: SpotAction[];
  failed: { action: SpotAction; error: Error }[];
  /** Pool states returned by record-pool-interruptions, by pool id. */
  pools: PoolState[];
}

export async function executeSpotActions(actions: readonly SpotAction[], deps: SpotDeps, options: CallOptions): Promise<SpotExecution> {
  const result: SpotExecution = { done: [], failed: [], pools: [] };
  const publishes = actions.filter((action): action is PublishDrainRequested => action.kind === 'publish-drain-requested');
  if (publishes.length > 0) await publishAll(publishes, deps, options, result);
  for (const action of actions) {
    if (action.kind === 'publish-drain-requested') continue;
    try {
      await retrying(() => executeOne(action, deps, options, result), retryFor(deps, options));
      result.done.push(action);
    } catch (error) {
      result.failed.push({ action, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return result;
}

async function executeOne(action: SpotAction, deps: SpotDeps, options: CallOptions, result: SpotExecution): Promise<void> {
  switch (action.kind) {
    case 'tag-for-drain':
      return deps.ec2.createTags(
        action.instances.map((instance) => instance.instanceId),
        action.tags,
        options,
      );
    case 'publish-drain-requested':
      return publishAll([action], deps, options, result);
    case 'detach-for-replacement':
      return deps.detach.detachInstances(action.group, action.instanceIds, false, options);
    case 'record-pool-interruptions':
      result.pools.push(
        await deps.poolSignals.recordInterruptions(action.pool, action.zoneName, action.interruptions, deps.policy.spot.storm.windowMs, deps.now(), options),
      );
      return;
    case 'untag-expired-rebalance':
      return deps.ec2.deleteTags(action.instanceIds, action.keys, options);
    case 'terminate-detached':
      return deps.ec2.terminateInstances(action.instanceIds, options);
    default:
      return assertNever(action);
  }
}

/** All drain events of a batch in as few PutEvents calls as the API allows (10 entries a call). */
async function publishAll(actions: readonly PublishDrainRequested[], deps: SpotDeps, options: CallOptions, result: SpotExecution): Promise<void> {
  const entries: BusEvent[] = actions.map((action) => ({
    eventBusName: action.eventBusName,
    source: DRAIN_EVENT_SOURCE,
    detailType: DRAIN_EVENT_DETAIL_TYPE,
    detail: { cluster: action.cluster, nodes: action.nodes },
  }));
  let refused: { event: BusEvent; error: string }[];
  try {
    refused = (await deps.eventBus.putEvents(entries, options)).failed;
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    for (const action of actions) result.failed.push({ action, error: cause });
    return;
  }
  actions.forEach((action, index) => {
    const entry = refused.find((failure) => failure.event === entries[index]);
    if (entry)
      result.failed.push({ action, error: new Error(`PutEvents refused the drain event for ${action.cluster} on ${action.eventBusName}: ${entry.error}`) });
    else result.done.push(action);
  });
}

function assertNever(value: never): never {
  throw new Error(`unhandled spot action ${JSON.stringify(value)}`);
}
