/**
 * One SQS batch of aws.ec2 events (Spot interruption warnings, rebalance recommendations, ending
 * state changes), with as few AWS calls as the APIs allow:
 *   DescribeInstances once for all the batch's instances (ownership, pool, node name);
 *   PutEvents once per cluster with a drain bus; CreateTags once per tag set (one in a storm; one
 *   per deadline when the batch has at most EXACT_DEADLINE_CALLS of them, so the tag is exact);
 *   one pool-store write per pool;
 *   and only when there is something to detach or a storm to hand over: the writers' lease,
 *   DescribeAutoScalingGroups, DetachInstances per group (20 ids a call), the core's suspension.
 * A record fails (retried, then dead-lettered) only if it is malformed or an action about it
 * failed; foreign instances are acknowledged and counted.
 */
import type { Action } from '../../decide/actions';
import { buildSnapshot } from '../../decide/snapshot';
import { summarize } from '../../decide/guard-rails';
import type { CallOptions } from '../../ports/auto-scaling';
import type { Ec2Instance } from '../../ports/ec2';
import type { Notable } from '../../ports/notifier';
import { type PoolState, poolId } from '../../ports/pool-signals';
import { type RecordOutcome, parseSqsRecord } from '../../parse/sqs-record';
import { type SpotSignal, isSpotSignal } from '../../signals';
import type { PublishDrainRequested, SpotAction, TagForDrain } from '../../spot/actions';
import { type DrainPlan, type ItemDecision, isStorming, needsHandOver, planDrains, planReplacements, stormSignals } from '../../spot/decide';
import { SPOT_TAG } from '../../spot/tags';
import { actDecided } from '../act-or-print';
import { admitByEventTime, decideInOrder } from '../run-signals';
import { LockBusyError, withLock } from '../with-lock';
import type { SpotDeps } from './deps';
import { type SpotExecution, executeSpotActions } from './execute';

/** A batch waits this long for the lease before its detaches and storm are retried. */
const LOCK_WAIT_MS = 10_000;

type Annotated = RecordOutcome & { notes?: string[] };

export interface SpotBatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  records: Annotated[];
  /** Spot actions decided, in order (done, or printed in dry-run). */
  actions: SpotAction[];
  /** Core actions decided for storms. */
  coreActions: Action[];
}

export async function handleSpotEvents(records: readonly unknown[], deps: SpotDeps, options: CallOptions = {}): Promise<SpotBatchResult> {
  const annotated: Annotated[] = records.map((record, index) => parseSqsRecord(record, index, deps.origin));
  const failed = new Set<number>();
  const parsed: { item: number; signal: SpotSignal }[] = [];
  annotated.forEach((outcome, index) => {
    // An event of another kind (say an Auto Scaling one routed here by mistake) is ignored, and counted so.
    deps.metrics.count(outcome.outcome === 'signal' && !isSpotSignal(outcome.signal) ? 'record.ignored' : `record.${outcome.outcome}`);
    if (outcome.outcome === 'invalid') {
      deps.log.error('malformed record: failing it so it reaches the dead-letter queue', { error: outcome.error, messageId: outcome.messageId });
      failed.add(index);
    } else if (outcome.outcome === 'ignored' && outcome.foreignOrigin) {
      deps.metrics.count('record.foreign-origin');
      deps.log.warn('event from another account or region: acknowledged, nothing done', { reason: outcome.reason, messageId: outcome.messageId });
    } else if (outcome.outcome === 'ignored') {
      deps.log.info('event ignored', { reason: outcome.reason, messageId: outcome.messageId });
    } else if (!isSpotSignal(outcome.signal)) {
      deps.log.info('event ignored: not an aws.ec2 spot event', { kind: outcome.signal.kind, messageId: outcome.messageId });
    } else {
      deps.metrics.count(`signal.${outcome.signal.kind}`);
      parsed.push({ item: index, signal: outcome.signal });
    }
  });
  const items = admitByEventTime(parsed, deps);
  const result: SpotBatchResult = { batchItemFailures: [], records: annotated, actions: [], coreActions: [] };
  if (items.length > 0) await decideAndAct(items, annotated, failed, result, deps, options);
  result.batchItemFailures = [...failed].flatMap((item) => (annotated[item]?.messageId ? [{ itemIdentifier: annotated[item].messageId }] : []));
  return result;
}

