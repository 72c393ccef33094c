/**
 * Stories of pool knowledge (issue 13): what one group learns about a pool, every group that
 * launches in that pool knows at once.
 */
import { describe, expect, it } from 'vitest';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';
import { type EventBridgeEvent, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { TAG } from '../../lib/vocabulary/tags';
import { probeTier } from '../../lib/pools/probe-tier';
import { configFor } from './cluster';
import { guardOf, stateWord } from '../unit/failover/builders';
import { readGuardState } from '../../lib/failover/guard-state';

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const pools = (market: Pool['market'], ...types: string[]): Pool[] => types.flatMap((instanceType) => ZONES.map((zone) => ({ market, instanceType, zone })));

/** Two applications whose Spot groups share m5.8xlarge; app2 also has an r5.8xlarge Spot group. */
function twoApplications(extra = ''): World {
  const world = new World({ config: configFor('cluster-autoscaler', extra) });
  for (const [name, groupPools] of [
    ['spot-nodes-app1', pools('spot', 'm5.8xlarge')],
    ['spot-nodes-app2-m5', pools('spot', 'm5.8xlarge')],
    ['spot-nodes-app2-r5', pools('spot', 'r5.8xlarge')],
    ['on-demand-app1', pools('on-demand', 'm5.8xlarge')],
    ['on-demand-app2', pools('on-demand', 'm5.8xlarge')],
  ] as const) {
    world.aws.addGroup({ name, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 1, pools: [...groupPools] });
  }
  return world;
}

/** Auto Scaling's next attempt for the group, in another zone, as the failover receives it. */
function launchFailureIn(world: World, group: string, zone: string): EventBridgeEvent {
  return launchUnsuccessfulEvent({
    group,
    zone,
    time: world.clock.now().toISOString(),
    statusMessage:
      'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
  });
}

describe('a pool that one application found empty', () => {
  it("takes out another application's group whose pools are all out, before it ever tries, and leaves a group with pools left", async () => {
    const world = twoApplications();
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 3);
    await world.deliverEvents();
    // Auto Scaling's own retries name the other zones (the fake names one zone per attempt).
    for (const zone of ZONES) {
      await world.deliverEvents([launchFailureIn(world, 'spot-nodes-app1', zone)]);
    }

    const app2 = world.aws.view('spot-nodes-app2-m5');
    expect(stateWord(app2.tags)).toBe('suspended');
    expect(app2.tags[TAG.reason]).toMatch(
      /^capacity: all 3 pool\(s\) out: m5.8xlarge spot eu-west-3a: InsufficientInstanceCapacity \(seen on spot-nodes-app1\)/,
    );
    expect(stateWord(world.aws.view('spot-nodes-app2-r5').tags)).toBeUndefined();
    // Each pool marked once in the account's table, read by every function.
    expect((await world.poolStore.listPoolsOut(world.clock.now())).map((out) => `${out.pool.instanceType}/${out.zoneName}`).sort()).toEqual([
      'm5.8xlarge/eu-west-3a',
      'm5.8xlarge/eu-west-3b',
      'm5.8xlarge/eu-west-3c',
    ]);
  });

  it('keeps a group with one zone left in rotation', async () => {
    const world = twoApplications();
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 3);
    await world.deliverEvents();
    await world.deliverEvents([launchFailureIn(world, 'spot-nodes-app1', 'eu-west-3a')]);

    expect(stateWord(world.aws.view('spot-nodes-app2-m5').tags)).toBeUndefined();
  });

  it('forgets the pools once their lifetime has passed', async () => {
    const world = twoApplications('pools: { outFor: 2m }');
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 3);
    await world.deliverEvents();
    world.aws.advance('3m');

    expect(await world.poolStore.listPoolsOut(world.clock.now())).toEqual([]);
  });
});

