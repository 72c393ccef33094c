/**
 * Stories of the worst night: Spot runs out while cluster-autoscaler asks for nodes.
 */
import { describe, expect, it } from 'vitest';
import { TAG } from '../../lib/vocabulary/tags';
import { launchSuccessfulEvent } from '../../lib/fakes/aws-events';
import { SPOT, prodCluster } from './cluster';
import { guardOf, stateWord, toTheSecond } from '../unit/failover/builders';

describe('when every Spot pool is out of capacity and cluster-autoscaler asks for 5 nodes', () => {
  it('takes the failing Spot group out of rotation in one delivery, keeping what runs (cluster-autoscaler mode)', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);

    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    const group = world.aws.view('spot-nodes-8x-a');
    expect({ min: group.minSize, desired: group.desiredCapacity, max: group.maxSize }).toEqual({ min: 0, desired: 2, max: 2 });
    expect(stateWord(group.tags)).toBe('suspended');
    expect(guardOf(group)).toMatchObject({
      failure: 'capacity',
      saved: { minSize: 0, desiredCapacity: 7, maxSize: 50 },
      until: toTheSecond(world.clock.now().getTime() + 180_000),
    });
    expect(
      Object.keys(group.tags)
        .filter((key) => key.startsWith('capacity-guard/'))
        .sort(),
    ).toEqual([TAG.memory, TAG.reason, TAG.state]);
    // cluster-autoscaler mode moves nothing itself: CA skips a group whose desired equals its max.
    expect(world.aws.view('on-demand-8x-a').desiredCapacity).toBe(2);
  });

  it('moves the unmet nodes down the priority order, tier by tier, in direct mode', async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.outOfCapacity(SPOT);

    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents(); // spot-a out; its 5 nodes go to its Spot peer first...
    expect(world.aws.view('spot-nodes-8x-b').desiredCapacity).toBe(7);
    await world.deliverEvents(); // ...which fails too; they flow on to the on-demand tier.

    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(stateWord(world.aws.view('spot-nodes-8x-b').tags)).toBe('suspended');
    const onDemandDesired = world.aws.view('on-demand-8x-a').desiredCapacity + world.aws.view('on-demand-8x-b').desiredCapacity;
    expect(onDemandDesired).toBe(4 + 5);
    expect(world.aws.view('on-demand-8x-a').desiredCapacity).toBe(5); // spread evenly: 3 + 2
    expect(world.aws.view('on-demand-8x-b').desiredCapacity).toBe(4);
    // and the on-demand nodes launch.
    world.aws.advance('2m');
    expect(world.aws.view('on-demand-8x-a').instances.filter((i) => i.lifecycleState === 'InService')).toHaveLength(5);
  });

  it('says so loudly when no tier can take the nodes', async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.outOfCapacity({}); // nothing launches anywhere, on-demand included

    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    for (let round = 0; round < 4; round++) await world.deliverEvents();

    expect(world.metrics.get('alert.no-fallback-capacity')).toBeGreaterThan(0);
    for (const name of ['spot-nodes-8x-a', 'spot-nodes-8x-b', 'on-demand-8x-a', 'on-demand-8x-b']) {
      expect(stateWord(world.aws.view(name).tags), name).toBe('suspended');
    }
  });
});

describe('at-least-once delivery', () => {
  it('ends in the same state whether events arrive once, twice, or in reverse order', async () => {
    const source = prodCluster();
    source.aws.outOfCapacity(SPOT);
    source.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    source.aws.advance('30s'); // the ASG retries: a second failure event
    const events = source.aws.takeEvents();
    expect(events.filter((event) => event['detail-type'] === 'EC2 Instance Launch Unsuccessful').length).toBeGreaterThanOrEqual(2);

    const endState = async (deliveries: (typeof events)[]) => {
      const world = prodCluster();
      world.aws.outOfCapacity(SPOT);
      world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
      world.aws.takeEvents();
      for (const batch of deliveries) await world.deliverEvents(batch);
      const { minSize, maxSize, desiredCapacity, tags } = world.aws.view('spot-nodes-8x-a');
      return { minSize, maxSize, desiredCapacity, tags };
    };

    const once = await endState([events]);
    const twice = await endState([events, events]);
    const reversed = await endState(
      events
        .slice()
        .reverse()
        .map((event) => [event]),
    );
    const lateDuplicateFirst = await endState([[events[1]!], [events[0]!], [events[1]!]]);

    expect(twice).toEqual(once);
    expect(reversed).toEqual(once);
    expect(lateDuplicateFirst).toEqual(once);
    expect(guardOf({ name: 'spot-nodes-8x-a', tags: once.tags })).toMatchObject({ since: new Date(events[0]!.time).toISOString() });
  });
});