async function decideAndAct(items: { item: number; signal: SpotSignal }[], annotated: Annotated[], failed: Set<number>, result: SpotBatchResult, deps: SpotDeps, options: CallOptions): Promise<void> {
  const ids = [...new Set(items.flatMap(({ signal }) => (signal.kind === 'instance-state-change' ? [] : [signal.instanceId])))];
  const instances = new Map(ids.length ? (await deps.ec2.describeInstances(ids, options)).map((instance) => [instance.instanceId, instance]) : []);
  const plan = planDrains(items, instances, deps.policy);
  for (const { item, signal, ownership, notes } of plan.items) {
    if (!ownership.owned && signal.kind !== 'instance-state-change') deps.metrics.count('spot.ignored');
    annotated[item] = { ...annotated[item]!, notes };
  }
  const run = new SpotRun(items, annotated, failed, result, deps, options);
  try {
    await drainReplaceAndHandStorms(run, plan, instances, deps, options);
  } finally {
    // Decided in three steps (each needs the last one's outcome); logged once, whatever happened.
    run.logDecided();
  }
  await run.notify();
}

async function drainReplaceAndHandStorms(run: SpotRun, plan: DrainPlan<number>, instances: ReadonlyMap<string, Ec2Instance>, deps: SpotDeps, options: CallOptions): Promise<void> {
  // 1. Drain: the bus first, so a tag saying "published" is only written once the event went out.
  const states = await run.drain(plan);

  // 2 and 3 write to groups: only then the lease and a Describe of the groups.
  const candidates = planReplacements(plan.items, instances, states, null, deps.policy);
  const storming = [...states.values()].filter((state) => needsHandOver(state, deps.policy, deps.now()));
  if (candidates.actions.length > 0 || storming.length > 0) {
    try {
      await withLock(deps, LOCK_WAIT_MS, () => run.replaceAndHandStorms(plan.items, instances, states), options);
    } catch (error) {
      if (!(error instanceof LockBusyError)) throw error;
      deps.metrics.count('lock.busy');
      deps.log.warn('lease busy: detaches and storm handling are retried with the records', { error: error.message });
      run.retry(new Set(candidates.actions.flatMap((action) => action.instanceIds)));
      for (const state of storming) run.retry(instancesInPool(state, plan.items, instances));
    }
  }
}

/** One batch's bookkeeping: what was done or failed, which records go back to SQS. */
class SpotRun {
  private readonly report = { done: [] as Notable[], failed: [] as { action: Notable; error: string }[] };
  /** Spot and core actions decided by this batch, for its one log line. */
  private readonly decided: (SpotAction | Action)[] = [];
  private readonly writes: boolean;

  constructor(
    private readonly items: readonly { item: number; signal: SpotSignal }[],
    private readonly annotated: Annotated[],
    private readonly failed: Set<number>,
    private readonly result: SpotBatchResult,
    private readonly deps: SpotDeps,
    private readonly options: CallOptions,
  ) {
    this.writes = deps.policy.enabled && !deps.policy.dryRun;
  }