describe('a quota or configuration failure', () => {
  it('stays with its group: it says nothing about the pool, and marks nothing', async () => {
    const world = twoApplications();
    world.aws.breakLaunches(
      'spot-nodes-app1',
      'Could not launch Spot Instances. MaxSpotInstanceCountExceeded - Max spot instance count exceeded. Launching EC2 instance failed.',
    );
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 1);
    await world.deliverEvents();
    world.aws.breakLaunches('spot-nodes-app2-m5', 'You are not authorized to perform this operation. Launching EC2 instance failed.');
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app2-m5', 1);
    await world.deliverEvents();

    expect(guardOf(world.aws.view('spot-nodes-app1'))).toMatchObject({ failure: 'quota' });
    expect(guardOf(world.aws.view('spot-nodes-app2-m5'))).toMatchObject({ failure: 'configuration' });
    expect(stateWord(world.aws.view('spot-nodes-app2-r5').tags)).toBeUndefined();
    expect(stateWord(world.aws.view('on-demand-app1').tags)).toBeUndefined();
    expect(await world.poolStore.listPoolsOut(world.clock.now())).toEqual([]);
  });
});

describe('a tier in one round trip (LaunchInstances)', () => {
  it('launches what the tier can, and marks the pools that failed, so their groups leave rotation at once', async () => {
    const world = twoApplications();
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'r5.8xlarge', zone: 'eu-west-3c' });
    const tier = ['spot-nodes-app2-m5', 'spot-nodes-app2-r5'].map((name) => world.aws.view(name));

    const probe = await probeTier(tier, 8, world.aws, 'a-1', world.clock.now(), 300_000);

    // m5 fails in every zone (3 calls), r5 launches 8 in zones a and b and fails in c: partial failures.
    expect(probe.unmet).toBe(0);
    expect(probe.launched.map((entry) => [entry.group, entry.zone, entry.instanceIds.length])).toEqual([['spot-nodes-app2-r5', 'eu-west-3a', 8]]);
    expect(probe.outs.map((out) => `${out.pool.instanceType}/${out.zoneName}`)).toEqual([
      'm5.8xlarge/eu-west-3a',
      'm5.8xlarge/eu-west-3b',
      'm5.8xlarge/eu-west-3c',
    ]);
    expect(world.aws.view('spot-nodes-app2-r5').desiredCapacity).toBe(9);
    // A retried run with the same token launches nothing more.
    await probeTier(tier, 8, world.aws, 'a-1', world.clock.now(), 300_000);
    expect(world.aws.view('spot-nodes-app2-r5').desiredCapacity).toBe(9);

    // The marks take out every group whose pools are all out (app1 and app2's m5 groups).
    await world.poolStore.recordPoolsOut(probe.outs);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 1);
    await world.deliverEvents();
    expect(stateWord(world.aws.view('spot-nodes-app2-m5').tags)).toBe('suspended');
    expect(stateWord(world.aws.view('spot-nodes-app2-r5').tags)).toBeUndefined();
  });

  it('refuses what AWS refuses: a zone the group is not in, more than 100, a client token reused with other parameters', async () => {
    const world = twoApplications();
    await expect(world.aws.launchInstances({ group: 'spot-nodes-app1', count: 1, zone: { name: 'eu-west-3z' }, clientToken: 't1' })).rejects.toThrow(
      /not part of group/,
    );
    await expect(world.aws.launchInstances({ group: 'spot-nodes-app1', count: 101, zone: { name: 'eu-west-3a' }, clientToken: 't2' })).rejects.toThrow(
      /between 1 and 100/,
    );
    await world.aws.launchInstances({ group: 'spot-nodes-app1', count: 1, zone: { id: 'euw3-az1' }, clientToken: 't3' });
    await expect(world.aws.launchInstances({ group: 'spot-nodes-app1', count: 2, zone: { id: 'euw3-az1' }, clientToken: 't3' })).rejects.toThrow(
      /other parameters/,
    );
  });
});

