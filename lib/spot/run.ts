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
 *
 * The steps, in order: triage the records, observe the instances, plan the drains, drain, then
 * under the lease replace and hand storms over; log once, notify once.
 */
import type { Action } from '../failover/actions';
import { actDecided } from '../failover/act-or-print';
import { decideInOrder } from '../failover/decide-in-order';
import { withoutLease } from '../failover/without-lease';
import { summarize } from '../failover/guard-rails';
import { buildSnapshot } from '../failover/snapshot';
import type { CallOptions } from '../ports/auto-scaling';
import type { Ec2Instance } from '../ports/ec2';
import type { PoolState } from '../ports/pool-signals';
import { writeGate } from '../run/gate';
import { RunReporter } from '../run/run-report';
import { type Accepts, type Annotated, handBack, triageRecords } from '../run/sqs-triage';
import { underLease } from '../run/with-lock';
import { handBackOnTransient } from '../run/execute-each';
import { poolId, poolKeyOf } from '../vocabulary/pool-key';
import { type SpotSignal, isSpotSignal } from '../vocabulary/signals';
import type { PublishDrainRequested, SpotAction, TagForDrain } from './actions';
import {
  type DrainPlan,
  type ItemDecision,
  type ReplacementCandidate,
  detachesOfLive,
  isStorming,
  needsHandOver,
  planDrains,
  replacementCandidates,
  stormSignals,
} from './decide';
import type { SpotDeps } from './deps';
import { type SpotExecution, executeSpotActions } from './execute';
import { SPOT_TAG } from './tags';
import { DEFAULT_POOL_OUT_MS, poolOutOfStorm } from '../pools/pool-out';
import { describeConfiguredGroups } from '../run/describe-groups';

/** A batch waits this long for the lease before its detaches and storm are retried. */
const LOCK_WAIT_MS = 10_000;

export interface SpotBatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  records: Annotated[];
  /** Spot actions decided, in order (done, or printed in dry-run). */
  actions: SpotAction[];
  /** Core actions decided for storms. */
  coreActions: Action[];
}

const SPOT_SIGNALS: Accepts<SpotSignal> = { is: isSpotSignal, otherwise: 'not an aws.ec2 spot event' };

type Items = { item: number; signal: SpotSignal }[];

export async function handleSpotEvents(records: readonly unknown[], deps: SpotDeps, options: CallOptions = {}): Promise<SpotBatchResult> {
  const { annotated, failed, items } = triageRecords(records, deps, SPOT_SIGNALS);
  const result: SpotBatchResult = { batchItemFailures: [], records: annotated, actions: [], coreActions: [] };
  if (items.length > 0) {
    const ledger = new Ledger(items, annotated, failed, result, deps, options);
    try {
      // AWS still throttling after the tries: every record of the batch goes back, the reason logged.
      await handBackOnTransient(
        deps,
        () => ledger.retry(new Set(items.map(({ signal }) => signal.instanceId))),
        () => decideAndAct(ledger, items, deps, options),
      );
    } finally {
      // Decided in three steps (each needs the last one's outcome); logged once, whatever happened.
      ledger.logDecided();
    }
    await ledger.reporter.notify();
  }
  result.batchItemFailures = await handBack(records, annotated, failed, deps, options);
  return result;
}

async function decideAndAct(ledger: Ledger, items: Items, deps: SpotDeps, options: CallOptions): Promise<void> {
  const instances = await observeInstances(items, deps, options);
  const plan = planDrains(items, instances, deps.policy);
  for (const { item, signal, ownership, notes } of plan.items) {
    if (!ownership.owned && signal.kind !== 'instance-state-change') deps.metrics.count('spot.ignored');
    ledger.note(item, notes, 'replace');
  }
  // 1. Drain: the bus first, so a tag saying "published" is only written once the event went out.
  const states = await drain(ledger, plan);
  // 2 and 3 write to groups: only then the lease and a Describe of the groups.
  const { candidates, notes } = replacementCandidates(plan.items, instances, states, deps.policy);
  const storming = [...states.values()].filter((state) => needsHandOver(state, deps.policy, deps.now()));
  if (candidates.length === 0 && storming.length === 0) return;
  const retryAll = () => {
    ledger.retry(new Set(candidates.map((candidate) => candidate.instanceId)));
    for (const state of storming) ledger.retry(instancesInPool(state, plan.items, instances));
  };
  const replaceAndHand = (mode: { withoutLease: boolean }) => replaceAndHandStorms(ledger, { candidates, notes }, plan.items, instances, states, mode);
  await underLease(
    deps,
    LOCK_WAIT_MS,
    (held) => ledger.holding(held, () => replaceAndHand({ withoutLease: false })),
    {
      consequence: 'detaches and storm handling are retried with the records',
      answer: retryAll,
      // The 2-minute notice does not wait for DynamoDB. A detach without decrement only has the
      // group launch a replacement within its own desired, whoever else writes; suspensions are
      // safe without the lease (lib/failover/without-lease.ts); fallback raises wait for it.
      storeDown: {
        consequence: 'replacements and suspensions done without the lease; fallback raises are retried',
        work: () => replaceAndHand({ withoutLease: true }),
      },
    },
    options,
  );
  // A storm is physical evidence about its pool: shared with other accounts, after the lease is given back.
  const at = deps.now().toISOString();
  await deps.poolEvidence?.offer(
    storming.map((state) => ({
      zone: { id: state.pool.zoneId },
      instanceType: state.pool.instanceType,
      market: state.pool.market,
      kind: 'interruption-storm' as const,
      evidence: state.interruptions,
      firstSeen: at,
      lastSeen: at,
    })),
    options,
  );
}

