/**
 * A MODEL of cluster-autoscaler's scale-up on AWS, written from CA's code (lib/sim/ca-versions.ts
 * cites the file and function of every behaviour), not cluster-autoscaler itself. It runs in both
 * strategies: alone it is the baseline; with capacity-guard it still picks groups by priority, and
 * skips the groups capacity-guard took out of rotation once its ASG cache shows them.
 *
 * One `runOnce` is one pass of CA's main loop (core/static_autoscaler.go RunOnce), in CA's order:
 * refresh the ASG cache when due → update cluster state (placeholder timers, request timeouts,
 * creation errors) → remove long-unregistered placeholders → delete placeholders with errors →
 * scale up. Nodes are whole: demand is counted in nodes, not pods.
 */
import type { FakeAutoScaling } from '../fakes/fake-auto-scaling';
import { type PriorityRule, priorityOf } from '../cluster-autoscaler/expander';
import { type Random, pick } from '../vocabulary/seeded-random';
import { CA_BEHAVIOURS, type CaBehaviours, type CaParameters, type CaVersion } from './ca-versions';

export interface ClusterAutoscalerModel extends CaParameters {
  version: CaVersion;
  /** When the ASG cache is first refreshed after the scenario's start (0 ≤ phase < cacheRefresh). */
  cachePhase: number;
}

/** The model's ASG cache entry (auto_scaling_groups.go `asg` + its instances). */
interface CachedGroup {
  minSize: number;
  maxSize: number;
  /** asg.curSize: desired as last read or written by CA. */
  curSize: number;
  /** asg.lastUpdateTime: CA's last SetDesiredCapacity on the group. */
  lastUpdateTime: number;
  /** Real instance ids the cache lists. */
  instances: string[];
  placeholders: number;
  unfulfillable: boolean;
  /** Unfulfillable placeholders not yet handled by handleInstanceCreationErrors. */
  unseenErrors: number;
}

interface ScaleUpRequest {
  increase: number;
  expectedAddTime: number;
}

interface Backoff {
  duration: number;
  until: number;
  lastFailure: number;
}

export interface ClusterAutoscalerWorld {
  aws: FakeAutoScaling;
  groups: readonly string[];
  rules: readonly PriorityRule[];
  random: Random;
  /** Nodes the pending pods need in total (registered included). */
  demand: () => number;
  /**
   * Applications whose pods fit only their own groups (node selectors); absent or empty: every pod
   * fits every group. CA builds a scale-up option per group for the pods that fit it and the
   * expander picks one option per loop (scale_up_orchestrator.go ScaleUp; no --parallel-scale-up),
   * so applications pending together share the loop's one scale-up.
   */
  applications?: readonly { groups: readonly string[]; demand: () => number }[];
  say: (text: string) => void;
}

export class ClusterAutoscaler {
  private readonly cache = new Map<string, CachedGroup>();
  private lastRefresh: number;
  /** Node name → the loop it was first seen unregistered (clusterstate unregisteredNodes). */
  private readonly unregisteredSince = new Map<string, number>();
  private readonly requests = new Map<string, ScaleUpRequest>();
  private readonly backoffs = new Map<string, Backoff>();
  private readonly behaviours: CaBehaviours;
  private stuckSaid = false;
  /** longUnregistered per group within one loop (cleared when the loop starts and when the cache changes). */
  private readonly longMemo = new Map<string, string[]>();
  /** When a scale-up last resized a group (StaticAutoscaler.lastScaleUpTime): the scale-down model's --scale-down-delay-after-add counts from it. */
  private lastScaleUp: number | null = null;

  constructor(
    private readonly model: ClusterAutoscalerModel,
    private readonly world: ClusterAutoscalerWorld,
    start: number,
  ) {
    this.behaviours = CA_BEHAVIOURS[model.version];
    this.lastRefresh = start + model.cachePhase - model.cacheRefresh;
  }

  /** When a scale-up last resized a group (epoch ms), null if never. */
  get lastScaleUpAt(): number | null {
    return this.lastScaleUp;
  }

  /** One pass of CA's main loop at `now`. */
  async runOnce(now: number): Promise<void> {
    this.longMemo.clear();
    // aws_manager.go Refresh: regenerate when lastRefresh + refreshInterval is not after now.
    if (this.lastRefresh + this.model.cacheRefresh <= now) await this.refresh(now);
    // CA has been running before the scenario: its cache holds the world as the last refresh before the start saw it.
    else if (this.cache.size === 0) await this.refresh(this.lastRefresh);
    const ready = this.readyNodes();
    this.updateUnregistered(now, ready);
    await this.updateScaleRequests(now, ready);
    this.handleInstanceCreationErrors(now, ready);
    // 1.23 ends the loop after removing unregistered nodes: the scale-up waits for the next one.
    if ((await this.removeLongUnregistered(now)) && this.behaviours.removalSkipsIteration) return;
    // Since 1.24 the scale-up follows the abort in the same loop.
    await this.deleteNodesWithErrors(now);
    await this.scaleUp(now, ready);
  }

