/**
 * Stories of on-demand retirement (issue 15): fallback nodes go once Spot is back, Spot
 * replacements InService first, drained by what the cluster already runs.
 */
import { describe, expect, it, vi } from 'vitest';
import { retireRun } from '../../lib/retire/run';
import { DEFAULT_RETRY } from '../../lib/run/execute-each';
import { RETIRE_BATCH_TAG, RETIRE_TAG } from '../../lib/retire/tags';
import { SPOT_TAG } from '../../lib/spot/tags';
import { OD_BARE, OD_HOOK, SPOT_A, SPOT_B, inService, retireCluster, retireConfig } from './retire-cluster';
import { guardOf, stateWord } from '../unit/failover/builders';

const THROTTLED = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });

/** A batch whose Spot replacements are InService past the boot grace: the next run retires. */
async function replacementsReady() {
  const { world } = retireCluster();
  world.aws.advance('31m');
  const before = inService(world, OD_HOOK);
  await world.retire(); // raise
  world.aws.advance('100s');
  await world.retire(); // InService: ready recorded
  world.aws.advance('61s');
  return { world, before };
}

const onDemandOf = (world: ReturnType<typeof retireCluster>['world']) =>
  world.aws.view(OD_HOOK).instances.filter((instance) => instance.lifecycleState === 'InService').length;

