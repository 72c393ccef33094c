/**
 * The spot function's decisions, pure: (signals, observed instances and groups, pool states,
 * policy, now) → spot actions as data, and, for storms, the core's own launch-failure signals.
 *
 * A batch is decided in three steps because each needs what the previous one wrote:
 *   1. planDrains: tag for drain, publish "drain requested", record interruptions per pool;
 *   2. planReplacements: detach for replacement, unless the pool is storming (the pool state
 *      returned by step 1) — a replacement would land in the pool that is being reclaimed, and
 *      DetachInstances takes 20 ids a call (1,000 nodes = 50 calls). The cost, measured on the
 *      simulator's spot-storm: capacity back after 5 min 37 s, 4 min 00 s with detaches in storms;
 *   3. stormSignals: pools over the threshold → launch failures for the groups that depend on them,
 *      decided by the core (suspension, backoff, budget, probe are the core's).
 */
import { type GroupSpotPolicy, REBALANCE_POLICIES, REPLACE_POLICIES, drainEventBusOf, groupSpotPolicy } from '../config/spot-schema';
import type { Policy } from '../config/policy';
import type { Snapshot } from '../failover/snapshot';
import { findGroup } from '../failover/snapshot';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { Ec2Instance } from '../ports/ec2';
import { type PoolInterruption, type PoolState } from '../ports/pool-signals';
import type { LaunchFailure, SpotSignal } from '../vocabulary/signals';
import type { DetachForReplacement, DrainRequest, InstanceRef, PublishDrainRequested, RecordPoolInterruptions, TagForDrain } from './actions';
import { type Ownership, ownershipOf } from './ownership';
import { type DrainReason, SPOT_TAG } from './tags';
import { poolId, poolKeyOf } from '../vocabulary/pool-key';

export interface ItemDecision<T> {
  item: T;
  signal: SpotSignal;
  ownership: Ownership;
  /** What was decided for it, for logs and `explain`. */
  notes: string[];
}

export interface DrainPlan<T> {
  items: ItemDecision<T>[];
  publish: PublishDrainRequested[];
  tags: TagForDrain[];
  pools: RecordPoolInterruptions[];
}

/** "Node Drain Requested" events carry many nodes; keep one well under the 256 KB entry limit. */
export const NODES_PER_DRAIN_EVENT = 500;