  /** asgCache.regenerate + createPlaceholdersForDesiredNonStartedInstances (+ isNodeGroupAvailable since 1.24). */
  private async refresh(now: number): Promise<void> {
    for (const name of this.world.groups) {
      const view = this.world.aws.view(name);
      const previous = this.cache.get(name);
      const lastUpdateTime = previous?.lastUpdateTime ?? Number.NEGATIVE_INFINITY;
      const placeholders = Math.max(0, view.desiredCapacity - view.instances.length);
      const unfulfillable = placeholders > 0 && this.behaviours.earlyAbort && (await this.failedSince(name, lastUpdateTime));
      if (unfulfillable)
        this.world.say(
          `cache refresh: ${name} has ${placeholders} placeholder(s) and a Failed scaling activity since CA's resize: placeholder-cannot-be-fulfilled`,
        );
      this.cache.set(name, {
        minSize: view.minSize,
        maxSize: view.maxSize,
        curSize: view.desiredCapacity,
        lastUpdateTime,
        instances: view.instances.map((instance) => instance.instanceId),
        placeholders,
        unfulfillable,
        // Only placeholders not already in error at the previous refresh are new errors.
        unseenErrors: unfulfillable ? placeholders - (previous?.unfulfillable ? previous.placeholders : 0) : 0,
      });
    }
    this.lastRefresh = now;
  }

  /** isNodeGroupAvailable: a Failed activity that started at or after lastUpdateTime (activities come newest first; older ones stop the scan). A group CA never resized has a zero lastUpdateTime: every activity counts. */
  private async failedSince(group: string, lastUpdateTime: number): Promise<boolean> {
    const activities = await this.world.aws.scalingActivities(group, new Date(Math.max(0, lastUpdateTime)));
    return activities.some((activity) => activity.statusCode === 'Failed');
  }

  /** Registered nodes per group: the Kubernetes node list is live, not cached. */
  private readyNodes(): Map<string, Set<string>> {
    return new Map(
      this.world.groups.map((name) => [
        name,
        new Set(
          this.world.aws
            .view(name)
            .instances.filter((instance) => instance.lifecycleState === 'InService')
            .map((instance) => instance.instanceId),
        ),
      ]),
    );
  }

  /** getNotRegisteredNodes + updateUnregisteredNodes: each expected node keeps the time it was first seen. */
  private updateUnregistered(now: number, ready: ReadonlyMap<string, ReadonlySet<string>>): void {
    const seen = new Set<string>();
    for (const [name, group] of this.cache) {
      for (const id of group.instances) if (!ready.get(name)?.has(id)) seen.add(id);
      // Placeholders with an error are not expected to register (clusterstate.go expectedToRegister).
      if (!group.unfulfillable) for (let i = group.instances.length; i < group.instances.length + group.placeholders; i++) seen.add(placeholderName(name, i));
    }
    for (const id of [...this.unregisteredSince.keys()]) if (!seen.has(id)) this.unregisteredSince.delete(id);
    for (const id of seen) if (!this.unregisteredSince.has(id)) this.unregisteredSince.set(id, now);
  }

  /** updateReadinessStats: unregistered for longer than max-node-provision-time. */
  private longUnregistered(name: string, now: number): string[] {
    const memo = this.longMemo.get(name);
    if (memo) return memo;
    const group = this.cached(name);
    const ids = [
      ...group.instances,
      ...(group.unfulfillable ? [] : Array.from({ length: group.placeholders }, (_, k) => placeholderName(name, group.instances.length + k))),
    ];
    const long = ids.filter((id) => {
      const since = this.unregisteredSince.get(id);
      return since !== undefined && since + this.model.maxNodeProvisionTime < now;
    });
    this.longMemo.set(name, long);
    return long;
  }

  /** calculateUpcomingNodesInNodeGroup: target − (ready + long unregistered). */
  private upcoming(name: string, now: number, ready: ReadonlyMap<string, ReadonlySet<string>>): number {
    return this.cached(name).curSize - ((ready.get(name)?.size ?? 0) + this.longUnregistered(name, now).length);
  }

