/**
 * decide for on-demand retirement: (set view, policy, now) → actions + where the set stands. Pure
 * and total. One batch at a time per set:
 *
 *   idle ──(Spot healthy, settled, candidates, paced)──▶ replacing ──(InService + boot grace)──▶ retiring ──(nodes gone)──▶ done
 *                                                          │ any stop condition                    │ any stop condition
 *                                                          └────────────▶ aborted ◀────────────────┘
 *
 * Stop conditions: a Spot group of the set out of rotation, a new capacity signal (local or in the
 * pool table) or launch failure since the batch began, cluster-autoscaler raising the fallbacks,
 * replacements not ready in time, a drain not done in time. An abort retires nothing more: nodes
 * not yet draining lose their drain tags; Spot capacity already added stays (cluster-autoscaler
 * scales down what is unneeded).
 */
import type { Policy } from '../config/policy';
import { RETIRE_OFF, type RetirePolicy } from '../config/retire-schema';
import type { GroupView } from '../failover/snapshot';
import { SPOT_TAG } from '../spot/tags';
import type { EndBatch, RetireAction, RetiringNode } from './actions';
import type { FallbackNode, SetView } from './sets';
import { RETIRE_BATCH_TAG, RETIRE_DRAIN_REASON, RETIRE_TAG, type RetireState, encodeRetireState } from './tags';

export interface SetStatus {
  cluster: string;
  set: string;
  /** idle | waiting | replacing | retiring | blocked */
  stage: 'idle' | 'waiting' | 'replacing' | 'retiring' | 'blocked';
  /** Why it waits or is blocked, or what it is doing, in one line. */
  why: string;
  /** Fallback nodes that could go now (or once the set is ready), oldest first. */
  candidates: string[];
  /** Fallback groups that can never be retired, with the reason. */
  noDrainPath: string[];
}

export interface RetireDecision {
  actions: RetireAction[];
  status: SetStatus;
}

const TERMINATING = /^Terminat/;

export function retirePolicyOf(policy: Policy): RetirePolicy {
  return policy.retire ?? RETIRE_OFF;
}

export function decideRetirement(view: SetView, policy: Policy, now: Date): RetireDecision {
  const retire = retirePolicyOf(policy);
  const noDrainPath = view.fallbackGroups
    .filter((group) => view.drainPaths[group.name] === 'none' && group.live > 0)
    .map((group) => `${group.name}: no termination lifecycle hook and no drain event bus (spot.clusters.${view.cluster}.drainEventBus): never retired`);
  const candidates = candidateNodes(view, retire, now);
  const status = (stage: SetStatus['stage'], why: string): SetStatus => ({
    cluster: view.cluster,
    set: view.set,
    stage,
    why,
    candidates: candidates.map((node) => node.instanceId),
    noDrainPath,
  });
  const clusterEnabled = policy.clusters.find((cluster) => cluster.name === view.cluster)?.enabled ?? false;
  const state = view.state;
  if (state?.value.phase === 'damaged')
    return { actions: [], status: status('blocked', `${state.group}: ${state.value.problem}; delete the tag to start over`) };
  const inBatch = state && (state.value.phase === 'replacing' || state.value.phase === 'retiring') ? { group: state.group, value: state.value } : null;
  // The kill switch stops every write, a batch under way included (it resumes when switched back on).
  if (!policy.enabled || !clusterEnabled) return { actions: [], status: status('blocked', 'kill switch on: nothing is retired') };
  if (!inBatch) {
    if (!retire.enabled) return { actions: [], status: status('idle', 'retire.enabled is false in the config') };
    return startBatch(view, retire, candidates, now, status);
  }
  // Switched off during a batch: it is aborted cleanly (nodes not yet draining are handed back).
  if (!retire.enabled) {
    const unstarted = view.nodes.filter(
      (node) => node.tags[RETIRE_BATCH_TAG] === inBatch.value.batch && node.lifecycleState === 'InService' && node.tags[SPOT_TAG.drainEvent] !== 'published',
    );
    return abort(
      view,
      inBatch.group,
      'retire.enabled switched off',
      unstarted.map((node) => node.instanceId),
      0,
      now,
      status,
    );
  }
  if (inBatch.value.phase === 'replacing') return continueReplacing(view, { group: inBatch.group, value: inBatch.value }, retire, candidates, now, status);
  return continueRetiring(view, { group: inBatch.group, value: inBatch.value }, retire, now, status);
}