export function planDrains<T>(items: readonly { item: T; signal: SpotSignal }[], instances: ReadonlyMap<string, Ec2Instance>, policy: Policy): DrainPlan<T> {
  const clusters = policy.clusters.filter((cluster) => cluster.enabled).map((cluster) => cluster.name);
  const decided: ItemDecision<T>[] = [];
  const drains = new Map<string, DrainRequest & { published: boolean }>();
  const pools = new Map<string, RecordPoolInterruptions>();

  for (const { item, signal } of items) {
    if (signal.kind === 'instance-state-change') {
      // Informational: EC2 takes the instance (and its tags) away; its group replaces it. Not worth a
      // DescribeInstances in the batch of terminations that follows every storm.
      decided.push({
        item,
        signal,
        ownership: { owned: false, reason: 'state changes are informational' },
        notes: [`${signal.instanceId} entered ${signal.state}: nothing to do`],
      });
      continue;
    }
    const instance = instances.get(signal.instanceId);
    const ownership = ownershipOf(instance, clusters);
    const notes: string[] = [];
    decided.push({ item, signal, ownership, notes });
    // Every Spot interruption of the account is a capacity signal about its pool, whoever owns the instance.
    if (signal.kind === 'spot-interruption' && instance && instance.market === 'spot') addToPool(pools, instance, signal.time, ownership);
    if (!ownership.owned) {
      notes.push(`ignored: ${ownership.reason}`);
      continue;
    }
    if (!instance || !['pending', 'running'].includes(instance.state)) {
      notes.push(`${signal.instanceId} is ${instance?.state ?? 'gone'}: nothing to drain`);
      continue;
    }
    const group = instancePolicy(policy, ownership.cluster, ownership.group, instance);
    const reason = drainReason(signal, group);
    if (reason === null) {
      notes.push(`rebalance policy of ${ownership.group} is ignore`);
      continue;
    }
    const bus = drainEventBusOf(policy.spot, ownership.cluster);
    const current = instance.tags[SPOT_TAG.drain];
    const published = instance.tags[SPOT_TAG.drainEvent] === 'published';
    const upgrade =
      current === undefined ||
      (reason === 'spot-interruption' && current !== 'spot-interruption') ||
      (reason === 'rebalance-replace' && current === 'rebalance-recommendation');
    if (!upgrade && (bus === null || published)) {
      notes.push(`already tagged ${SPOT_TAG.drain}=${current}`);
      continue;
    }
    const deadline = signal.kind === 'spot-interruption' ? signal.deadline : null;
    const previous = drains.get(instance.instanceId);
    // Two signals for one instance in a batch: the interruption wins over a rebalance hint.
    if (previous && rank(previous.reason) >= rank(reason)) continue;
    drains.set(instance.instanceId, {
      instanceId: instance.instanceId,
      nodeName: instance.privateDnsName,
      group: ownership.group,
      cluster: ownership.cluster,
      reason,
      deadline,
      time: signal.time,
      published: upgrade ? false : published,
    });
    notes.push(`tag for drain (${reason})${bus ? `, publish on ${bus}` : ''}`);
  }

  const requests = [...drains.values()];
  const publish: PublishDrainRequested[] = [];
  for (const cluster of new Set(requests.map((request) => request.cluster))) {
    const bus = drainEventBusOf(policy.spot, cluster);
    if (bus === null) continue;
    const nodes = requests.filter((request) => request.cluster === cluster && !request.published).map(({ published: _published, ...node }) => node);
    for (let start = 0; start < nodes.length; start += NODES_PER_DRAIN_EVENT) {
      publish.push({ kind: 'publish-drain-requested', cluster, eventBusName: bus, nodes: nodes.slice(start, start + NODES_PER_DRAIN_EVENT) });
    }
  }
  return { items: decided, publish, tags: tagActions(requests, policy), pools: [...pools.values()] };
}

/**
 * The group's policy from the config, overridden by the tags `capacity-guard/spot-replace` and
 * `capacity-guard/spot-rebalance` when the group propagates them to its instances (PropagateAtLaunch):
 * a team can opt a group out without a config change. Values that are not valid are ignored.
 */
export function instancePolicy(policy: Policy, cluster: string, group: string | null, instance: Ec2Instance): GroupSpotPolicy {
  const configured = groupSpotPolicy(policy.spot, cluster, group);
  const replace = instance.tags[SPOT_TAG.replacePolicy];
  const rebalance = instance.tags[SPOT_TAG.rebalancePolicy];
  return {
    replace: (REPLACE_POLICIES as readonly string[]).includes(replace ?? '') ? (replace as GroupSpotPolicy['replace']) : configured.replace,
    rebalance: (REBALANCE_POLICIES as readonly string[]).includes(rebalance ?? '') ? (rebalance as GroupSpotPolicy['rebalance']) : configured.rebalance,
  };
}

function drainReason(signal: SpotSignal, group: GroupSpotPolicy): DrainReason | null {
  switch (signal.kind) {
    case 'spot-interruption':
      return 'spot-interruption';
    case 'rebalance-recommendation':
      return group.rebalance === 'ignore' ? null : group.rebalance === 'replace' ? 'rebalance-replace' : 'rebalance-recommendation';
    case 'instance-state-change':
      return null;
    default:
      return assertNever(signal);
  }
}

const rank = (reason: DrainReason): number => ['rebalance-recommendation', 'rebalance-replace', 'spot-interruption'].indexOf(reason);

/**
 * A batch whose interruptions have at most this many distinct deadlines gets each node's exact
 * deadline, one CreateTags per deadline; beyond (a storm: about one deadline per second of the
 * batching window), one call with the earliest.
 */
export const EXACT_DEADLINE_CALLS = 3;

/**
 * One CreateTags per distinct tag set. The deadline (and rebalance time) of a set is its earliest
 * one: a node drained a few seconds early loses nothing, and the batch needs one call, not one per
 * event time. The exact deadline of each node is in the drain event, and in the tag too when the
 * batch has few distinct deadlines (EXACT_DEADLINE_CALLS).
 */
