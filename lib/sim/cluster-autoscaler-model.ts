/**
 * A MODEL of cluster-autoscaler's scale-up on AWS, not cluster-autoscaler itself. It runs in both
 * strategies: alone it is the baseline; with capacity-guard it still picks groups by priority, and
 * skips the groups capacity-guard took out of rotation (DesiredCapacity = MaxSize) once its
 * one-minute ASG cache shows them.
 *
 * What it does every scan interval:
 * - refresh its cached Min/Max/Desired of each group when the cache is older than `cacheRefresh`
 *   (its own writes update the cache at once);
 * - a scale-up whose nodes have not all registered after `maxNodeProvisionTime` has failed: the
 *   group is backed off (exponential, CA's rules) and its unregistered nodes are deleted (desired
 *   back to the instances that exist);
 * - pending demand not covered by registered + upcoming nodes goes to the highest-priority group
 *   that is below its MaxSize and not backed off; ties are broken at random (seeded).
 * Not modelled: scale-down, the placeholder-instance "early abort" of newer versions, balancing,
 * node-template mismatches. Nodes are whole: demand is counted in nodes, not pods.
 */
import type { FakeAutoScaling } from '../fakes/fake-auto-scaling';
import { type PriorityRule, priorityOf } from '../cluster-autoscaler/expander';
import { type Random, pick } from '../vocabulary/seeded-random';

export interface ClusterAutoscalerModel {
  scanInterval: number;
  maxNodeProvisionTime: number;
  initialBackoff: number;
  maxBackoff: number;
  backoffResetAfter: number;
  cacheRefresh: number;
  /** 0 = off. Otherwise a scale-up whose group's scaling activity failed is given up this long after the failure. */
  earlyAbort: number;
}

/**
 * Defaults, from kubernetes/autoscaler (cluster-autoscaler/main.go flags; clusterstate/clusterstate.go;
 * cloudprovider/aws/aws_manager.go), except maxNodeProvisionTime: CA's default is 15m, the operators
 * ran 5m (background/operator-story.txt: "We've reduced the cluster-autoscaler fallback timeout to 5 minutes").
 */
export const DEFAULT_CLUSTER_AUTOSCALER: ClusterAutoscalerModel = {
  scanInterval: 10_000,
  maxNodeProvisionTime: 5 * 60_000,
  initialBackoff: 5 * 60_000,
  maxBackoff: 30 * 60_000,
  backoffResetAfter: 3 * 3_600_000,
  cacheRefresh: 60_000,
  earlyAbort: 0,
};

export const MODEL_PARAMETER_SOURCES: Record<keyof ClusterAutoscalerModel, string> = {
  scanInterval: '--scan-interval, CA default 10s (cluster-autoscaler/main.go)',
  maxNodeProvisionTime: '--max-node-provision-time, CA default 15m; the operators ran 5m',
  initialBackoff: '--initial-node-group-backoff-duration, CA default 5m (clusterstate.InitialNodeGroupBackoffDuration)',
  maxBackoff: '--max-node-group-backoff-duration, CA default 30m (clusterstate.MaxNodeGroupBackoffDuration)',
  backoffResetAfter: '--node-group-backoff-reset-timeout, CA default 3h (clusterstate.NodeGroupBackoffResetTimeout)',
  cacheRefresh: 'AWS provider ASG cache refreshInterval = 1 min (cloudprovider/aws/aws_manager.go)',
  earlyAbort:
    "0 = off, as the operators' CA: newer CA releases on AWS see a failed scaling activity through placeholder instances and back the group off at about 65 s at best (kubernetes/autoscaler #4958); set e.g. 65s to compare with them",
};

interface Cached {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

interface ScaleUpRequest {
  /** When the request began (its first scale-up); failures since then abort it early. */
  since: number;
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
  say: (text: string) => void;
}

export class ClusterAutoscaler {
  private readonly cache = new Map<string, Cached>();
  private cachedAt = Number.NEGATIVE_INFINITY;
  private readonly requests = new Map<string, ScaleUpRequest>();
  private readonly backoffs = new Map<string, Backoff>();
  private stuckSaid = false;
  /** Scale-ups per group, for the report. */
  readonly scaleUps: { at: number; group: string; from: number; to: number }[] = [];

  constructor(
    private readonly model: ClusterAutoscalerModel,
    private readonly world: ClusterAutoscalerWorld,
  ) {}