describe('the failover latency metric', () => {
  it('measures event time to the writes of a failover, and not the redelivery that changes nothing', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    const events = world.aws.takeEvents();
    world.aws.advance('4s'); // EventBridge and SQS take a few seconds

    await world.deliverEvents(events);
    expect(world.metrics.timings.get('failover.latency')).toEqual([4_000]);

    world.aws.advance('1m');
    await world.deliverEvents(events);
    expect(world.metrics.timings.get('failover.latency')).toEqual([4_000]);
  });
});

describe('an event for a group that is not ours', () => {
  it('is acknowledged and counted, never an error, and nothing is written', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('staging-spot-nodes', 3);
    world.aws.resetCallCounts();

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    expect(world.metrics.get('signal.foreign-group')).toBe(1);
    expect(world.aws.totalCalls()).toBe(1); // the one Describe
    expect(stateWord(world.aws.view('staging-spot-nodes').tags)).toBeUndefined();
  });
});

describe('an event from another account or region (item 5)', () => {
  it.each([
    ['account 999999999999', { account: '999999999999' }],
    ['region us-east-1', { region: 'us-east-1' }],
  ])('naming a local group, from %s: acknowledged and counted, the group stays in rotation', async (_, origin) => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    const events = world.aws.takeEvents().map((event) => ({ ...event, ...origin }));

    const result = await world.deliverEvents(events);

    expect(result.batchItemFailures).toEqual([]);
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);
    expect(world.metrics.get('record.foreign-origin')).toBe(events.length);
  });
});

describe('event times out of bounds (item 6)', () => {
  const failureAt = (world: ReturnType<typeof prodCluster>, time: string) => {
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    return world.aws.takeEvents().map((event) => ({ ...event, time }));
  };

  it('dates a failure from year 9999 now: the group is back after the usual backoff, not in year 10000', async () => {
    const world = prodCluster();

    await world.deliverEvents(failureAt(world, '9999-12-31T23:59:59Z'));

    const tags = world.aws.view('spot-nodes-8x-a').tags;
    expect(stateWord(tags)).toBe('suspended');
    expect(guardOf({ name: 'spot-nodes-8x-a', tags })).toMatchObject({ until: toTheSecond(world.clock.now().getTime() + 180_000) });
    expect(world.metrics.get('signal.future-dated')).toBeGreaterThan(0);
  });

  it.each([
    ['hours old', () => new Date(Date.parse('2026-11-27T20:00:00Z') - 3 * 3_600_000).toISOString()],
    ['from 1970', () => '1970-01-01T00:00:00Z'],
  ])('leaves a group that launches fine in rotation when the failure is %s (a DLQ replay)', async (_, time) => {
    const world = prodCluster();

    const result = await world.deliverEvents(failureAt(world, time()));

    expect(result.batchItemFailures).toEqual([]);
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);
    expect(world.metrics.get('signal.stale')).toBeGreaterThan(0);
  });

  it('leaves the group in rotation when the same batch shows a later successful launch', async () => {
    const world = prodCluster();
    const now = world.clock.now().getTime();
    const [failed] = failureAt(world, new Date(now - 5 * 60_000).toISOString());
    const succeeded = launchSuccessfulEvent({
      group: 'spot-nodes-8x-a',
      time: new Date(now - 60_000).toISOString(),
      zone: 'eu-west-3a',
      instanceId: 'i-0123456789abcdef0',
    });

    await world.deliverEvents([failed!, succeeded]);

    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
    expect(world.metrics.get('signal.stale')).toBe(1);
  });
});