describe('the tier probe on a dozen-group night (pools.probeTiers, on by default)', () => {
  it('takes the whole Spot tier out at the first failure: one LaunchInstances per group and zone, no node ordered where no pool has room', async () => {
    const world = new World({ config: configFor('cluster-autoscaler', 'pools: { probeTiers: true }') });
    const types = ['m5', 'r5', 'm5a', 'r5a', 'm5n', 'r5n', 'm6i', 'r6i', 'm6a', 'r6a'].map((family) => `${family}.8xlarge`);
    for (const type of types)
      world.aws.addGroup({ name: `spot-nodes-${type}`, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 1, pools: pools('spot', type) });
    world.aws.addGroup({ name: 'on-demand-8x', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 0, pools: pools('on-demand', 'm5.8xlarge') });
    world.aws.outOfCapacity({ market: 'spot' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-m5.8xlarge', 5);
    world.aws.resetCallCounts();

    await world.deliverEvents();

    const spot = types.map((type) => world.aws.view(`spot-nodes-${type}`));
    expect(spot.filter((group) => stateWord(group.tags) === 'suspended')).toHaveLength(10);
    expect(world.aws.calls.get('launchInstances')).toBe(27);
    // Nothing launched: every group keeps what it ran; CA's next choice is the on-demand tier.
    expect(spot.slice(1).map((group) => group.desiredCapacity)).toEqual(Array(9).fill(1));
    expect(stateWord(world.aws.view('on-demand-8x').tags)).toBeUndefined();
  });

  it("stops at a group's first success, so at most one node per group is ordered beside cluster-autoscaler", async () => {
    const world = twoApplications('pools: { probeTiers: true }');
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 3);

    await world.deliverEvents();

    // r5 launched one node in its first zone and stayed; the m5 groups left rotation.
    expect(world.aws.view('spot-nodes-app2-r5').desiredCapacity).toBe(2);
    expect(stateWord(world.aws.view('spot-nodes-app2-r5').tags)).toBeUndefined();
    expect(stateWord(world.aws.view('spot-nodes-app2-m5').tags)).toBe('suspended');
  });

  it('orders no more nodes than the failing group could not launch, however often it fails again', async () => {
    const world = new World({ config: configFor('cluster-autoscaler', 'pools: { probeTiers: true }') });
    const healthy = ['r5', 'm5a', 'r5a', 'm6i'].map((family) => `${family}.8xlarge`);
    world.aws.addGroup({ name: 'spot-nodes-m5', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 1, pools: pools('spot', 'm5.8xlarge') });
    for (const type of healthy)
      world.aws.addGroup({ name: `spot-nodes-${type}`, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 1, pools: pools('spot', type) });
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    const others = () => healthy.reduce((sum, type) => sum + world.aws.view(`spot-nodes-${type}`).desiredCapacity, 0);

    // Four failures of one node each, a probe after each: never more nodes than pending pods.
    for (let failure = 1; failure <= 4; failure++) {
      world.aws.clusterAutoscalerScaleUp('spot-nodes-m5', 1);
      await world.deliverEvents();
      expect(others() - healthy.length, `after failure ${failure}`).toBeLessThanOrEqual(failure);
      world.clock.advance('6m'); // the group's suspension and the pool mark run out
      await world.reconcile();
      world.aws.advance('5m');
      world.aws.takeEvents();
    }
    expect(others()).toBeGreaterThan(healthy.length); // the probe did launch: its nodes serve the pods
  });

  it('does not probe with the kill switch on', async () => {
    const world = twoApplications('pools: { probeTiers: true }\nenabled: false');
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 3);

    await world.deliverEvents();

    expect(world.aws.calls.get('launchInstances')).toBeUndefined();
  });
});

describe('probes that open together', () => {
  it("end together: a probing group whose pools another group's probe finds out again goes back out at once, not when cluster-autoscaler tries it", async () => {
    // Prepare: both groups of the m5.8xlarge pools out since app1's failure; their backoffs end, both probe
    const world = twoApplications('pools: { probeTiers: true }');
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 3);
    await world.deliverEvents();
    world.aws.advance('6m');
    await world.reconcile();
    const state = (name: string) => readGuardState(world.aws.view(name).tags, name).state;
    expect([state('spot-nodes-app1'), state('spot-nodes-app2-m5')]).toEqual(['probing', 'probing']);

    // Act: cluster-autoscaler puts a node in app1's probe window; it fails
    world.aws.clusterAutoscalerScaleUp('spot-nodes-app1', 1);
    await world.deliverEvents();

    // Assess: app2's m5 group is out again in the same run (its probe answered by LaunchInstances); the r5 group was never touched
    expect([state('spot-nodes-app1'), state('spot-nodes-app2-m5'), state('spot-nodes-app2-r5')]).toEqual(['suspended', 'suspended', 'healthy']);
    expect(world.aws.view('spot-nodes-app2-m5').maxSize).toBe(world.aws.view('spot-nodes-app2-m5').desiredCapacity);
  });
});