function tagActions(requests: readonly DrainRequest[], policy: Policy): TagForDrain[] {
  const deadlines = new Set(requests.flatMap((request) => (request.deadline ? [request.deadline] : [])));
  const exact = deadlines.size <= EXACT_DEADLINE_CALLS;
  const sets = new Map<string, { reason: DrainReason; published: boolean; instances: InstanceRef[]; earliest: string | null; firstSeen: string | null }>();
  for (const request of requests) {
    const published = drainEventBusOf(policy.spot, request.cluster) !== null;
    const key = `${request.reason}|${published}|${exact ? (request.deadline ?? '') : ''}`;
    const set = sets.get(key) ?? { reason: request.reason, published, instances: [], earliest: null, firstSeen: null };
    set.instances.push({ instanceId: request.instanceId, cluster: request.cluster, group: request.group });
    const at = request.deadline;
    if (at && (set.earliest === null || at < set.earliest)) set.earliest = at;
    if (set.firstSeen === null || request.time < set.firstSeen) set.firstSeen = request.time;
    sets.set(key, set);
  }
  return [...sets.values()].map(({ reason, published, instances, earliest, firstSeen }) => ({
    kind: 'tag-for-drain',
    reason,
    instances,
    tags: {
      [SPOT_TAG.drain]: reason,
      ...(earliest && { [SPOT_TAG.deadline]: earliest }),
      ...(reason !== 'spot-interruption' && firstSeen && { [SPOT_TAG.rebalanceAt]: firstSeen }),
      ...(published && { [SPOT_TAG.drainEvent]: 'published' }),
    },
  }));
}

function addToPool(pools: Map<string, RecordPoolInterruptions>, instance: Ec2Instance, time: string, ownership: Ownership): void {
  const pool = poolKeyOf(instance);
  const id = poolId(pool);
  const entry = pools.get(id) ?? {
    kind: 'record-pool-interruptions' as const,
    pool,
    zoneName: instance.availabilityZone,
    interruptions: [] as PoolInterruption[],
  };
  if (!entry.interruptions.some((known) => known.instanceId === instance.instanceId)) {
    entry.interruptions.push({ instanceId: instance.instanceId, time, group: ownership.owned ? ownership.group : instance.autoScalingGroupName });
  }
  pools.set(id, entry);
}

export function isStorming(state: PoolState | undefined, policy: Policy): boolean {
  return state !== undefined && state.interruptions >= policy.spot.storm.interruptions;
}

/**
 * Detach for replacement: owned instances still in service in their group, whose group's policy
 * asks for it, in pools that are not storming.
 */
export function planReplacements<T>(
  decided: readonly ItemDecision<T>[],
  instances: ReadonlyMap<string, Ec2Instance>,
  poolStates: ReadonlyMap<string, PoolState>,
  groups: readonly ObservedGroup[],
  policy: Policy,
): Replacements<T> {
  const candidates = replacementCandidates(decided, instances, poolStates, policy);
  const detaches = detachesOfLive(candidates.candidates, groups);
  return { actions: detaches.actions, notes: new Map([...candidates.notes, ...detaches.notes]) };
}

export interface Replacements<T> {
  actions: DetachForReplacement[];
  notes: Map<T, string>;
}

export interface ReplacementCandidate<T> {
  item: T;
  signal: SpotSignal;
  cluster: string;
  group: string;
  instanceId: string;
}

/**
 * First half, before the groups are observed: owned instances whose group's policy asks for a
 * replacement, outside storming pools. None: the run needs neither the lease nor a Describe.
 */