type StatusOf = (stage: SetStatus['stage'], why: string) => SetStatus;

function startBatch(view: SetView, retire: RetirePolicy, candidates: FallbackNode[], now: Date, status: StatusOf): RetireDecision {
  const wait = (why: string): RetireDecision => ({ actions: [], status: status('waiting', why) });
  const onDemand = view.nodes.filter((node) => node.market !== 'spot' && !TERMINATING.test(node.lifecycleState)).length;
  if (onDemand === 0) return { actions: [], status: status('idle', 'no on-demand fallback nodes') };
  const unhealthy = view.spotGroups.find((group) => group.guard.state !== 'healthy');
  if (unhealthy) return wait(`Spot group ${unhealthy.name} is ${unhealthy.guard.state}`);
  const failing = view.fallbackGroups.find((group) => group.guard.state === 'suspended' || group.guard.state === 'probing');
  if (failing) return wait(`fallback group ${failing.name} is ${failing.guard.state}: capacity is still short`);
  if (view.poolSignal) return wait(`a capacity signal touches the Spot pools of the set within the last ${minutes(retire.settleMs)}`);
  if (view.lastSignalAt && now.getTime() - Date.parse(view.lastSignalAt) < retire.settleMs)
    return wait(
      `settling: last capacity signal at ${view.lastSignalAt}, Spot trusted from ${new Date(Date.parse(view.lastSignalAt) + retire.settleMs).toISOString()}`,
    );
  const scalingUp = view.fallbackGroups.find((group) => group.desiredCapacity > group.live);
  if (scalingUp) return wait(`cluster-autoscaler is scaling ${scalingUp.name} up (desired ${scalingUp.desiredCapacity} > ${scalingUp.live} running)`);
  const rested = view.state?.value;
  if (rested && (rested.phase === 'done' || rested.phase === 'aborted')) {
    const next = Date.parse(rested.at) + retire.batchIntervalMs;
    if (now.getTime() < next) return wait(`paced: last batch ${rested.phase} at ${rested.at}, next from ${new Date(next).toISOString()}`);
  }
  if (candidates.length === 0)
    return wait(`no candidate: on-demand nodes are younger than ${minutes(retire.minAgeMs)}, in a group at MinSize, or without a drain path`);
  const target = spotTarget(view.spotGroups);
  if (!target) return wait('every Spot group of the set is at its MaxSize: no room for replacements');
  const setNodes = sum([...view.spotGroups, ...view.fallbackGroups].map((group) => group.live));
  const count = Math.min(batchSize(retire, setNodes), candidates.length, target.maxSize - target.desiredCapacity);
  const batch = now.toISOString();
  const to = target.desiredCapacity + count;
  const fallbackDesired = sum(view.fallbackGroups.map((group) => group.desiredCapacity));
  const value = encodeRetireState({ phase: 'replacing', batch, from: target.desiredCapacity, to, fallbackDesired, readySince: null });
  return {
    actions: [
      { kind: 'retire-raise-spot', cluster: view.cluster, set: view.set, group: target.name, from: target.desiredCapacity, to, tags: { [RETIRE_TAG]: value } },
    ],
    status: status('replacing', `raising ${target.name} ${target.desiredCapacity}→${to} to replace ${count} on-demand node(s)`),
  };
}