/** One DescribeInstances for every instance the batch names (state changes name none we need). */
async function observeInstances(items: Items, deps: SpotDeps, options: CallOptions): Promise<Map<string, Ec2Instance>> {
  const ids = [...new Set(items.flatMap(({ signal }) => (signal.kind === 'instance-state-change' ? [] : [signal.instanceId])))];
  return new Map(ids.length ? (await deps.ec2.describeInstances(ids, options)).map((instance) => [instance.instanceId, instance]) : []);
}

/** Publish, tag, record the pools; returns the pools' states by pool id (this batch's alone when not writing). */
async function drain(ledger: Ledger, plan: DrainPlan<number>): Promise<Map<string, PoolState>> {
  const { deps } = ledger;
  ledger.announce([...plan.publish, ...plan.tags, ...plan.pools]);
  let poolStates: PoolState[];
  if (ledger.writes) {
    const published = await ledger.execute(plan.publish);
    const unpublished = published.failed.map(({ action }) => action as PublishDrainRequested);
    await ledger.execute(withoutUnpublishedMarker(plan.tags, unpublished));
    poolStates = (await ledger.execute(plan.pools)).pools;
  } else {
    poolStates = plan.pools.map((entry) => ({
      pool: entry.pool,
      zoneName: entry.zoneName,
      interruptions: entry.interruptions.length,
      groups: [...new Set(entry.interruptions.flatMap((i) => (i.group ? [i.group] : [])))],
      stormSignaledAt: null,
    }));
  }
  for (const state of poolStates) if (isStorming(state, deps.policy)) deps.metrics.count('spot.pool-storming');
  return new Map(poolStates.map((state) => [poolId(state.pool), state]));
}

/** Under the lease: observe the groups once, detach for replacement, then hand storms to the core. */
async function replaceAndHandStorms(
  ledger: Ledger,
  { candidates, notes }: { candidates: readonly ReplacementCandidate<number>[]; notes: ReadonlyMap<number, string> },
  decided: ItemDecision<number>[],
  instances: ReadonlyMap<string, Ec2Instance>,
  states: ReadonlyMap<string, PoolState>,
  mode: { withoutLease: boolean },
): Promise<void> {
  const { deps, options } = ledger;
  const observed = await describeConfiguredGroups(deps, options);
  const replacements = detachesOfLive(candidates, observed);
  for (const [item, note] of [...notes, ...replacements.notes]) ledger.note(item, [note]);
  ledger.announce(replacements.actions);
  if (ledger.writes) await ledger.execute(replacements.actions);
  // Storms: the core decides, on the snapshot from before the detaches (their replacements are
  // inside desired; a suspension keeps them and stops anything more going into the pool).
  await handStorms(ledger, buildSnapshot(observed, deps.policy), decided, instances, states, mode);
}

/**
 * Every storm of the batch decided in one pass (each group suspended at most once, however many of
 * its pools storm), done in one round of writes; the storming pools are marked out in the
 * account's pool table (lib/pools) for the failover and the other functions.
 */
