/**
 * A MODEL of cluster-autoscaler's scale-down on AWS (kubernetes/autoscaler, tag cluster-autoscaler-1.36.1),
 * the part the scale-up model (cluster-autoscaler-model.ts) leaves out. What it keeps of CA:
 * - every scan, nothing is removed while pods are pending (a scale-up is needed) or within
 *   `--scale-down-delay-after-add` (10m, config/flags/flags.go) of the last scale-up;
 * - a node is unneeded when its utilisation is below `--scale-down-utilization-threshold` (0.5,
 *   config/const.go) and its pods fit elsewhere (core/scaledown/eligibility/eligibility.go,
 *   planner.(*Planner).categorizeNodes). Demand here is counted in whole nodes, so the nodes beyond
 *   demand are the unneeded ones; WHICH nodes those are is up to where the scheduler left pods, and
 *   CA has no preference for a market: its candidate order (builder/autoscaler.go registers only
 *   emptycandidates and previouscandidates comparers) knows no price, Spot or on-demand. So they are
 *   picked at random (seeded), whatever their market, and keep their "unneeded since" time across
 *   scans as CA's unneeded.(*Nodes) does;
 * - after `--scale-down-unneeded-time` (10m, config/const.go) an unneeded node is deleted, at most
 *   `--max-scale-down-parallelism` (10, flags.go) at once, never taking a group below its MinSize
 *   (unneeded.(*Nodes).unremovableReason, verifyMinSize);
 * - deletion is TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity=true, one
 *   instance per call (cloudprovider/aws/auto_scaling_groups.go, (*asgCache).DeleteInstances); a
 *   termination lifecycle hook holds the node while its handler drains it.
 * Not modelled: PDBs, per-group scale-down options, GPU thresholds, unready nodes.
 */
import type { FakeAutoScaling } from '../fakes/fake-auto-scaling';
import type { Random } from '../vocabulary/seeded-random';
import { shuffled } from '../vocabulary/seeded-random';

export interface ScaleDownModel {
  unneededTime: number;
  delayAfterAdd: number;
  maxParallelism: number;
}

export const DEFAULT_SCALE_DOWN: ScaleDownModel = {
  unneededTime: 10 * 60_000,
  delayAfterAdd: 10 * 60_000,
  maxParallelism: 10,
};

/** The hook the simulator gives the scale-down model. */
export interface ScaleDownWorld {
  aws: FakeAutoScaling;
  groups: readonly string[];
  /** Nodes the pods need in total. */
  demand: () => number;
  /** When CA last scaled a group up (epoch ms), null if never. */
  lastScaleUpAt: () => number | null;
  random: Random;
  say: (text: string) => void;
}

export class ClusterAutoscalerScaleDown {
  private readonly unneeded = new Map<string, number>();
  /** Nodes removed, for the report. */
  readonly removed: { at: number; instanceId: string; group: string }[] = [];

  constructor(
    private readonly model: ScaleDownModel,
    private readonly world: ScaleDownWorld,
  ) {}

  /** One scan at `now`. */
  runOnce(now: number): void {
    const { aws, groups } = this.world;
    const ready = groups.flatMap((group) =>
      aws
        .view(group)
        .instances.filter((instance) => instance.lifecycleState === 'InService')
        .map((instance) => ({ group, instanceId: instance.instanceId })),
    );
    const excess = ready.length - this.world.demand();
    const lastAdd = this.world.lastScaleUpAt();
    const pendingLaunches = groups.some((group) => {
      const view = aws.view(group);
      return (
        view.desiredCapacity > view.instances.filter((instance) => !instance.lifecycleState.startsWith('Terminat')).length ||
        view.instances.some((instance) => instance.lifecycleState === 'Pending')
      );
    });
    if (excess <= 0 || pendingLaunches || (lastAdd !== null && now - lastAdd < this.model.delayAfterAdd)) {
      this.unneeded.clear();
      return;
    }
    const readyIds = new Set(ready.map((node) => node.instanceId));
    for (const id of [...this.unneeded.keys()]) if (!readyIds.has(id)) this.unneeded.delete(id);
    // Keep the earliest-marked (CA's previous candidates first), drop the rest beyond the excess.
    const marked = [...this.unneeded].sort((a, b) => a[1] - b[1]);
    for (const [id] of marked.slice(excess)) this.unneeded.delete(id);
    const fresh = shuffled(
      this.world.random,
      ready.filter((node) => !this.unneeded.has(node.instanceId)),
    );
    for (const node of fresh.slice(0, excess - this.unneeded.size)) this.unneeded.set(node.instanceId, now);
    let deleted = 0;
    for (const [id, since] of [...this.unneeded].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))) {
      if (deleted >= this.model.maxParallelism || now - since < this.model.unneededTime) continue;
      const group = ready.find((node) => node.instanceId === id)!.group;
      const view = aws.view(group);
      if (view.desiredCapacity - 1 < view.minSize) continue;
      if (aws.terminateNow(id, true)) {
        deleted += 1;
        this.unneeded.delete(id);
        this.removed.push({ at: now, instanceId: id, group });
        this.world.say(`scale down: ${id} of ${group} unneeded for ${Math.round((now - since) / 60_000)} min, removed (desired − 1)`);
      }
    }
  }
}