function continueReplacing(
  view: SetView,
  state: { group: string; value: Extract<RetireState, { phase: 'replacing' }> },
  retire: RetirePolicy,
  candidates: FallbackNode[],
  now: Date,
  status: StatusOf,
): RetireDecision {
  const s = state.value;
  const group = view.spotGroups.find((candidate) => candidate.name === state.group);
  const stop =
    stopReason(view, s.batch, s.fallbackDesired, group) ??
    (!s.readySince && now.getTime() - Date.parse(s.batch) >= retire.replaceTimeoutMs
      ? `replacements not InService after ${minutes(retire.replaceTimeoutMs)}`
      : null);
  // Nodes tagged for this batch by a run whose next write was lost are handed back with it.
  const tagged = view.nodes.filter((node) => node.tags[RETIRE_BATCH_TAG] === s.batch && node.lifecycleState === 'InService').map((node) => node.instanceId);
  if (stop || !group) return abort(view, state.group, stop ?? `${state.group} is no Spot group of the set any more`, tagged, 0, now, status);
  if (group.desiredCapacity < s.to && group.inService < s.to) {
    // The raise was lost (or someone lowered it): write it again, same batch.
    return {
      actions: [
        {
          kind: 'retire-raise-spot',
          cluster: view.cluster,
          set: view.set,
          group: group.name,
          from: group.desiredCapacity,
          to: s.to,
          tags: { [RETIRE_TAG]: encodeRetireState(s) },
        },
      ],
      status: status('replacing', `raising ${group.name} to ${s.to} again`),
    };
  }
  if (group.inService < s.to) return { actions: [], status: status('replacing', `waiting for ${group.name}: ${group.inService} of ${s.to} InService`) };
  if (!s.readySince) {
    const tags = { [RETIRE_TAG]: encodeRetireState({ ...s, readySince: now.toISOString() }) };
    return {
      actions: [{ kind: 'retire-record-ready', cluster: view.cluster, set: view.set, group: group.name, tags }],
      status: status('replacing', `replacements InService; boot grace until ${new Date(now.getTime() + retire.bootGraceMs).toISOString()}`),
    };
  }
  if (now.getTime() - Date.parse(s.readySince) < retire.bootGraceMs)
    return { actions: [], status: status('replacing', `boot grace until ${new Date(Date.parse(s.readySince) + retire.bootGraceMs).toISOString()}`) };
  const count = s.to - s.from;
  // Instance tags go first: nodes tagged for this batch by a run whose next write was lost are the batch.
  const already = view.nodes.filter((node) => node.tags[RETIRE_BATCH_TAG] === s.batch && node.lifecycleState === 'InService');
  const nodes = [...already, ...candidates.filter((node) => !already.includes(node))].slice(0, count);
  if (nodes.length === 0) return end(view, state.group, 'done', 'no candidate left to retire', [], 0, now, status);
  return { actions: [retireNodes(view, state.group, s, nodes, count, retire, now)], status: status('retiring', `retiring ${nodes.length} node(s)`) };
}

function continueRetiring(
  view: SetView,
  state: { group: string; value: Extract<RetireState, { phase: 'retiring' }> },
  retire: RetirePolicy,
  now: Date,
  status: StatusOf,
): RetireDecision {
  const s = state.value;
  const tagged = view.nodes.filter((node) => node.tags[RETIRE_BATCH_TAG] === s.batch);
  const listed = new Set(tagged.map((node) => node.instanceId));
  const gone = (node: FallbackNode) => node.ec2State !== null && !['pending', 'running'].includes(node.ec2State);
  const started = (node: FallbackNode) =>
    TERMINATING.test(node.lifecycleState) || gone(node) || (view.drainPaths[node.group] === 'bus' && node.tags[SPOT_TAG.drainEvent] === 'published');
  const unstarted = tagged.filter((node) => !started(node));
  const actions: RetireAction[] = [];
  // Drain-bus nodes the consumer drained and terminated, still listed by their group: that exact
  // instance leaves with desired − 1 (no other instance is chosen, no on-demand replacement launched).
  for (const node of tagged) {
    if (view.drainPaths[node.group] === 'bus' && gone(node) && !TERMINATING.test(node.lifecycleState)) {
      actions.push({
        kind: 'retire-finish-drained',
        cluster: view.cluster,
        set: view.set,
        group: node.group,
        instanceId: node.instanceId,
        how: 'terminate-in-group',
        to: null,
      });
    }
  }
  // Dropped by its group already, replacement not launched yet: desired − 1 cancels the launch and
  // terminates nothing. Never below the fallback desired at the start minus the batch.
  let total = sum(view.fallbackGroups.map((group) => group.desiredCapacity));
  const floor = s.fallbackDesired - s.count;
  for (const group of view.fallbackGroups) {
    if (view.drainPaths[group.name] !== 'bus') continue;
    const lower = Math.min(group.desiredCapacity - group.live, total - floor, group.desiredCapacity - group.minSize);
    if (lower <= 0) continue;
    total -= lower;
    actions.push({
      kind: 'retire-finish-drained',
      cluster: view.cluster,
      set: view.set,
      group: group.name,
      instanceId: '',
      how: 'lower-desired',
      to: group.desiredCapacity - lower,
    });
  }
  const spot = view.spotGroups.find((candidate) => candidate.name === state.group);
  const draining = tagged.filter((node) => !gone(node) && !TERMINATING.test(node.lifecycleState));
  const drainTimedOut = unstarted.length === 0 && draining.length > 0 && now.getTime() - Date.parse(s.since) >= retire.drainTimeoutMs;
  const stop =
    stopReason(view, s.batch, s.fallbackDesired, spot, floor) ??
    (drainTimedOut ? `drain not done after ${minutes(retire.drainTimeoutMs)}: nodes handed back` : null);
  // Nodes whose drain has started finish it (their replacements run); only unstarted ones are handed
  // back, and, when the drain consumer did not act in time, the ones it was asked to drain.
  if (stop)
    return abort(
      view,
      state.group,
      stop,
      (drainTimedOut ? draining : unstarted).map((node) => node.instanceId),
      tagged.length - unstarted.length,
      now,
      status,
      actions,
    );
  if (unstarted.length > 0) {
    // A lost write mid-batch: tagged nodes whose termination or drain event did not go out.
    actions.push(retireNodes(view, state.group, s, unstarted, s.count, retire, now, s.since, s.count));
    return { actions, status: status('retiring', `retiring ${unstarted.length} node(s) (resumed)`) };
  }
  const remaining = tagged.filter(
    (node) => !(gone(node) && actions.some((action) => action.kind === 'retire-finish-drained' && action.instanceId === node.instanceId)),
  );
  const stillLive = view.batchLive.filter((id) => !listed.has(id) || remaining.some((node) => node.instanceId === id));
  if (remaining.length === 0 && stillLive.length === 0) return end(view, state.group, 'done', `${s.count} node(s) retired`, [], s.count, now, status, actions);
  return { actions, status: status('retiring', `${s.count - remaining.length} of ${s.count} node(s) gone, the others draining`) };
}