  /** Publish, tag, record the pools; returns the pools' states by pool id (this batch's alone in dry-run). */
  async drain(plan: DrainPlan<number>): Promise<Map<string, PoolState>> {
    this.announce([...plan.publish, ...plan.tags, ...plan.pools]);
    let poolStates: PoolState[];
    if (this.writes) {
      const published = await this.execute(plan.publish);
      const unpublished = published.failed.map(({ action }) => action as PublishDrainRequested);
      await this.execute(withoutUnpublishedMarker(plan.tags, unpublished));
      poolStates = (await this.execute(plan.pools)).pools;
    } else {
      poolStates = plan.pools.map((entry) => ({ pool: entry.pool, zoneName: entry.zoneName, interruptions: entry.interruptions.length, groups: [...new Set(entry.interruptions.flatMap((i) => (i.group ? [i.group] : [])))], stormSignaledAt: null }));
    }
    for (const state of poolStates) if (isStorming(state, this.deps.policy)) this.deps.metrics.count('spot.pool-storming');
    return new Map(poolStates.map((state) => [poolId(state.pool), state]));
  }

  /** Under the lease: detach for replacement, then hand storms to the core. */
  async replaceAndHandStorms(decided: ItemDecision<number>[], instances: ReadonlyMap<string, Ec2Instance>, states: ReadonlyMap<string, PoolState>): Promise<void> {
    const { deps, options } = this;
    const observed = await deps.autoScaling.describeGroups(deps.policy.clusters.map((cluster) => cluster.name), options);
    const snapshot = buildSnapshot(observed, deps.policy);
    const replacements = planReplacements(decided, instances, states, observed, deps.policy);
    for (const [item, note] of replacements.notes) this.annotated[item] = { ...this.annotated[item]!, notes: [...(this.annotated[item]?.notes ?? []), note] };
    this.announce(replacements.actions);
    if (this.writes) await this.execute(replacements.actions);

    // Storms: the core decides, on the snapshot from before the detaches (their replacements are
    // inside desired; a suspension keeps them and stops anything more going into the pool).
    for (const storm of stormSignals(states.values(), snapshot, deps.policy, deps.now())) {
      deps.metrics.count('spot.storm');
      deps.log.warn('Spot interruption storm: its groups are handled as a capacity failure', { pool: poolId(storm.pool.pool), interruptions: storm.pool.interruptions, groups: storm.signals.map((signal) => signal.autoScalingGroupName) });
      const { decided: core } = decideInOrder(storm.signals.map((signal) => ({ item: signal.autoScalingGroupName, signal })), snapshot, deps.policy, deps.now());
      const actions = core.flatMap((entry) => entry.actions);
      this.result.coreActions.push(...actions);
      this.decided.push(...actions);
      const acted = await actDecided(actions, deps, options);
      this.report.done.push(...(deps.policy.dryRun ? actions : acted.done));
      this.report.failed.push(...acted.failed.map(({ action, error }) => ({ action, error: error.message })));
      if (acted.failed.length > 0) {
        // Retry the batch's records of that pool: the storm is handed over again (it is not marked).
        this.retry(instancesInPool(storm.pool, decided, instances));
      } else if (this.writes) {
        // Losing the mark costs one more hand-over, which the core answers with "already out of rotation".
        await deps.poolSignals.markStormSignaled(storm.pool.pool, deps.now(), deps.policy.spot.storm.windowMs, options).catch((error: unknown) => deps.log.warn('could not mark the storm as handed over', { error: String(error) }));
      }
    }
  }

  /** The records about these instances go back to SQS. */
  retry(instanceIds: ReadonlySet<string>): void {
    for (const { item, signal } of this.items) if (instanceIds.has(signal.instanceId)) this.failed.add(item);
  }

  /** Once per invocation, after acting; never throws. */
  async notify(): Promise<void> {
    const { done, failed } = this.report;
    if (done.length === 0 && failed.length === 0) return;
    await this.deps.notifier.notify({ source: 'spot', dryRun: !this.writes, time: this.deps.now().toISOString(), done, failed }).catch((error: unknown) => this.deps.log.warn('notifier failed', { error: String(error) }));
  }

  /** The batch's one log line of what it decided (instance lists cut short: a storm has hundreds). */
  logDecided(): void {
    if (this.decided.length === 0) return;
    this.deps.log.info(this.writes ? 'spot actions decided' : 'dry run or kill switch: spot actions decided, not executed', { actions: this.decided.map(describe) });
  }