async function handStorms(
  ledger: Ledger,
  snapshot: ReturnType<typeof buildSnapshot>,
  decided: ItemDecision<number>[],
  instances: ReadonlyMap<string, Ec2Instance>,
  states: ReadonlyMap<string, PoolState>,
  mode: { withoutLease: boolean },
): Promise<void> {
  const { deps, options } = ledger;
  const storms = stormSignals(states.values(), snapshot, deps.policy, deps.now());
  if (storms.length === 0) return;
  for (const storm of storms) {
    deps.metrics.count('spot.storm');
    deps.log.warn('Spot interruption storm: its groups are handled as a capacity failure', {
      pool: poolId(storm.pool.pool),
      interruptions: storm.pool.interruptions,
      groups: storm.signals.map((signal) => signal.autoScalingGroupName),
    });
  }
  const signals = storms.flatMap((storm) => storm.signals.map((signal) => ({ item: signal.autoScalingGroupName, signal })));
  const { decided: all } = decideInOrder(signals, snapshot, deps.policy, deps.now());
  const core = mode.withoutLease ? all.map((entry) => withoutLease(entry, deps)) : all;
  const actions = core.flatMap((entry) => entry.actions);
  ledger.result.coreActions.push(...actions);
  ledger.decided.push(...actions);
  const acted = await actDecided(actions, deps, options);
  ledger.reporter.add(actions, acted);
  if (acted.failed.length > 0) {
    // Retry the batch's records of those pools: the storms are handed over again (they are not marked).
    for (const storm of storms) ledger.retry(instancesInPool(storm.pool, decided, instances));
    return;
  }
  if (!ledger.writes) return;
  const outForMs = deps.policy.pools?.outForMs ?? DEFAULT_POOL_OUT_MS;
  // Losing a mark costs one more hand-over, which the core answers with "already out of rotation".
  const marks = [
    deps.poolSignals.recordPoolsOut(
      storms.map((storm) => poolOutOfStorm(storm.pool, deps.now(), outForMs)),
      options,
    ),
    ...storms.map((storm) => deps.poolSignals.markStormSignaled(storm.pool.pool, deps.now(), deps.policy.spot.storm.windowMs, options)),
  ];
  for (const outcome of await Promise.allSettled(marks)) {
    if (outcome.status === 'rejected') deps.log.warn('could not mark a storm as handed over or its pool as out', { error: String(outcome.reason) });
  }
}

/** One batch's bookkeeping: what was decided, done or failed, which records go back to SQS. No decisions. */
class Ledger {
  readonly reporter: RunReporter<SpotAction | Action>;
  /** Spot and core actions decided by this batch, for its one log line. */
  readonly decided: (SpotAction | Action)[] = [];
  /** Spot writes: neither dry-run nor the kill switch (spot decide has no per-action kill-switch step). */
  readonly writes: boolean;

  constructor(
    private readonly items: Items,
    private readonly annotated: Annotated[],
    private readonly failed: Set<number>,
    readonly result: SpotBatchResult,
    public deps: SpotDeps,
    readonly options: CallOptions,
  ) {
    this.writes = writeGate(deps.policy, false).writes;
    this.reporter = new RunReporter<SpotAction | Action>('spot', deps, !this.writes);
  }

  /** While the lease is held, write through its fenced ports (lib/run/with-lock.ts). */
  async holding<T>(held: SpotDeps, work: () => Promise<T>): Promise<T> {
    const outside = this.deps;
    this.deps = held;
    try {
      return await work();
    } finally {
      this.deps = outside;
    }
  }

  /** Notes about a record, for logs and `explain`: `replace` sets them, otherwise they are added. */
  note(item: number, notes: readonly string[], mode: 'replace' | 'add' = 'add'): void {
    const before = mode === 'replace' ? [] : (this.annotated[item]?.notes ?? []);
    this.annotated[item] = { ...this.annotated[item]!, notes: [...before, ...notes] };
  }

  /** The records about these instances go back to SQS. */
  retry(instanceIds: ReadonlySet<string>): void {
    for (const { item, signal } of this.items) if (instanceIds.has(signal.instanceId)) this.failed.add(item);
  }

  /** The batch's one log line of what it decided (instance lists cut short: a storm has hundreds). */
  logDecided(): void {
    if (this.decided.length === 0) return;
    this.deps.log.info(this.writes ? 'spot actions decided' : 'dry run or kill switch: spot actions decided, not executed', {
      actions: this.decided.map(describe),
    });
  }

  announce(actions: readonly SpotAction[]): void {
    if (actions.length === 0) return;
    this.result.actions.push(...actions);
    this.decided.push(...actions);
    for (const action of actions) this.deps.metrics.count(`action.${action.kind}`);
  }

  async execute(actions: readonly SpotAction[]): Promise<SpotExecution> {
    const execution = await executeSpotActions(actions, this.deps, this.options);
    this.reporter.addOutcome(execution);
    for (const { action, error } of execution.failed) {
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
    .filter((instance): instance is Ec2Instance => instance !== undefined && poolId(poolKeyOf(instance)) === poolId(state.pool))
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