/**
 * The change budget of retirement: per cluster, at most `maxConcurrentBatches` sets in a batch at
 * once; further sets wait (their raise is dropped). Sets are taken in order (cluster, set name).
 */
export function applyRetireBudget(decisions: readonly RetireDecision[], views: readonly SetView[], policy: Policy): RetireDecision[] {
  const limit = retirePolicyOf(policy).maxConcurrentBatches;
  const busy = new Map<string, number>();
  views.forEach((view) => {
    const phase = view.state?.value.phase;
    if (phase === 'replacing' || phase === 'retiring') busy.set(view.cluster, (busy.get(view.cluster) ?? 0) + 1);
  });
  return decisions.map((decision, index) => {
    const view = views[index]!;
    const phase = view.state?.value.phase;
    const starts = phase !== 'replacing' && phase !== 'retiring' && decision.actions.some((action) => action.kind === 'retire-raise-spot');
    if (!starts) return decision;
    const running = busy.get(view.cluster) ?? 0;
    if (running >= limit)
      return {
        actions: [],
        status: {
          ...decision.status,
          stage: 'waiting',
          why: `change budget: ${running} set(s) of ${view.cluster} already in a batch (retire.maxConcurrentBatches: ${limit})`,
        },
      };
    busy.set(view.cluster, running + 1);
    return decision;
  });
}

/** Why a batch under way must stop now, or null. */
function stopReason(view: SetView, batch: string, fallbackDesired: number, spotGroup: GroupView | undefined, floor = fallbackDesired): string | null {
  const out = view.spotGroups.find((group) => group.guard.state !== 'healthy');
  if (out) return `Spot group ${out.name} went ${out.guard.state}`;
  const fallbackOut = view.fallbackGroups.find((group) => group.guard.state === 'suspended' || group.guard.state === 'probing');
  if (fallbackOut) return `fallback group ${fallbackOut.name} went ${fallbackOut.guard.state} (launch failures)`;
  if (view.poolSignal) return "Spot interruptions in the set's pools since the batch began";
  if (view.lastSignalAt && Date.parse(view.lastSignalAt) >= Date.parse(batch)) return `capacity signal at ${view.lastSignalAt}, after the batch began`;
  // Hook nodes leave with desired − 1: while retiring, the fallbacks may sit anywhere between the start minus the batch and the start.
  const desired = sum(view.fallbackGroups.map((group) => group.desiredCapacity));
  if (desired > fallbackDesired && desired > floor) return `cluster-autoscaler raised the fallback groups (desired ${fallbackDesired}→${desired})`;
  if (!spotGroup) return `the Spot group holding the batch left the set`;
  return null;
}