  /** One pass of CA's main loop at `now`. */
  async runOnce(now: number): Promise<void> {
    const { aws, groups } = this.world;
    if (now - this.cachedAt >= this.model.cacheRefresh) {
      for (const name of groups) {
        const view = aws.view(name);
        this.cache.set(name, { minSize: view.minSize, maxSize: view.maxSize, desiredCapacity: view.desiredCapacity });
      }
      this.cachedAt = now;
    }
    const registered = new Map(groups.map((name) => [name, aws.view(name).instances.filter((instance) => instance.lifecycleState === 'InService').length]));
    await this.expireScaleUps(now, registered);

    const upcoming = groups.reduce((sum, name) => sum + Math.max(0, this.cached(name).desiredCapacity - (registered.get(name) ?? 0)), 0);
    const ready = [...registered.values()].reduce((sum, n) => sum + n, 0);
    const unmet = this.world.demand() - ready - upcoming;
    if (unmet <= 0) {
      this.stuckSaid = false;
      return;
    }
    const group = this.choose(now);
    if (!group) {
      if (!this.stuckSaid) this.world.say(`${unmet} node(s) of pending pods, but every group is at MaxSize or backed off`);
      this.stuckSaid = true;
      return;
    }
    this.stuckSaid = false;
    const cached = this.cached(group);
    const to = cached.desiredCapacity + Math.min(unmet, cached.maxSize - cached.desiredCapacity);
    try {
      await aws.setDesiredCapacity(group, to);
    } catch (error) {
      // A stale cache can ask for more than MaxSize: AWS refuses, CA counts a failed scale-up.
      this.world.say(`SetDesiredCapacity ${group} → ${to} refused (${(error as Error).message}): failed scale-up`);
      this.backOff(group, now);
      this.cachedAt = Number.NEGATIVE_INFINITY;
      return;
    }
    this.world.say(`scale up ${group}: desired ${cached.desiredCapacity}→${to} (${unmet} node(s) of pending pods)`);
    this.scaleUps.push({ at: now, group, from: cached.desiredCapacity, to });
    cached.desiredCapacity = to;
    // As CA's ClusterStateRegistry.registerOrUpdateScaleUpNoLock: adding nodes to a group that is
    // still waiting shifts its ExpectedAddTime to now + max-node-provision-time.
    this.requests.set(group, { since: this.requests.get(group)?.since ?? now, expectedAddTime: now + this.model.maxNodeProvisionTime });
  }

  private cached(name: string): Cached {
    return this.cache.get(name) ?? { minSize: 0, maxSize: 0, desiredCapacity: 0 };
  }

  private async expireScaleUps(now: number, registered: ReadonlyMap<string, number>): Promise<void> {
    for (const [group, request] of [...this.requests]) {
      const upcoming = this.cached(group).desiredCapacity - (registered.get(group) ?? 0);
      if (upcoming <= 0) {
        this.requests.delete(group);
        continue;
      }
      const failedAt = now < request.expectedAddTime ? await this.failedAt(group, request, now) : null;
      if (now < request.expectedAddTime && failedAt === null) continue;
      this.requests.delete(group);
      const backoff = this.backOff(group, now);
      // CA deletes the nodes that never registered: desired back to the instances that exist.
      const view = this.world.aws.view(group);
      const to = Math.max(view.minSize, Math.min(view.maxSize, view.instances.length));
      try {
        await this.world.aws.setDesiredCapacity(group, to);
      } catch {
        // The next refresh shows the real size.
      }
      this.cached(group).desiredCapacity = to;
      const why = failedAt === null ? `timed out (${Math.round(this.model.maxNodeProvisionTime / 60_000)} min)` : `aborted early (scaling activity failed ${Math.round((now - failedAt) / 1000)} s ago)`;
      this.world.say(`scale-up of ${group} ${why}: desired back to ${to}, group backed off ${Math.round(backoff / 60_000)} min`);
    }
  }

  /** With early abort on: when the group's scaling activity failed during this request, if that was `earlyAbort` ago. */
  private async failedAt(group: string, request: ScaleUpRequest, now: number): Promise<number | null> {
    if (this.model.earlyAbort <= 0) return null;
    const activities = await this.world.aws.scalingActivities(group, new Date(request.since));
    const failures = activities.filter((activity) => activity.statusCode === 'Failed').map((activity) => Date.parse(activity.startTime));
    const first = failures.length > 0 ? Math.min(...failures) : null;
    return first !== null && now - first >= this.model.earlyAbort ? first : null;
  }

  private choose(now: number): string | null {
    const candidates = this.world.groups.filter((name) => {
      const cached = this.cached(name);
      return cached.desiredCapacity < cached.maxSize && (this.backoffs.get(name)?.until ?? 0) <= now;
    });
    const priorities = new Map(candidates.map((name) => [name, priorityOf(this.world.rules, name)]));
    const matched = candidates.filter((name) => priorities.get(name) !== null);
    // The expander uses every group when no group matches a pattern.
    const pool = matched.length > 0 ? matched : candidates;
    if (pool.length === 0) return null;
    const best = Math.max(...pool.map((name) => priorities.get(name) ?? 0));
    return pick(this.world.random, pool.filter((name) => (priorities.get(name) ?? 0) === best)) ?? null;
  }

  /** CA's exponential node-group backoff; returns its duration. */
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
