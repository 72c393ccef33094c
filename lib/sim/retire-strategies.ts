/**
 * The three ways on-demand fallback nodes leave in the simulator (issue 15), each a SimExtension
 * (lib/sim/run.ts) on top of cluster-autoscaler's scale-down model, which runs in all three:
 * - `capacity-guard`: the real retire function (lib/retire) every minute, as functions/retire.ts;
 * - `draino`: the operators' rule (background/operator-story.txt: "Draino waits for 2h after the
 *   node is launched before trying to remove it"): every on-demand node is drained and removed 2 h
 *   after its launch, with no replacement first: its pods wait for cluster-autoscaler's next scale-up;
 * - `none`: only cluster-autoscaler's scale-down, which removes unneeded nodes whatever their market.
 * Every group gets a termination lifecycle hook handled by aws-node-termination-handler (60 s drain):
 * the prerequisite capacity-guard's retirement asks for; CA's and draino's removals go through it too.
 */
import { seededRandom } from '../vocabulary/seeded-random';
import { ClusterAutoscalerScaleDown, DEFAULT_SCALE_DOWN } from './ca-scale-down';
import type { SimContext, SimExtension } from './run';
import type { Scenario } from './scenario';

export const RETIRE_STRATEGIES = ['capacity-guard', 'draino', 'none'] as const;
export type RetireStrategy = (typeof RETIRE_STRATEGIES)[number];

/** draino's wait after launch, per the operators. */
export const DRAINO_AFTER_MS = 2 * 3_600_000;
const NTH_DRAIN_SECONDS = 60;
const RETIRE_EVERY_MS = 60_000;
const SCAN_MS = 10_000;

export interface RetireTally {
  /** capacity-guard: on-demand nodes whose retirement started before their Spot replacement was InService. */
  earlyRetirements: number;
  /** On-demand nodes removed by the strategy itself (capacity-guard or draino), not by CA. */
  retired: number;
  /** Nodes cluster-autoscaler's scale-down removed. */
  scaledDown: number;
}

export function retireExtension(strategy: RetireStrategy, scenario: Scenario, tally: RetireTally): SimExtension {
  const onDemand = scenario.groups.filter((group) => group.market === 'on-demand').map((group) => group.name);
  return (context: SimContext) => {
    const { world, sim, start } = context;
    for (const group of scenario.groups) world.aws.addTerminationHook(group.name, 'nth-drain', NTH_DRAIN_SECONDS);
    const scaleDown = new ClusterAutoscalerScaleDown(DEFAULT_SCALE_DOWN, {
      aws: world.aws,
      groups: scenario.groups.map((group) => group.name),
      demand: context.demand,
      lastScaleUpAt: context.lastScaleUpAt,
      // Its own stream: the strategies differ in what they do, not in CA's random choices.
      random: seededRandom(scenario.seed * 7919 + 17),
      say: (text) => {
        tally.scaledDown += 1;
        context.say('cluster-autoscaler', text);
      },
    });
    sim.every(start + SCAN_MS / 2, SCAN_MS, 'cluster-autoscaler scale-down', () => scaleDown.runOnce(sim.now()));
    if (strategy === 'capacity-guard') {
      sim.every(start + RETIRE_EVERY_MS / 3, RETIRE_EVERY_MS, 'retire', async () => {
        const result = await world.retire();
        for (const action of result.decided) {
          if (action.kind !== 'retire-nodes' || result.failed.some((failure) => failure.action === action)) continue;
          // Checked against the fake's instances, not against what the code believes.
          const readyReplacements = world.aws
            .allInstances()
            .filter(
              (instance) => instance.group === action.group && instance.lifecycleState === 'InService' && instance.launchedAt >= Date.parse(action.batch),
            ).length;
          tally.earlyRetirements += Math.max(0, Math.min(action.nodes.length, action.replacements - readyReplacements));
          tally.retired += action.nodes.length;
        }
        context.announce();
      });
    }
    if (strategy === 'draino') {
      sim.every(start + SCAN_MS / 2, SCAN_MS, 'draino', () => {
        const now = sim.now();
        for (const instance of world.aws.allInstances()) {
          if (!onDemand.includes(instance.group) || instance.lifecycleState.startsWith('Terminat') || now - instance.launchedAt < DRAINO_AFTER_MS) continue;
          const view = world.aws.view(instance.group);
          if (view.desiredCapacity - 1 < view.minSize) continue;
          if (world.aws.terminateNow(instance.instanceId, true)) {
            tally.retired += 1;
            context.say('cluster', `draino: ${instance.instanceId} of ${instance.group} is on-demand and 2 h old: drained and removed, no replacement first`);
          }
        }
      });
    }
  };
}