describe('on-demand retirement', () => {
  it('is off by default: a deploy never starts terminating by itself', async () => {
    const { world } = retireCluster({ config: retireConfig('') });
    world.aws.advance('40m');
    const result = await world.retire();
    expect(result.decided).toEqual([]);
    expect(result.sets[0]?.why).toMatch(/retire.enabled is false/);
    expect(world.aws.calls.get('setDesiredCapacity') ?? 0).toBe(0);
  });

  it('raises Spot first, retires nothing until the replacements are InService plus the boot grace, then terminates through the hook with desired − 1', async () => {
    const { world } = retireCluster();
    world.aws.advance('31m'); // the fallback nodes pass the 30 min minimum age
    const before = inService(world, OD_HOOK);

    await world.retire();
    // batch = min(maxNodes 2, 20 % of the set's 16 nodes), into the Spot group with most room
    expect(world.aws.view(SPOT_A).desiredCapacity).toBe(6);
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^replacing;/);
    expect(inService(world, OD_HOOK)).toEqual(before);

    world.aws.advance('1m');
    await world.retire();
    expect(inService(world, OD_HOOK)).toEqual(before); // replacements still booting

    world.aws.advance('40s');
    await world.retire(); // InService now: the boot grace starts
    await world.retire();
    expect(inService(world, OD_HOOK)).toEqual(before);

    world.aws.advance('1m');
    await world.retire();
    const group = world.aws.view(OD_HOOK);
    expect(group.desiredCapacity).toBe(2);
    expect(group.instances.filter((instance) => instance.lifecycleState === 'Terminating:Wait').map((i) => i.instanceId)).toEqual(before.slice(0, 2));
    expect(world.ec2.tagsOf(before[0]!)[SPOT_TAG.drain]).toBe('retire-fallback');
    expect(world.aws.view(OD_BARE).desiredCapacity).toBe(4); // no drain path: never retired

    world.aws.advance('1m'); // the termination handler drained them and completed the lifecycle action
    await world.retire();
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^done;/);
    expect(inService(world, OD_HOOK)).toEqual(before.slice(2));
    expect(inService(world, SPOT_A)).toHaveLength(6);
    const message = world.notifier.reports.flatMap((report) => report.done).find((action) => action.kind === 'retire-nodes');
    expect(message).toMatchObject({
      replacements: 2,
      savingsPerHour: 1.84,
      neverRetired: [OD_BARE],
      nodes: [
        { instanceId: before[0], path: 'hook' },
        { instanceId: before[1], path: 'hook' },
      ],
    });
  });

  it('paces batches: the next one starts a batch interval after the last ended', async () => {
    const { world } = retireCluster();
    world.aws.advance('31m');
    for (let minute = 0; minute < 5; minute++) {
      await world.retire();
      world.aws.advance('1m');
    }
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^done;2026-11-27T20:35:00/);
    const spotDesired = () => world.aws.view(SPOT_A).desiredCapacity + world.aws.view(SPOT_B).desiredCapacity;
    await world.retire(); // 20:36: paced, the next batch from 20:38
    world.aws.advance('1m');
    await world.retire();
    expect(spotDesired()).toBe(10);
    world.aws.advance('1m');
    await world.retire();
    expect(spotDesired()).toBe(11); // on-demand-8x-a is 1 above its MinSize of 1: one candidate left
  });

  it('aborts the batch with nothing retired when Spot runs out again (a new ICE)', async () => {
    const { world } = retireCluster();
    world.aws.advance('31m');
    const before = inService(world, OD_HOOK);
    world.aws.outOfCapacity({ market: 'spot' }); // Spot runs out again, unseen so far
    await world.retire(); // raises SPOT_A: its replacements fail to launch
    world.aws.advance('20s');
    await world.deliverEvents(); // the failover takes the Spot group out of rotation
    expect(stateWord(world.aws.view(SPOT_A).tags)).toBe('suspended');

    await world.retire();
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^aborted;.*Spot group spot-nodes-8x-a went suspended/);
    world.aws.advance('10m');
    await world.retire();
    expect(inService(world, OD_HOOK)).toEqual(before);
    expect(world.aws.view(OD_HOOK).desiredCapacity).toBe(4);
  });

  it('aborts on the failed launch itself, before the failover event arrives', async () => {
    const { world } = retireCluster();
    world.aws.advance('31m');
    world.aws.outOfCapacity({ market: 'spot' });
    await world.retire();
    world.aws.advance('20s');
    await world.retire(); // DescribeScalingActivities of the raised group shows the failure
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^aborted;.*capacity signal/);
  });

  it('resumes a batch on the same nodes after a lost write mid-batch (state tag written, terminations not)', async () => {
    const { world, before } = await replacementsReady();
    world.aws.failNextCall('terminateInGroup', THROTTLED);
    const failed = await world.retire();
    expect(failed.failed).toHaveLength(1);
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^retiring;/);
    const tagged = before.filter((id) => world.ec2.tagsOf(id)[RETIRE_BATCH_TAG]);
    expect(tagged).toEqual(before.slice(0, 2));

    await world.retire(); // the next run finishes what the tags say, on the same two nodes
    expect(
      world.aws
        .view(OD_HOOK)
        .instances.filter((instance) => instance.lifecycleState === 'Terminating:Wait')
        .map((i) => i.instanceId),
    ).toEqual(before.slice(0, 2));
    expect(world.aws.view(OD_HOOK).desiredCapacity).toBe(2);
    world.aws.advance('1m');
    await world.retire();
    await world.retire(); // a duplicate run changes nothing
    expect(world.aws.view(OD_HOOK).desiredCapacity).toBe(2);
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^done;/);
  });

  it('resumes on the same nodes when the state tag write is lost after the nodes were tagged', async () => {
    const { world, before } = await replacementsReady();
    // Lost for good: throttled on every try the run makes within its invocation.
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('putTags', THROTTLED);
    expect((await world.retire()).failed).toHaveLength(1);
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^replacing;/);
    expect(world.aws.view(OD_HOOK).desiredCapacity).toBe(4); // nothing terminated yet

    await world.retire();
    expect(
      world.aws
        .view(OD_HOOK)
        .instances.filter((instance) => instance.lifecycleState === 'Terminating:Wait')
        .map((i) => i.instanceId),
    ).toEqual(before.slice(0, 2));
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^retiring;/);
  });

  it('never retires a group with neither a termination hook nor a drain consumer, and says why', async () => {
    const { world } = retireCluster();
    world.aws.advance('31m');
    const result = await world.retire();
    expect(result.sets[0]?.noDrainPath).toEqual([
      `${OD_BARE}: no termination lifecycle hook and no drain event bus (spot.clusters.prod.drainEventBus): never retired`,
    ]);
    expect(result.sets[0]?.candidates.every((id) => inService(world, OD_HOOK).includes(id))).toBe(true);
  });

  it('stops when cluster-autoscaler scales the fallback groups up during a retirement', async () => {
    const { world } = retireCluster();
    world.aws.advance('31m');
    await world.retire();
    world.aws.clusterAutoscalerScaleUp(OD_BARE, 3); // pending pods: CA wants more fallback nodes
    await world.retire();
    expect(world.aws.view(SPOT_A).tags[RETIRE_TAG]).toMatch(/^aborted;.*cluster-autoscaler raised the fallback groups \(desired 8→11\)/);
    world.aws.advance('3m');
    await world.retire();
    expect(onDemandOf(world)).toBe(4);
  });

  it('waits for Spot to settle after it came back, and does not touch a group at its MinSize', async () => {
    const { world } = retireCluster({ config: retireConfig('retire: { enabled: true, settle: 45m, batch: { maxNodes: 2 } }') });
    world.aws.outOfCapacity({ market: 'spot' });
    world.aws.clusterAutoscalerScaleUp(SPOT_A, 1);
    await world.deliverEvents();
    world.aws.advance('3m');
    world.aws.capacityBack({ market: 'spot' });
    await world.reconcile(); // probe
    world.aws.clusterAutoscalerScaleUp(SPOT_A, 1);
    await world.deliverEvents(); // the probe's launch succeeds: back in rotation
    expect(guardOf(world.aws.view(SPOT_A)).memory.restoredAt).not.toBeNull();
    world.aws.advance('28m');
    const waiting = await world.retire();
    expect(waiting.sets[0]?.why).toMatch(/^settling/);

    world.aws.setSizesByHand(OD_HOOK, { minSize: 4 });
    world.aws.advance('20m');
    const atMin = await world.retire();
    expect(atMin.decided).toEqual([]);
    expect(atMin.sets[0]?.why).toMatch(/no candidate/);
  });

  it('the fake refuses what AWS refuses: a termination with decrement below MinSize', async () => {
    const { world } = retireCluster();
    world.aws.setSizesByHand(OD_HOOK, { minSize: 4 });
    await expect(world.aws.terminateInGroup(inService(world, OD_HOOK)[0]!, true)).rejects.toThrow(/desiredSize equals minSize \(4\)/);
  });

  it('runs as every capability: a busy lease skips the run (counted, nothing written), a throwing notifier leaves the actions standing (counted)', async () => {
    const { world, log } = retireCluster();
    world.aws.advance('31m');
    await world.lock.tryAcquire('another run', 60_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      let settled = false;
      const run = world.retire().finally(() => (settled = true));
      // The lease wait (5 s, on the real clock) runs out.
      for (let step = 0; step < 1000 && !settled; step++) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(50);
      }
      expect((await run).skipped).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    expect(world.metrics.get('lock.busy')).toBe(1);
    expect(log.lines.some((line) => /lease busy: this retire run is skipped/.test(line.message))).toBe(true);
    expect(world.aws.view(SPOT_A).desiredCapacity).toBe(4);

    await world.lock.release('another run');
    const throwing = { notify: async () => Promise.reject(new Error('Slack is down')) };
    const result = await retireRun({ ...world.retireDeps, notifier: throwing });
    expect(result.decided.map((action) => action.kind)).toEqual(['retire-raise-spot']);
    expect(world.aws.view(SPOT_A).desiredCapacity).toBeGreaterThan(4);
    expect(world.metrics.get('notify.failed')).toBe(1);
  });

  it('honours dry-run: decides and tells, writes nothing', async () => {
    const { world } = retireCluster({ config: `dryRun: true\n${retireConfig()}` });
    world.aws.advance('31m');
    const result = await world.retire();
    expect(result.decided.map((action) => action.kind)).toEqual(['retire-raise-spot']);
    expect(world.aws.view(SPOT_A).desiredCapacity).toBe(4);
    expect(world.notifier.reports[0]?.dryRun).toBe(true);
  });
});
