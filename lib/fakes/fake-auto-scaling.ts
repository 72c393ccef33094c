/**
 * A behavioural fake of EC2 Auto Scaling: groups of mixed-instance pools that launch when desired
 * capacity rises, fail in pools that are out of capacity with AWS's own message texts, emit the
 * EventBridge events AWS would, and enforce AWS's size rules (which moto does not). Time comes from
 * an injected clock. Used by scenario tests, `npm start` and the bench.
 */
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../config/duration';
import { GroupNotFoundError } from '../vocabulary/errors';
import type { AutoScalingPort, GroupSizes, ObservedGroup, ObservedInstance, ScalingActivity } from '../ports/auto-scaling';
import type { RetirePort } from '../ports/retire';
import { seededRandom } from '../vocabulary/seeded-random';
import type { Market } from '../vocabulary/signals';
import { LAUNCH_INSTANCES_MAX, type LaunchInstancesPort, type LaunchOutcome, type LaunchRequest } from '../ports/launch-instances';
import { type EventBridgeEvent, launchSuccessfulEvent, launchUnsuccessfulEvent } from './aws-events';
import type { FakeClock } from './clock';

export interface Pool {
  market: Market;
  instanceType: string;
  zone: string;
}

export interface FakeGroupSpec {
  name: string;
  cluster: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  pools: Pool[];
  tags?: Record<string, string>;
  /** When the group was created (ISO); default: now. */
  createdTime?: string;
  /** `vcpu` or `memory-mib` for a weighted group (the fake still launches one instance per unit). */
  desiredCapacityType?: string;
}

interface FakeInstance extends ObservedInstance {
  launchedAt: number;
  pool: Pool;
  /** Terminating:Wait: when the termination hook's handler completes the lifecycle action and it goes. */
  leavesAt?: number;
}

interface FakeGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  pools: Pool[];
  tags: Record<string, string>;
  instances: FakeInstance[];
  createdTime: string;
  desiredCapacityType: string;
  lastAttempt: number;
  nextPool: number;
  /** Every launch fails with this text (a broken launch template, say). */
  brokenWith: string | null;
}

/** An AWS-style API error: `name` is the error code, as the SDK v3 sets it. */
export class FakeAwsError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export interface FakeOptions {
  /** Seconds from launch to InService. */
  bootSeconds?: number;
  /** Seconds between an ASG's launch attempts while it is short of capacity. */
  retrySeconds?: number;
  /** When set, each call waits a pseudo-random 0–4 turns of the event loop (seeded), so concurrent runs interleave differently. */
  jitterSeed?: number;
  /** After a failed launch the next attempt starts from the next pool, so failure events name each zone in turn (default: the same pool again). */
  rotateZonesOnFailure?: boolean;
  /** This account's zone name → AZ ID (zone names map to other physical zones in each account); default: fakeZoneId. */
  zoneIds?: ReadonlyMap<string, string>;
}

const SPOT_ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

export class FakeAutoScaling implements AutoScalingPort, RetirePort, LaunchInstancesPort {
  readonly calls = new Map<string, number>();
  private readonly launchTokens = new Map<string, { fingerprint: string; outcome: LaunchOutcome }>();
  private readonly groups = new Map<string, FakeGroup>();
  private readonly unavailable: Partial<Pool>[] = [];
  private readonly activities: ScalingActivity[] = [];
  private outbox: EventBridgeEvent[] = [];
  private readonly failures: { method: string; error: Error }[] = [];
  private instanceCounter = 0;
  private readonly bootMs: number;
  private readonly retryMs: number;
  private readonly jitter: (() => number) | null;
  private readonly rotateOnFailure: boolean;
  /** When false, AWS "loses" the events (the reconcile backstop must catch the failure). */
  emitEvents = true;
  /** Run at the start of every settle(): other fakes of the same world (EC2) move with the clock. */
  readonly settleHooks: (() => void)[] = [];