function retireNodes(
  view: SetView,
  group: string,
  s: { batch: string; fallbackDesired: number },
  nodes: FallbackNode[],
  replacements: number,
  retire: RetirePolicy,
  now: Date,
  since?: string,
  count = nodes.length,
): RetireAction {
  const retiring: RetiringNode[] = nodes.map((node) => ({
    instanceId: node.instanceId,
    group: node.group,
    instanceType: node.instanceType,
    nodeName: node.nodeName,
    path: view.drainPaths[node.group] === 'hook' ? 'hook' : 'bus',
  }));
  const prices = nodes.map((node) => retire.onDemandPricePerHour[node.instanceType ?? '']);
  const savingsPerHour = prices.every((price) => price !== undefined) ? Math.round(sum(prices as number[]) * retire.spotDiscount * 100) / 100 : null;
  return {
    kind: 'retire-nodes',
    cluster: view.cluster,
    set: view.set,
    group,
    replacements,
    nodes: retiring,
    batch: s.batch,
    eventBusName: view.drainEventBus,
    savingsPerHour,
    neverRetired: view.fallbackGroups
      .filter((candidate) => view.drainPaths[candidate.name] === 'none' && candidate.live > 0)
      .map((candidate) => candidate.name),
    tags: {
      [RETIRE_TAG]: encodeRetireState({ phase: 'retiring', batch: s.batch, count, fallbackDesired: s.fallbackDesired, since: since ?? now.toISOString() }),
    },
  };
}

function abort(
  view: SetView,
  group: string,
  reason: string,
  untag: string[],
  retired: number,
  now: Date,
  status: StatusOf,
  before: RetireAction[] = [],
): RetireDecision {
  return end(view, group, 'aborted', reason, untag, retired, now, status, before, 'blocked');
}

function end(
  view: SetView,
  group: string,
  outcome: EndBatch['outcome'],
  reason: string,
  untag: string[],
  retired: number,
  now: Date,
  status: StatusOf,
  before: RetireAction[] = [],
  stage: SetStatus['stage'] = 'idle',
): RetireDecision {
  const tags = {
    [RETIRE_TAG]: encodeRetireState(outcome === 'done' ? { phase: 'done', at: now.toISOString() } : { phase: 'aborted', at: now.toISOString(), reason }),
  };
  return {
    actions: [...before, { kind: 'retire-end-batch', cluster: view.cluster, set: view.set, group, outcome, reason, retired, untag, tags }],
    status: status(stage, `batch ${outcome}: ${reason}`),
  };
}

/** On-demand fallback nodes that may go: InService, old enough, not being drained, in a group with a drain path and room above MinSize. Oldest first. */
export function candidateNodes(view: SetView, retire: RetirePolicy, now: Date): FallbackNode[] {
  const room = new Map(view.fallbackGroups.map((group) => [group.name, group.desiredCapacity - group.minSize]));
  const eligible = view.nodes
    .filter((node) => node.lifecycleState === 'InService' && node.market === 'on-demand' && !node.tags[SPOT_TAG.drain])
    .filter((node) => view.drainPaths[node.group] === 'hook' || view.drainPaths[node.group] === 'bus')
    .filter((node) => node.launchTime !== null && now.getTime() - Date.parse(node.launchTime) >= retire.minAgeMs)
    .sort((a, b) => Date.parse(a.launchTime!) - Date.parse(b.launchTime!) || a.instanceId.localeCompare(b.instanceId));
  const chosen: FallbackNode[] = [];
  for (const node of eligible) {
    const left = room.get(node.group) ?? 0;
    if (left <= 0) continue;
    room.set(node.group, left - 1);
    chosen.push(node);
  }
  return chosen;
}

/** At most maxNodes, at most percent of the set's nodes (Spot and fallback, live), at least one. */
export function batchSize(retire: RetirePolicy, setNodes: number): number {
  return Math.max(1, Math.min(retire.batch.maxNodes, Math.floor((setNodes * retire.batch.percent) / 100)));
}

/** The healthy Spot group with the most room below MaxSize (ties: by name). */
function spotTarget(groups: readonly GroupView[]): GroupView | null {
  const open = groups.filter((group) => group.guard.state === 'healthy' && group.maxSize > group.desiredCapacity);
  return open.sort((a, b) => b.maxSize - b.desiredCapacity - (a.maxSize - a.desiredCapacity) || a.name.localeCompare(b.name))[0] ?? null;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}

export const RETIRE_INSTANCE_TAGS = (batch: string): Record<string, string> => ({ [SPOT_TAG.drain]: RETIRE_DRAIN_REASON, [RETIRE_BATCH_TAG]: batch });