export function replacementCandidates<T>(
  decided: readonly ItemDecision<T>[],
  instances: ReadonlyMap<string, Ec2Instance>,
  poolStates: ReadonlyMap<string, PoolState>,
  policy: Policy,
): { candidates: ReplacementCandidate<T>[]; notes: Map<T, string> } {
  const candidates: ReplacementCandidate<T>[] = [];
  const notes = new Map<T, string>();
  for (const { item, signal, ownership } of decided) {
    if (!ownership.owned || ownership.group === null || signal.kind === 'instance-state-change') continue;
    const instance = instances.get(signal.instanceId);
    if (!instance) continue;
    const group = instancePolicy(policy, ownership.cluster, ownership.group, instance);
    const wanted = signal.kind === 'spot-interruption' ? group.replace === 'detach' : group.rebalance === 'replace';
    if (!wanted) continue;
    const pool = poolId(poolKeyOf(instance));
    if (isStorming(poolStates.get(pool), policy)) {
      notes.set(item, `no detach: pool ${pool} is storming, new capacity must go elsewhere`);
      continue;
    }
    candidates.push({ item, signal, cluster: ownership.cluster, group: ownership.group, instanceId: instance.instanceId });
  }
  return { candidates, notes };
}

/**
 * Second half, on the observed groups: candidates in service in their group, one detach per group.
 * AWS detaches only InService or Standby instances and refuses the whole call for one other
 * (`ValidationError: The instance … is not in InService or Standby`): a node still booting is left
 * to EC2's reclaim, after which the group replaces it.
 */
export function detachesOfLive<T>(candidates: readonly ReplacementCandidate<T>[], groups: readonly ObservedGroup[]): Replacements<T> {
  const byGroup = new Map<string, DetachForReplacement>();
  const notes = new Map<T, string>();
  const states = new Map(groups.map((group) => [group.name, new Map(group.instances.map((i) => [i.instanceId, i.lifecycleState]))]));
  for (const { item, signal, cluster, group, instanceId } of candidates) {
    const state = states.get(group)?.get(instanceId);
    if (state !== 'InService' && state !== 'Standby') {
      notes.set(
        item,
        state?.startsWith('Pending')
          ? `no detach: ${instanceId} is still ${state} in ${group} (AWS detaches only InService or Standby); the group replaces it once EC2 takes it`
          : `no detach: ${instanceId} is no longer in service in ${group}`,
      );
      continue;
    }
    const action = byGroup.get(group) ?? {
      kind: 'detach-for-replacement' as const,
      cluster,
      group,
      instanceIds: [],
      reason: signal.kind === 'spot-interruption' ? 'spot-interruption' : 'rebalance-replace',
    };
    if (!action.instanceIds.includes(instanceId)) action.instanceIds.push(instanceId);
    if (signal.kind === 'spot-interruption') action.reason = 'spot-interruption';
    byGroup.set(group, action);
    notes.set(item, `detach from ${group}: it launches the replacement now`);
  }
  return { actions: [...byGroup.values()], notes };
}

/** Storming, and not handed to the core within the last window. */
export function needsHandOver(state: PoolState, policy: Policy, now: Date): boolean {
  if (!isStorming(state, policy)) return false;
  return !(state.stormSignaledAt && now.getTime() - Date.parse(state.stormSignaledAt) < policy.spot.storm.windowMs);
}

export interface Storm {
  pool: PoolState;
  signals: LaunchFailure[];
}

/**
 * Pools at or over the threshold, not handed to the core within the last window: a launch failure
 * ('capacity', SpotInterruptionStorm) for each configured group that lost an instance in the pool.
 */
export function stormSignals(poolStates: Iterable<PoolState>, snapshot: Snapshot, policy: Policy, now: Date): Storm[] {
  const storms: Storm[] = [];
  for (const state of poolStates) {
    if (!needsHandOver(state, policy, now)) continue;
    const message = `Spot interruption storm: ${state.interruptions} interruptions in pool ${poolId(state.pool)} (${state.zoneName}) within ${policy.spot.storm.windowMs / 60_000} min`;
    const signals = state.groups
      .filter((group) => findGroup(snapshot, group) !== null)
      .sort()
      .map(
        (group): LaunchFailure => ({
          kind: 'launch-failure',
          autoScalingGroupName: group,
          availabilityZone: state.zoneName,
          instanceType: state.pool.instanceType,
          market: state.pool.market,
          failure: 'capacity',
          message,
          errorCode: 'SpotInterruptionStorm',
          time: now.toISOString(),
          activityId: null,
          origin: 'pool',
        }),
      );
    storms.push({ pool: state, signals });
  }
  return storms;
}

function assertNever(value: never): never {
  throw new Error(`unhandled spot signal ${JSON.stringify(value)}`);
}
