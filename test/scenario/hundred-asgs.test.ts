/**
 * A staggered hundred-group night (scenarios/hundred-asgs.yaml): ten applications, each with 8 Spot
 * groups drawn from one shared set of instance types and 2 on-demand fallbacks; every Spot pool is
 * out; the applications' peaks come one after another over 20 minutes. capacity-guard's real code
 * runs next to the cluster-autoscaler model on the fake AWS (lib/sim/run.ts), as `npm start` runs it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readGuardState } from '../../lib/failover/guard-state';
import { type RunResult, type TimelineEntry, runStrategy } from '../../lib/sim/run';
import { builtInScenario } from '../../lib/sim/scenario-files';
import type { Scenario } from '../../lib/sim/scenario';
import type { World } from '../../lib/sim/world';

const TAKEN_OUT = /^take (\S+) out of rotation \((.*)\)/;

function takenOut(timeline: readonly TimelineEntry[]): { t: number; group: string; reason: string }[] {
  return timeline.flatMap((entry) => {
    const match = entry.who === 'capacity-guard' ? TAKEN_OUT.exec(entry.text) : null;
    return match ? [{ t: entry.t, group: match[1]!, reason: match[2]! }] : [];
  });
}

/** The reason of a suspension on pool evidence (lib/pools/decide.ts): `capacity: all N pool(s) out: …`. */
const onPoolEvidence = (reason: string) => /^capacity: all \d+ pool\(s\) out/.test(reason);

describe('a staggered hundred-group night', () => {
  let scenario: Scenario;
  let night: RunResult;
  /** The world as the first failover run left it. */
  let afterFirstRun: Map<string, ReturnType<typeof readGuardState>>;

  beforeAll(async () => {
    scenario = builtInScenario('hundred-asgs')!;
    let world: World | undefined;
    const firstFailure = 36_000 + scenario.launchFailureEventDelay + scenario.eventDelivery;
    night = await runStrategy(scenario, 'capacity-guard', {
      seed: 1,
      stopWhenReady: true,
      at: [
        { offsetMs: 0, what: 'watch the world', run: async (w) => void (world = w) },
        {
          offsetMs: firstFailure + 1_000,
          what: 'read every group after the first failover run',
          run: async () => {
            afterFirstRun = new Map(scenario.groups.map((group) => [group.name, readGuardState(world!.aws.view(group.name).tags, group.name)]));
          },
        },
      ],
    });
  });

  it('takes every Spot group of every application out in the run that reads the first failure: the others on the pools it found out', () => {
    const spot = scenario.groups.filter((group) => group.market === 'spot').map((group) => group.name);
    const onDemand = scenario.groups.filter((group) => group.market === 'on-demand').map((group) => group.name);
    expect(spot.filter((name) => afterFirstRun.get(name)?.state !== 'suspended')).toEqual([]);
    expect(onDemand.filter((name) => afterFirstRun.get(name)?.state !== 'healthy')).toEqual([]);

    const first = takenOut(night.timeline).filter((entry) => entry.t === takenOut(night.timeline)[0]!.t);
    const own = first.filter((entry) => !onPoolEvidence(entry.reason));
    // app01's group that failed, on its own failure; 79 groups of all ten applications on pool knowledge.
    expect(own.map((entry) => entry.group)).toEqual(['spot-app01-m5-8x']);
    expect(first.filter((entry) => onPoolEvidence(entry.reason))).toHaveLength(79);
    expect(new Set(first.filter((entry) => entry.group.startsWith('spot-app10-')).map((entry) => entry.group)).size).toBe(8);
  });

  it('suspends each group at most once in a run, in that run and in every later one', () => {
    const runs = new Map<number, { group: string }[]>();
    for (const entry of takenOut(night.timeline)) runs.set(entry.t, [...(runs.get(entry.t) ?? []), entry]);
    const firstAt = takenOut(night.timeline)[0]!.t;
    expect(runs.get(firstAt)).toHaveLength(80);
    for (const [t, entries] of runs) expect(new Set(entries.map((entry) => entry.group)).size, `run at ${t} s`).toBe(entries.length);
  });

  it('spares a later application the search: its Spot groups were out before its peak, so its pods go to on-demand at once', () => {
    const peak = (application: string) =>
      scenario.events.flatMap((event) => ('demand' in event && event.demand.application === application ? [event.at / 1000] : []))[0]!;
    const failedBefore = (application: string, until: number) =>
      night.timeline.filter(
        (entry) => entry.who === 'AWS' && entry.t < until && entry.text.startsWith(`spot-${application}-`) && entry.text.includes('launch failed'),
      );
    // app02's peak comes 2 min 13 s after app01's: not one Spot launch of its own failed first.
    expect(failedBefore('app02', peak('app02') + 60)).toEqual([]);
    const app02 = night.applications.find((application) => application.name === 'app02')!;
    // The floor (ramp + boot) plus at most cluster-autoscaler's 10 s loop.
    expect(app02.timeToCapacitySeconds).toBeLessThanOrEqual(app02.floorSeconds! + 10);
  });

  it('reaches the fallback for every application, and the median application is within 1.2x the floor', () => {
    expect(night.applications.map((application) => application.name)).toHaveLength(10);
    for (const application of night.applications) {
      expect(application.timeToCapacitySeconds, application.name).not.toBeNull();
      expect(application.onDemandNodeHours, application.name).toBeGreaterThan(0);
    }
    const floor = night.applications[0]!.floorSeconds!;
    expect(night.headline.timeToCapacitySeconds).toBeLessThanOrEqual(1.2 * floor);
  });
});