  constructor(
    private readonly clock: FakeClock,
    options: FakeOptions = {},
  ) {
    this.bootMs = (options.bootSeconds ?? 90) * 1000;
    this.retryMs = (options.retrySeconds ?? 10) * 1000;
    this.jitter = options.jitterSeed === undefined ? null : seededRandom(options.jitterSeed);
    this.rotateOnFailure = options.rotateZonesOnFailure ?? false;
    const zoneIds = options.zoneIds;
    this.zoneIdOf = zoneIds ? (zone) => zoneIds.get(zone) ?? fakeZoneId(zone) : fakeZoneId;
  }

  private readonly zoneIdOf: (zoneName: string) => string;

  // ---- the world ------------------------------------------------------------------------

  addGroup(spec: FakeGroupSpec): void {
    const now = this.clock.now().getTime();
    const group: FakeGroup = {
      name: spec.name,
      minSize: spec.minSize,
      maxSize: spec.maxSize,
      desiredCapacity: spec.desiredCapacity,
      pools: spec.pools,
      tags: withinTagLimit({ 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${spec.cluster}`]: 'owned', ...spec.tags }),
      instances: [],
      createdTime: spec.createdTime ?? new Date(now).toISOString(),
      desiredCapacityType: spec.desiredCapacityType ?? 'units',
      lastAttempt: Number.NEGATIVE_INFINITY,
      nextPool: 0,
      brokenWith: null,
    };
    // Start with the desired capacity already running and in service.
    for (let i = 0; i < spec.desiredCapacity; i++)
      group.instances.push(this.newInstance(this.pickPool(group, []) ?? spec.pools[0]!, now - this.bootMs, 'InService'));
    this.groups.set(spec.name, group);
  }

  /** Pools matching `match` launch nothing until `capacityBack`. */
  outOfCapacity(match: Partial<Pool>): void {
    this.unavailable.push(match);
  }

  capacityBack(match: Partial<Pool> = {}): void {
    for (let i = this.unavailable.length - 1; i >= 0; i--) {
      if (matches(match, this.unavailable[i]!)) this.unavailable.splice(i, 1);
    }
  }

  /**
   * EC2 takes an instance back (the end of a Spot interruption's two minutes): it leaves its group
   * with desired unchanged, so the group launches a replacement. Returns the group, or null if no
   * group holds the instance any more.
   */
  reclaimInstance(instanceId: string): string | null {
    for (const group of this.groups.values()) {
      const index = group.instances.findIndex((instance) => instance.instanceId === instanceId);
      if (index >= 0) {
        group.instances.splice(index, 1);
        this.settle();
        return group.name;
      }
    }
    return null;
  }

  breakLaunches(groupName: string, statusMessage: string | null): void {
    this.get(groupName).brokenWith = statusMessage;
  }

  /** The next call of `method` throws `error` (throttling, a network cut, ...). */
  failNextCall(method: keyof AutoScalingPort | keyof RetirePort, error: Error): void {
    this.failures.push({ method, error });
  }

  /** Injected failures not yet thrown are dropped (the fault is over). */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** What cluster-autoscaler does: raise desired, never above MaxSize (it never picks a full group). */
  clusterAutoscalerScaleUp(groupName: string, nodes: number): number {
    const group = this.get(groupName);
    const added = Math.max(0, Math.min(nodes, group.maxSize - group.desiredCapacity));
    group.desiredCapacity += added;
    this.settle();
    return added;
  }

  view(groupName: string): ObservedGroup {
    return toObserved(this.get(groupName), this.zoneIdOf);
  }

  /** A group's instances counted without copying it (the simulator reads this every virtual second). */
  instanceCounts(groupName: string): { inService: number; total: number } {
    const { instances } = this.get(groupName);
    let inService = 0;
    for (const instance of instances) if (instance.lifecycleState === 'InService') inService += 1;
    return { inService, total: instances.length };
  }

  /** Events emitted since the last call, oldest first. */
  takeEvents(): EventBridgeEvent[] {
    const events = this.outbox;
    this.outbox = [];
    return events;
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  resetCallCounts(): void {
    this.calls.clear();
  }

  /** Move time on, letting groups boot instances and retry launches as they would. */
  advance(by: string | number): void {
    const ms = typeof by === 'number' ? by : parseDuration(by);
    if (ms === null) throw new Error(`cannot advance by ${JSON.stringify(by)}`);
    const end = this.clock.now().getTime() + ms;
    while (this.clock.now().getTime() < end) {
      this.clock.advance(Math.min(1000, end - this.clock.now().getTime()));
      this.settle();
    }
  }

  /** One pass of what the ASGs do at this instant. */
  settle(): void {
    for (const hook of this.settleHooks) hook();
    const now = this.clock.now().getTime();
    for (const group of this.groups.values()) {
      for (const instance of group.instances) {
        if (instance.lifecycleState === 'Pending' && now - instance.launchedAt >= this.bootMs) instance.lifecycleState = 'InService';
      }
      // Instances terminating (held by a termination hook) no longer count towards desired.
      group.instances = group.instances.filter((instance) => instance.leavesAt === undefined || instance.leavesAt > now);
      const staying = group.instances.filter((instance) => instance.leavesAt === undefined);
      const live = staying.length;
      if (live > group.desiredCapacity) {
        const leaving = new Set(staying.slice(0, live - group.desiredCapacity));
        group.instances = group.instances.filter((instance) => !leaving.has(instance));
      }
      if (live < group.desiredCapacity && now - group.lastAttempt >= this.retryMs) this.launch(group, group.desiredCapacity - live, now);
    }
  }

  // ---- the AutoScalingPort ----------------------------------------------------------------

  async describeGroups(clusterNames: readonly string[]): Promise<ObservedGroup[]> {
    await this.enter('describeGroups');
    const keys = clusterNames.map((name) => `k8s.io/cluster-autoscaler/${name}`);
    return [...this.groups.values()]
      .filter((group) => group.tags['k8s.io/cluster-autoscaler/enabled'] === 'true' && keys.some((key) => key in group.tags))
      .map((group) => toObserved(group, this.zoneIdOf));
  }

  async describeGroupsWithTagKeys(tagKeys: readonly string[]): Promise<ObservedGroup[]> {
    await this.enter('describeGroupsWithTagKeys');
    return [...this.groups.values()]
      .filter((group) => group.tags['k8s.io/cluster-autoscaler/enabled'] === 'true' && tagKeys.some((key) => key in group.tags))
      .map((group) => toObserved(group, this.zoneIdOf));
  }

  /** An operator (or another tool) changes a group's sizes by hand: no call counted, no checks. */
  setSizesByHand(groupName: string, sizes: GroupSizes): void {
    Object.assign(this.get(groupName), sizes);
    this.settle();
  }

  /** An operator edits a group's tags in the console: no call counted (`null` deletes the key). */
  tagByHand(groupName: string, tags: Record<string, string | null>): void {
    const group = this.get(groupName);
    const after = { ...group.tags };
    for (const [key, value] of Object.entries(tags)) {
      if (value === null) delete after[key];
      else after[key] = value;
    }
    group.tags = withinTagLimit(after);
  }

  async updateSizes(groupName: string, sizes: GroupSizes): Promise<void> {
    await this.enter('updateSizes');
    const group = this.get(groupName);
    const minSize = sizes.minSize ?? group.minSize;
    const maxSize = sizes.maxSize ?? group.maxSize;
    if (minSize > maxSize) throw new FakeAwsError('ValidationError', `Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`);
    // UpdateAutoScalingGroup: without an explicit desired, a new Min/Max pulls desired into range.
    const desiredCapacity = sizes.desiredCapacity ?? Math.min(maxSize, Math.max(minSize, group.desiredCapacity));
    if (desiredCapacity < minSize || desiredCapacity > maxSize) {
      throw new FakeAwsError(
        'ValidationError',
        `Desired capacity:${desiredCapacity} must be between the specified min size:${minSize} and max size:${maxSize}`,
      );
    }
    Object.assign(group, { minSize, maxSize, desiredCapacity });
    this.settle();
  }

  /**
   * LaunchInstances (lib/ports/launch-instances.ts) as AWS documents it: one zone, ≤ 100, not for an
   * on-demand/Spot split, idempotent per client token. Launched instances count in desired (the
   * docs' retry strategy "increase desired capacity" implies it; not confirmed), never past MaxSize.
   * Each pool of the zone that is out answers InsufficientInstanceCapacity.
   */
  async launchInstances(request: LaunchRequest): Promise<LaunchOutcome> {
    await this.enter('launchInstances');
    const fingerprint = JSON.stringify([request.group, request.count, request.zone]);
    const earlier = this.launchTokens.get(request.clientToken);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint)
        throw new FakeAwsError('IdempotentParameterMismatch', `Client token ${request.clientToken} was used with other parameters.`);
      return earlier.outcome;
    }
    const group = this.get(request.group);
    if (request.count < 1 || request.count > LAUNCH_INSTANCES_MAX)
      throw new FakeAwsError('ValidationError', `RequestedCapacity must be between 1 and ${LAUNCH_INSTANCES_MAX}.`);
    if (new Set(group.pools.map((pool) => pool.market)).size > 1)
      throw new FakeAwsError('ValidationError', 'LaunchInstances does not support groups that mix On-Demand and Spot Instances.');
    const inZone = group.pools.filter((pool) => ('id' in request.zone ? this.zoneIdOf(pool.zone) === request.zone.id : pool.zone === request.zone.name));
    if (inZone.length === 0)
      throw new FakeAwsError('ValidationError', `The Availability Zone ${JSON.stringify(request.zone)} is not part of group ${group.name}.`);
    const room = group.maxSize - group.desiredCapacity;
    if (room <= 0) throw new FakeAwsError('ValidationError', `Group ${group.name} is at its MaxSize (${group.maxSize}).`);
    const now = this.clock.now().getTime();
    const open = inZone.filter((pool) => !this.unavailable.some((match) => matches(match, pool)));
    const launched = new Map<Pool, string[]>();
    for (let index = 0; index < Math.min(request.count, room) && open.length > 0; index++) {
      const pool = open[index % open.length]!;
      const instance = this.newInstance(pool, now, 'Pending');
      group.instances.push(instance);
      launched.set(pool, [...(launched.get(pool) ?? []), instance.instanceId]);
    }
    group.desiredCapacity += [...launched.values()].reduce((sum, ids) => sum + ids.length, 0);
    const poolOf = (pool: Pool) => ({ instanceType: pool.instanceType, market: pool.market, zoneName: pool.zone, zoneId: this.zoneIdOf(pool.zone) });
    const outcome: LaunchOutcome = {
      launched: [...launched].map(([pool, instanceIds]) => ({ ...poolOf(pool), instanceIds })),
      errors: inZone
        .filter((pool) => !open.includes(pool))
        .map((pool) => ({ ...poolOf(pool), code: 'InsufficientInstanceCapacity', message: iceMessage(pool, group.pools) })),
    };
    this.launchTokens.set(request.clientToken, { fingerprint, outcome });
    return outcome;
  }

  async setDesiredCapacity(groupName: string, desired: number): Promise<void> {
    await this.enter('setDesiredCapacity');
    const group = this.get(groupName);
    if (desired > group.maxSize)
      throw new FakeAwsError('ValidationError', `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`);
    if (desired < group.minSize)
      throw new FakeAwsError('ValidationError', `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`);
    group.desiredCapacity = desired;
    this.settle();
  }

  async putTags(groupName: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length === 0) return;
    await this.enter('putTags');
    if (Object.keys(tags).length > 25) throw new FakeAwsError('ValidationError', 'CreateOrUpdateTags takes at most 25 tags per call.');
    const group = this.get(groupName);
    const after = withinTagLimit({ ...group.tags, ...tags });
    for (const [key, value] of Object.entries(tags)) {
      if (value.length > 256) throw new FakeAwsError('ValidationError', `Tag value for ${key} is longer than 256 characters`);
    }
    group.tags = after;
  }

  async deleteTags(groupName: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.enter('deleteTags');
    const group = this.get(groupName);
    for (const key of keys) delete group.tags[key];
  }

  async scalingActivities(groupName: string, since: Date): Promise<ScalingActivity[]> {
    await this.enter('scalingActivities');
    this.get(groupName);
    return this.activities
      .filter((activity) => activity.autoScalingGroupName === groupName && Date.parse(activity.startTime) >= since.getTime())
      .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
  }

  // ---- the RetirePort (termination hooks, targeted termination) ----------------------------

  /**
   * The group gets an autoscaling:EC2_INSTANCE_TERMINATING hook whose handler (aws-node-termination-handler
   * in queue mode) drains the node and completes the lifecycle action `drainSeconds` after it fires.
   */
  addTerminationHook(groupName: string, name = 'nth-drain', drainSeconds = 60): void {
    this.get(groupName);
    this.hooks.set(groupName, { name, drainMs: drainSeconds * 1000 });
  }

  async terminationHooks(groupName: string): Promise<string[]> {
    await this.enter('terminationHooks');
    this.get(groupName);
    const hook = this.hooks.get(groupName);
    return hook ? [hook.name] : [];
  }

  /** TerminateInstanceInAutoScalingGroup: AWS's MinSize refusal (verbatim); gone or already terminating counts as done. */
  async terminateInGroup(instanceId: string, decrementDesired: boolean): Promise<void> {
    await this.enter('terminateInGroup');
    this.terminateNow(instanceId, decrementDesired);
  }

  /** The same, uncounted: what cluster-autoscaler's scale-down calls in the simulator. Returns false when AWS refuses or the instance is gone. */
  terminateNow(instanceId: string, decrementDesired: boolean): boolean {
    const group = [...this.groups.values()].find((candidate) => candidate.instances.some((instance) => instance.instanceId === instanceId));
    const instance = group?.instances.find((candidate) => candidate.instanceId === instanceId);
    if (!group || !instance || instance.leavesAt !== undefined) return false;
    if (decrementDesired && group.desiredCapacity - 1 < group.minSize) {
      throw new FakeAwsError(
        'ValidationError',
        `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    if (decrementDesired) group.desiredCapacity -= 1;
    const hook = this.hooks.get(group.name);
    const now = this.clock.now().getTime();
    instance.lifecycleState = hook ? 'Terminating:Wait' : 'Terminating';
    instance.leavesAt = now + (hook ? hook.drainMs : 0);
    this.settle();
    return true;
  }

  private readonly hooks = new Map<string, { name: string; drainMs: number }>();

  // ---- for the spot fakes (lib/fakes/fake-ec2.ts) ---------------------------------------------

  /** Every instance of every group, with its group and pool. */
  allInstances(): { group: string; groupTags: Record<string, string>; instanceId: string; lifecycleState: string; pool: Pool; launchedAt: number }[] {
    return [...this.groups.values()].flatMap((group) =>
      group.instances.map((instance) => ({
        group: group.name,
        groupTags: { ...group.tags },
        instanceId: instance.instanceId,
        lifecycleState: instance.lifecycleState,
        pool: instance.pool,
        launchedAt: instance.launchedAt,
      })),
    );
  }

  /** EC2 reclaimed the instance: it leaves its group, which launches a replacement (desired is unchanged). */
  removeInstance(instanceId: string): boolean {
    for (const group of this.groups.values()) {
      const index = group.instances.findIndex((instance) => instance.instanceId === instanceId);
      if (index >= 0) {
        group.instances.splice(index, 1);
        return true;
      }
    }
    return false;
  }

  /**
   * DetachInstances (up to 20 ids a call, as the API): the instances leave the group and keep
   * running; without decrementing desired, the group launches replacements at once.
   */
  async detachInstances(groupName: string, instanceIds: readonly string[], shouldDecrementDesiredCapacity = false): Promise<void> {
    for (let start = 0; start < instanceIds.length; start += 20) {
      await this.enter('detachInstances');
      const group = this.get(groupName);
      // AWS refuses the whole call for one instance not in the group, or neither InService nor Standby (moto does not).
      for (const instanceId of instanceIds.slice(start, start + 20)) {
        const state = group.instances.find((instance) => instance.instanceId === instanceId)?.lifecycleState;
        if (state === undefined) throw new FakeAwsError('ValidationError', `The instance ${instanceId} is not part of Auto Scaling group ${groupName}.`);
        if (state !== 'InService' && state !== 'Standby')
          throw new FakeAwsError('ValidationError', `The instance ${instanceId} is not in InService or Standby.`);
      }
      for (const instanceId of instanceIds.slice(start, start + 20)) {
        const index = group.instances.findIndex((instance) => instance.instanceId === instanceId);
        const [instance] = group.instances.splice(index, 1);
        this.detached.push({ group: groupName, groupTags: { ...group.tags }, instance: instance! });
        if (shouldDecrementDesiredCapacity) group.desiredCapacity = Math.max(group.minSize, group.desiredCapacity - 1);
      }
    }
    // The group notices at once that it runs fewer than desired.
    this.get(groupName).lastAttempt = Number.NEGATIVE_INFINITY;
    this.settle();
  }

  /** Instances detached from their groups (still running, outside any group). */
  detachedInstances(): { group: string; groupTags: Record<string, string>; instanceId: string; pool: Pool }[] {
    return this.detached.map(({ group, groupTags, instance }) => ({ group, groupTags, instanceId: instance.instanceId, pool: instance.pool }));
  }

  private readonly detached: { group: string; groupTags: Record<string, string>; instance: FakeInstance }[] = [];

  // ---- internals -------------------------------------------------------------------------

  /** Counts the call, lets other invocations run (as a network round trip would), injects failures. */
  private async enter(method: string): Promise<void> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const turns = this.jitter ? Math.floor(this.jitter() * 5) : 1;
    for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
    const index = this.failures.findIndex((failure) => failure.method === method);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw failure!.error;
    }
  }

  private get(name: string): FakeGroup {
    const group = this.groups.get(name);
    if (!group) throw new GroupNotFoundError(name);
    return group;
  }

  private launch(group: FakeGroup, missing: number, now: number): void {
    group.lastAttempt = now;
    const time = new Date(now).toISOString();
    let launched = 0;
    for (let i = 0; i < missing; i++) {
      const pool = group.brokenWith ? null : this.pickPool(group, this.unavailable);
      if (!pool) break;
      const instance = this.newInstance(pool, now, 'Pending');
      group.instances.push(instance);
      launched += 1;
      this.record(group, time, 'Successful', '', `Launching a new EC2 instance: ${instance.instanceId}`, pool.zone);
      if (this.emitEvents) this.outbox.push(launchSuccessfulEvent({ group: group.name, time, zone: pool.zone, instanceId: instance.instanceId }));
    }
    if (launched < missing) {
      const pool = group.pools[group.nextPool % group.pools.length]!;
      // The next attempt tries the next zone, as Auto Scaling does after a failure in one.
      if (this.rotateOnFailure) group.nextPool = (group.nextPool + 1) % group.pools.length;
      const message = group.brokenWith ?? iceMessage(pool, group.pools);
      const activityId = this.record(group, time, 'Failed', message, `Launching a new EC2 instance.  Status Reason: ${message}`, pool.zone);
      if (this.emitEvents) this.outbox.push(launchUnsuccessfulEvent({ group: group.name, time, zone: pool.zone, statusMessage: message, activityId }));
    }
  }

  private pickPool(group: FakeGroup, unavailable: readonly Partial<Pool>[]): Pool | null {
    for (let i = 0; i < group.pools.length; i++) {
      const pool = group.pools[(group.nextPool + i) % group.pools.length]!;
      if (!unavailable.some((match) => matches(match, pool))) {
        group.nextPool = (group.nextPool + i + 1) % group.pools.length;
        return pool;
      }
    }
    return null;
  }

  private newInstance(pool: Pool, launchedAt: number, lifecycleState: string): FakeInstance {
    this.instanceCounter += 1;
    return {
      instanceId: `i-${this.instanceCounter.toString(16).padStart(17, '0')}`,
      lifecycleState,
      availabilityZone: pool.zone,
      instanceType: pool.instanceType,
      healthStatus: 'Healthy',
      launchedAt,
      pool,
    };
  }

  private record(group: FakeGroup, time: string, statusCode: string, statusMessage: string, description: string, zone: string): string {
    const activityId = randomUUID();
    this.activities.push({
      activityId,
      autoScalingGroupName: group.name,
      statusCode,
      statusMessage,
      cause: `At ${time} an instance was started in response to a difference between desired and actual capacity.`,
      description,
      startTime: time,
      details: JSON.stringify({ 'Subnet ID': 'subnet-0fake', 'Availability Zone': zone }),
    });
    return activityId;
  }
}

function iceMessage(pool: Pool, pools: readonly Pool[]): string {
  if (pool.market === 'spot') return SPOT_ICE;
  const others = [...new Set(pools.map((candidate) => candidate.zone).filter((zone) => zone !== pool.zone))];
  return `We currently do not have sufficient ${pool.instanceType} capacity in the Availability Zone you requested (${pool.zone}). Our system will be working on provisioning additional capacity. You can currently get ${pool.instanceType} capacity by not specifying an Availability Zone in your request${others.length ? ` or choosing ${others.join(', ')}` : ''}. Launching EC2 instance failed.`;
}

function matches(match: Partial<Pool>, pool: Partial<Pool>): boolean {
  return (Object.keys(match) as (keyof Pool)[]).every((key) => match[key] === undefined || match[key] === pool[key]);
}

/** eu-west-3a → euw3-az1: a fixed mapping here; in AWS it differs per account, hence AZ IDs. */
export function fakeZoneId(zoneName: string): string {
  const match = /^([a-z]{2})-([a-z])[a-z]*-(\d+)([a-z])$/.exec(zoneName);
  if (!match) return `${zoneName}-id`;
  return `${match[1]}${match[2]}${match[3]}-az${match[4]!.charCodeAt(0) - 96}`;
}

function toObserved(group: FakeGroup, zoneIdOf: (zoneName: string) => string): ObservedGroup {
  const markets = [...new Set(group.pools.map((pool) => pool.market))];
  const zones = [...new Set(group.pools.map((pool) => pool.zone))];
  return {
    name: group.name,
    minSize: group.minSize,
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    instances: group.instances.map(({ instanceId, lifecycleState, availabilityZone, instanceType, healthStatus }) => ({
      instanceId,
      lifecycleState,
      availabilityZone,
      instanceType,
      healthStatus,
    })),
    tags: { ...group.tags },
    createdTime: group.createdTime,
    availabilityZones: zones,
    launch: {
      instanceTypes: [...new Set(group.pools.map((pool) => pool.instanceType))],
      market: markets.length === 1 ? markets[0]! : 'mixed',
      availabilityZoneIds: zones.map(zoneIdOf),
      launchTemplate: true,
    },
    desiredCapacityType: group.desiredCapacityType,
  };
}

/** AWS refuses a group's 51st tag, whoever writes it (console, CreateAutoScalingGroup, CreateOrUpdateTags): the whole call fails. */
function withinTagLimit(tags: Record<string, string>): Record<string, string> {
  if (Object.keys(tags).length > 50) throw new FakeAwsError('LimitExceeded', 'The quota for tags on an Auto Scaling group (50) has been reached.');
  return tags;
}