  private announce(actions: readonly SpotAction[]): void {
    if (actions.length === 0) return;
    this.result.actions.push(...actions);
    this.decided.push(...actions);
    for (const action of actions) this.deps.metrics.count(`action.${action.kind}`);
  }

  private async execute(actions: readonly SpotAction[]): Promise<SpotExecution> {
    const execution = await executeSpotActions(actions, this.deps, this.options);
    this.report.done.push(...execution.done);
    for (const { action, error } of execution.failed) {
      this.report.failed.push({ action, error: error.message });
      this.deps.metrics.count('action.failed');
      this.deps.log.error('spot action failed; its records will be retried', { action: describe(action), error: error.message, errorName: error.name });
      this.retry(instanceIdsOf(action));
    }
    return execution;
  }
}

function instancesInPool(state: PoolState, decided: ItemDecision<number>[], instances: ReadonlyMap<string, Ec2Instance>): Set<string> {
  const ids = decided
    .map(({ signal }) => instances.get(signal.instanceId))
    .filter((instance): instance is Ec2Instance => instance !== undefined && poolId({ zoneId: instance.availabilityZoneId, instanceType: instance.instanceType, market: instance.market }) === poolId(state.pool))
    .map((instance) => instance.instanceId);
  return new Set(ids);
}

/** Instances whose drain event did not go out get their tags without the "published" marker, so a retry publishes again. */
function withoutUnpublishedMarker(tags: readonly TagForDrain[], failedPublishes: readonly PublishDrainRequested[]): TagForDrain[] {
  const unpublished = new Set(failedPublishes.flatMap((action) => action.nodes.map((node) => node.instanceId)));
  if (unpublished.size === 0) return [...tags];
  return tags.flatMap((action) => {
    const [missed, sent] = [action.instances.filter((i) => unpublished.has(i.instanceId)), action.instances.filter((i) => !unpublished.has(i.instanceId))];
    if (missed.length === 0) return [action];
    const { [SPOT_TAG.drainEvent]: _marker, ...bare } = action.tags;
    return [...(sent.length ? [{ ...action, instances: sent }] : []), { ...action, instances: missed, tags: bare }];
  });
}

function instanceIdsOf(action: SpotAction): Set<string> {
  switch (action.kind) {
    case 'tag-for-drain':
      return new Set(action.instances.map((instance) => instance.instanceId));
    case 'publish-drain-requested':
      return new Set(action.nodes.map((node) => node.instanceId));
    case 'detach-for-replacement':
    case 'untag-expired-rebalance':
    case 'terminate-detached':
      return new Set(action.instanceIds);
    case 'record-pool-interruptions':
      return new Set(action.interruptions.map((interruption) => interruption.instanceId));
  }
}

/** One line per action for logs; the instance lists are cut short in storms. */
export function describe(action: SpotAction | Action): string {
  if (!('instanceIds' in action || 'instances' in action || 'nodes' in action || 'interruptions' in action)) return summarize(action as Action);
  const spot = action as SpotAction;
  const ids = [...instanceIdsOf(spot)];
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(',')},… (${ids.length})` : ids.join(',');
  switch (spot.kind) {
    case 'tag-for-drain':
      return `tag-for-drain ${spot.reason} [${shown}]`;
    case 'publish-drain-requested':
      return `publish-drain-requested ${spot.cluster} on ${spot.eventBusName} [${shown}]`;
    case 'detach-for-replacement':
      return `detach-for-replacement ${spot.group} [${shown}]`;
    case 'record-pool-interruptions':
      return `record-pool-interruptions ${poolId(spot.pool)} [${shown}]`;
    case 'untag-expired-rebalance':
      return `untag-expired-rebalance [${shown}]`;
    case 'terminate-detached':
      return `terminate-detached [${shown}]`;
  }
}