  /** updateScaleRequests: completed requests end; those past ExpectedAddTime time out (backoff, 1.36: revert). */
  private async updateScaleRequests(now: number, ready: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    for (const [name, request] of [...this.requests]) {
      if (this.upcoming(name, now, ready) <= 0) {
        this.requests.delete(name);
        if (this.behaviours.successClearsBackoff) this.backoffs.delete(name);
        continue;
      }
      if (!(request.expectedAddTime < now)) continue;
      this.requests.delete(name);
      const backoff = this.backOff(name, now);
      this.world.say(`scale-up of ${name} timed out (${span(this.model.maxNodeProvisionTime)}): group backed off ${Math.round(backoff / 60_000)} min`);
      if (!this.behaviours.revertTimedOutScaleUp) continue;
      // AwsNodeGroup.DecreaseTargetSize refuses to go below the nodes the cache lists, placeholders included.
      const group = this.cached(name);
      if (group.curSize - request.increase < group.instances.length + group.placeholders) continue;
      await this.setSize(name, group.curSize - request.increase, now);
    }
  }

  /** handleInstanceCreationErrorsForNodeGroup: new unfulfillable placeholders of a group scaling up → backoff. */
  private handleInstanceCreationErrors(now: number, ready: ReadonlyMap<string, ReadonlySet<string>>): void {
    for (const [name, group] of this.cache) {
      if (group.unseenErrors <= 0) continue;
      const errors = group.unseenErrors;
      group.unseenErrors = 0;
      const request = this.requests.get(name);
      if (!request || this.upcoming(name, now, ready) <= 0) continue;
      request.increase -= errors;
      if (request.increase <= 0) this.requests.delete(name);
      const backoff = this.backOff(name, now);
      this.world.say(`scale-up of ${name} failed (placeholder-cannot-be-fulfilled): group backed off ${Math.round(backoff / 60_000)} min`);
    }
  }

  /** removeOldUnregisteredNodes: long-unregistered placeholders go (no backoff), never below MinSize. True when any went. */
  private async removeLongUnregistered(now: number): Promise<boolean> {
    let removed = false;
    for (const [name, group] of this.cache) {
      const old = this.longUnregistered(name, now).filter((id) => isPlaceholder(id)).length;
      const removable = Math.min(old, group.curSize - group.minSize);
      if (removable <= 0) continue;
      this.world.say(`${removable} placeholder(s) of ${name} unregistered for over ${span(this.model.maxNodeProvisionTime)}: removed (no backoff)`);
      await this.deletePlaceholders(name, removable, now);
      removed = true;
    }
    return removed;
  }

  /** deleteCreatedNodesWithErrors: unfulfillable placeholders are deleted. */
  private async deleteNodesWithErrors(now: number): Promise<void> {
    for (const [name, group] of this.cache) {
      if (!group.unfulfillable || group.placeholders === 0 || group.curSize <= group.minSize) continue;
      await this.deletePlaceholders(name, group.placeholders, now);
      group.unfulfillable = false;
    }
  }

  /** asgCache.DeleteInstances for placeholders, then AwsManager.DeleteInstances forces a refresh on the next loop. */
  private async deletePlaceholders(name: string, count: number, now: number): Promise<void> {
    const group = this.cached(name);
    const to = this.behaviours.placeholderDeleteSetsActiveCount ? this.world.aws.view(name).instances.length : group.curSize - count;
    const from = group.curSize;
    if (await this.setSize(name, to, now)) this.world.say(`${name}: desired ${from}→${to} (placeholders deleted); cache refresh on the next loop`);
    group.placeholders = Math.max(0, group.placeholders - count);
    this.longMemo.delete(name);
    this.lastRefresh = now - this.model.cacheRefresh;
  }

  /** The priority expander's scale-up of one group for the pods that upcoming nodes do not cover. */
  private async scaleUp(now: number, ready: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    const pending = this.applications()
      .map((application) => ({
        groups: application.groups,
        unmet: application.demand() - application.groups.reduce((sum, name) => sum + (ready.get(name)?.size ?? 0) + this.countedUpcoming(name, now, ready), 0),
      }))
      .filter((application) => application.unmet > 0);
    if (pending.length === 0) {
      this.stuckSaid = false;
      return;
    }
    const group = this.choose(
      now,
      pending.flatMap((application) => application.groups),
    );
    if (!group) {
      const stuck = pending.reduce((sum, application) => sum + application.unmet, 0);
      if (!this.stuckSaid) this.world.say(`${stuck} node(s) of pending pods, but every group is at MaxSize or backed off`);
      this.stuckSaid = true;
      return;
    }
    this.stuckSaid = false;
    const unmet = pending.find((application) => application.groups.includes(group))!.unmet;
    const cached = this.cached(group);
    const from = cached.curSize;
    const to = from + Math.min(unmet, cached.maxSize - from);
    if (!(await this.setSize(group, to, now))) {
      // executeScaleUp: a refused resize is a failed scale-up.
      const backoff = this.backOff(group, now);
      this.world.say(`scale-up of ${group} failed (resize refused): group backed off ${Math.round(backoff / 60_000)} min`);
      return;
    }
    this.world.say(`scale up ${group}: desired ${from}→${to} (${unmet} node(s) of pending pods)`);
    this.lastScaleUp = now;
    // registerOrUpdateScaleUpNoLock: adding nodes to a waiting group shifts its ExpectedAddTime.
    const request = this.requests.get(group);
    this.requests.set(group, { increase: (request?.increase ?? 0) + (to - from), expectedAddTime: now + this.model.maxNodeProvisionTime });
  }

  /** GetUpcomingNodes: since 1.36 a group without a request or in backoff contributes nothing. */
  private countedUpcoming(name: string, now: number, ready: ReadonlyMap<string, ReadonlySet<string>>): number {
    const upcoming = this.upcoming(name, now, ready);
    if (upcoming <= 0) return 0;
    if (this.behaviours.skipUpcomingOfBackedOff && (!this.requests.has(name) || this.isBackedOff(name, now))) return 0;
    return upcoming;
  }

  /** setAsgSizeNoLock: SetDesiredCapacity, then curSize and lastUpdateTime. False when AWS refused. */
  private async setSize(name: string, size: number, now: number): Promise<boolean> {
    const group = this.cached(name);
    try {
      await this.world.aws.setDesiredCapacity(name, size);
    } catch (error) {
      this.world.say(`SetDesiredCapacity ${name} → ${size} refused (${(error as Error).message})`);
      return false;
    }
    group.curSize = size;
    group.lastUpdateTime = now;
    return true;
  }

  private cached(name: string): CachedGroup {
    let group = this.cache.get(name);
    if (!group) {
      group = {
        minSize: 0,
        maxSize: 0,
        curSize: 0,
        lastUpdateTime: Number.NEGATIVE_INFINITY,
        instances: [],
        placeholders: 0,
        unfulfillable: false,
        unseenErrors: 0,
      };
      this.cache.set(name, group);
    }
    return group;
  }

  private isBackedOff(name: string, now: number): boolean {
    // exponential_backoff.go BackoffStatus: backed off unless backoffUntil is before now.
    return (this.backoffs.get(name)?.until ?? Number.NEGATIVE_INFINITY) >= now;
  }

  /** The applications of the world, or one holding every group. */
  private applications(): readonly { groups: readonly string[]; demand: () => number }[] {
    return this.world.applications?.length ? this.world.applications : [{ groups: this.world.groups, demand: this.world.demand }];
  }

  /** The priority expander among the groups the pending pods fit. */
  private choose(now: number, fitting: readonly string[]): string | null {
    const candidates = fitting.filter((name) => {
      const cached = this.cached(name);
      return cached.curSize < cached.maxSize && !this.isBackedOff(name, now);
    });
    const priorities = new Map(candidates.map((name) => [name, priorityOf(this.world.rules, name)]));
    const matched = candidates.filter((name) => priorities.get(name) !== null);
    // The expander uses every group when no group matches a pattern.
    const pool = matched.length > 0 ? matched : candidates;
    if (pool.length === 0) return null;
    const best = Math.max(...pool.map((name) => priorities.get(name) ?? 0));
    return (
      pick(
        this.world.random,
        pool.filter((name) => (priorities.get(name) ?? 0) === best),
      ) ?? null
    );
  }

  /** exponential_backoff.go Backoff (stale entries forgotten as RemoveStaleBackoffData does); returns its duration. */
  private backOff(group: string, now: number): number {
    const previous = this.backoffs.get(group);
    let duration = this.model.initialBackoff;
    if (previous && previous.lastFailure + this.model.backoffResetAfter >= now) {
      // Concurrent failures do not lengthen a backoff that is still running.
      duration = previous.until < now ? Math.min(2 * previous.duration, this.model.maxBackoff) : previous.duration;
    }
    this.backoffs.set(group, { duration, until: now + duration, lastFailure: now });
    return duration;
  }
}

/** 5 min, 20 s. */
function span(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

function placeholderName(group: string, index: number): string {
  return `i-placeholder-${group}-${index}`;
}

function isPlaceholder(id: string): boolean {
  return id.startsWith('i-placeholder-');
}
