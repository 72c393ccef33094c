/**
 * Stories of AWS misbehaving under capacity-guard: throttled writes, half-done actions, retries.
 */
import { describe, expect, it } from 'vitest';
import { FakeAwsError } from '../../lib/fakes/fake-auto-scaling';
import { LEGACY_TAG, TAG } from '../../lib/vocabulary/tags';
import { SPOT, prodCluster } from './cluster';
import { spotCluster } from './spot-cluster';
import { DEFAULT_RETRY } from '../../lib/run/execute-each';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { RecordingQueue } from '../../lib/fakes/recorders';
import { retryAfterSeconds } from '../../lib/run/sqs-triage';
import { handleLaunchEvents } from '../../lib/failover/run';
import { handleSpotEvents } from '../../lib/spot/run';
import { reconcile } from '../../lib/failover/reconcile';
import { guardOf, stateWord } from '../unit/failover/builders';

const SPOT_ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

const throttled = () => new FakeAwsError('Throttling', 'Rate exceeded');

describe('direct mode when the failing group cannot be tagged but the fallback can be raised', () => {
  it('raises the fallback once for the same unmet demand, however often the record is retried', async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    const events = world.aws.takeEvents();
    // Every tag write of the first delivery (and its in-invocation retries) is throttled.
    for (let i = 0; i < 10; i++) world.aws.failNextCall('putTags', throttled());

    await world.deliverEvents(events);
    world.aws.clearFailures();
    await world.deliverEvents(events); // SQS hands the record back
    await world.deliverEvents(events); // and once more, a duplicate

    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(world.aws.view('spot-nodes-8x-b').desiredCapacity).toBe(2 + 5);
  });
});

describe('direct mode when one of two failing groups cannot be tagged', () => {
  it("never hands the untagged group's demand on through the other group: each node of demand is raised once", async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-b', 1);
    const events = world.aws.takeEvents();
    // The batch decides A first: A's 5 nodes go to B, then B fails too and hands on 6. A's tag
    // write is throttled through all its tries, so A's 5 never reached B: B has 1 to hand on.
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('putTags', throttled());

    await world.deliverEvents(events);
    const fallback = () => world.aws.view('on-demand-8x-a').desiredCapacity + world.aws.view('on-demand-8x-b').desiredCapacity;
    expect(fallback()).toBe(2 + 2 + 1);
    await world.deliverEvents(events); // SQS hands A's record back

    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(stateWord(world.aws.view('spot-nodes-8x-b').tags)).toBe('suspended');
    expect(fallback()).toBe(2 + 2 + 5 + 1);
  });
});

describe('when Auto Scaling throttles a write', () => {
  it('tries again within the invocation instead of handing the record back to wait out the visibility timeout', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.aws.failNextCall('putTags', throttled());
    world.aws.failNextCall('updateSizes', throttled());

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    const group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('suspended');
    expect(group.maxSize).toBe(2);
  });

  it('hands back what still fails after its tries', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    for (let i = 0; i < 4; i++) world.aws.failNextCall('putTags', throttled());

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toHaveLength(1);
  });
});

describe('saved sizes nobody but capacity-guard wrote', () => {
  it.each([
    ['memory', { [TAG.memory]: 'saved=0,2,100000' }],
    ['saved-sizes key of the previous release', { [LEGACY_TAG.savedSizes]: '0,2,100000' }],
  ])('are never restored: hand-typed saved sizes (%s) cannot raise MaxSize; the group is left for a person with an alert', async (_, tags) => {
    const world = prodCluster();
    world.aws.tagByHand('spot-nodes-8x-a', tags);

    await world.reconcile();

    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);
    expect(world.notifier.reports.flatMap((report) => report.done).some((action) => 'code' in action && action.code === 'needs-operator')).toBe(true);
  });

  it('are restored when capacity-guard saved them', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();
    world.aws.tagByHand('spot-nodes-8x-a', { [TAG.state]: null }); // an operator releases it

    await world.reconcile();

    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);
    expect(guardOf(world.aws.view('spot-nodes-8x-a')).state).toBe('healthy');
  });

  it('survive a restore lost half-way (state deleted, sizes not written): the group reads released and the next run finishes', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();
    world.aws.tagByHand('spot-nodes-8x-a', { [TAG.ignore]: 'true' }); // restored at the next tick
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('updateSizes', throttled());

    await world.reconcile();
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(2);
    expect(guardOf(world.aws.view('spot-nodes-8x-a'))).toMatchObject({ state: 'released', saved: { maxSize: 50 }, memory: { restoredAt: expect.any(String) } });

    await world.reconcile();
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(50);
    expect(guardOf(world.aws.view('spot-nodes-8x-a')).state).toBe('healthy');
  });
});

describe('a Spot interruption of a node still booting, next to one in service', () => {
  it('detaches the one in service; the Pending one (AWS detaches only InService or Standby) fails nothing', async () => {
    const world = spotCluster();
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    const [booting] = world.ec2.interrupt({ group: 'spot-nodes-8x-a', pending: true }, 1);
    const [running] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);

    const [result] = await world.deliverSpotEvents();

    expect(result!.batchItemFailures).toEqual([]);
    expect(world.aws.detachedInstances().map((i) => i.instanceId)).toEqual([running]);
    expect(world.aws.view('spot-nodes-8x-a').instances.map((i) => i.instanceId)).toContain(booting);
  });
});

describe('a group that counts its capacity in vCPUs (DesiredCapacityType vcpu)', () => {
  it('is never resized in instance counts: a launch failure leaves its sizes alone and pages a person', async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.addGroup({
      name: 'spot-nodes-weighted',
      cluster: 'prod',
      minSize: 0,
      maxSize: 64,
      desiredCapacity: 4,
      pools: [{ market: 'spot', instanceType: 'm5.8xlarge', zone: 'eu-west-3a' }],
      desiredCapacityType: 'vcpu',
    });
    world.aws.takeEvents();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-weighted', 32);

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    const group = world.aws.view('spot-nodes-weighted');
    expect({ desired: group.desiredCapacity, max: group.maxSize }).toEqual({ desired: 36, max: 64 });
    expect(stateWord(group.tags)).toBeUndefined();
    expect(world.notifier.reports.flatMap((report) => report.done).some((action) => 'code' in action && action.code === 'needs-operator')).toBe(true);
  });

  it('receives no fallback raise in instance counts', async () => {
    const world = prodCluster({ mode: 'direct' });
    world.aws.addGroup({
      name: 'on-demand-weighted',
      cluster: 'prod',
      minSize: 0,
      maxSize: 640,
      desiredCapacity: 0,
      pools: [{ market: 'on-demand', instanceType: 'm5.8xlarge', zone: 'eu-west-3a' }],
      desiredCapacityType: 'vcpu',
    });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();
    await world.deliverEvents();

    expect(world.aws.view('on-demand-weighted').desiredCapacity).toBe(0);
  });
});

describe('a writer paused past its lease (slow AWS calls)', () => {
  it('writes nothing from its older view once another writer has taken the lease', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();
    world.aws.tagByHand('spot-nodes-8x-a', { [TAG.state]: null }); // an operator releases it: reconcile will restore it
    const failingAgain = launchUnsuccessfulEvent({
      group: 'spot-nodes-8x-a',
      time: new Date(world.clock.now().getTime() + 40_000).toISOString(),
      zone: 'eu-west-3a',
      statusMessage: SPOT_ICE,
      activityId: 'again',
    });
    // Reconcile's Describe returns, then the run stalls 40 s: its lease (30 s) runs out, a failover batch takes it.
    const slow = new Proxy(world.aws, {
      get(target, key) {
        if (key === 'describeGroups') {
          return async (clusters: string[]) => {
            const view = await target.describeGroups(clusters);
            world.clock.advance(40_000);
            await world.deliverEvents([failingAgain]);
            return view;
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    await reconcile({ ...world.deps, autoScaling: slow });

    const group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('suspended'); // the failover's decision stands
    expect(group.maxSize).toBe(group.desiredCapacity);
  });
});

describe('the lease table unavailable (DynamoDB down)', () => {
  const unavailable = () => new FakeAwsError('ServiceUnavailable', 'DynamoDB is unavailable');

  it('still takes a failing group out of rotation, and acknowledges the record', async () => {
    const world = prodCluster();
    world.lock.down = unavailable();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    const group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('suspended');
    expect(group.maxSize).toBe(2);
  });

  it('skips reconcile (the next run catches up) instead of failing it', async () => {
    const world = prodCluster();
    world.lock.down = unavailable();

    await expect(world.reconcile()).resolves.toMatchObject({ groups: 0 });
    expect(world.metrics.counts.get('lock.store-down')).toBe(1);
  });
});

describe('when Auto Scaling throttles the Describe of a batch', () => {
  it('tries again within the invocation', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.aws.failNextCall('describeGroups', throttled());

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
  });

  it('hands the records back, with the reason logged, instead of throwing the whole batch', async () => {
    const world = prodCluster();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('describeGroups', throttled());

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toHaveLength(1);
  });
});

describe('a group near the 50-tag limit (cluster-autoscaler, EKS and cost tags)', () => {
  const crowd = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`cost-centre/tag-${index}`, 'x']));

  it("is still taken out of rotation with all three of capacity-guard's tags when the other 47 leave room, and the record is acknowledged", async () => {
    const world = prodCluster();
    world.aws.tagByHand('spot-nodes-8x-a', crowd(45)); // + 2 CA tags = 47
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    const group = world.aws.view('spot-nodes-8x-a');
    expect(group.maxSize).toBe(2);
    expect(guardOf(group)).toMatchObject({ state: 'suspended', reason: expect.stringContaining('InsufficientInstanceCapacity') });
    expect(Object.keys(group.tags)).toHaveLength(50);
  });

  it('with 48 tags of others, keeps state and memory, and comes back by itself through the probe', async () => {
    const world = prodCluster();
    world.aws.tagByHand('spot-nodes-8x-a', crowd(46)); // + 2 CA tags = 48: no room for the reason
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);

    expect((await world.deliverEvents()).batchItemFailures).toEqual([]);
    expect(guardOf(world.aws.view('spot-nodes-8x-a'))).toMatchObject({ state: 'suspended', reason: '' });
    world.aws.advance('3m');
    await world.reconcile();
    expect(guardOf(world.aws.view('spot-nodes-8x-a')).state).toBe('probing');
    world.aws.capacityBack(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await world.deliverEvents();

    const group = world.aws.view('spot-nodes-8x-a');
    expect({ min: group.minSize, max: group.maxSize }).toEqual({ min: 0, max: 50 });
    expect(guardOf(group).state).toBe('healthy');
    expect(world.metrics.get('alert.needs-operator')).toBeGreaterThan(0); // the warning that the reason did not fit
  });

  it('cannot carry a 51st tag in the fake either, written by capacity-guard or by hand, as AWS refuses it', async () => {
    const world = prodCluster();
    world.aws.tagByHand('spot-nodes-8x-a', crowd(48)); // + 2 CA tags = 50

    await expect(world.aws.putTags('spot-nodes-8x-a', { 'cost-centre/one-more': 'x' })).rejects.toMatchObject({ name: 'LimitExceeded' });
    expect(() => world.aws.tagByHand('spot-nodes-8x-a', { 'cost-centre/one-more': 'x' })).toThrow(/quota for tags/);
    expect(Object.keys(world.aws.view('spot-nodes-8x-a').tags)).toHaveLength(50);
  });

  it('is capped even with no room for a single tag, and a person is told the sizes to restore', async () => {
    const world = prodCluster();
    world.aws.tagByHand('spot-nodes-8x-a', crowd(47)); // + 2 CA tags = 49: no room for state and memory
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);

    const result = await world.deliverEvents();

    expect(result.batchItemFailures).toEqual([]);
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(2);
    const alerts = world.notifier.reports.flatMap((report) => report.done).filter((action) => 'code' in action && action.code === 'needs-operator');
    expect(alerts.map((alert) => ('message' in alert ? alert.message : ''))).toContainEqual(expect.stringContaining('min 0, desired 7, max 50'));
  });
});

describe('a record handed back to SQS', () => {
  it('comes back within seconds, not after the queue\u2019s visibility timeout', async () => {
    const world = prodCluster();
    const queue = new RecordingQueue();
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    const records = world.aws.takeEvents().map((event) => asSqsRecord(event, 'm-1'));
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('putTags', throttled());

    const result = await handleLaunchEvents(records, { ...world.deps, queue });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(queue.retried).toEqual([{ receiptHandle: 'fake-m-1', queueArn: expect.stringMatching(/^arn:aws:sqs:/), seconds: 5 }]);
  });

  it('waits longer each time it comes back, so a long-busy lease does not spend its 5 receives in half a minute', () => {
    expect([1, 2, 3, 4, 5].map(retryAfterSeconds)).toEqual([5, 15, 45, 120, 120]);
  });
});

describe('a spot batch whose Describe AWS keeps throttling', () => {
  it('hands its records back to come again within seconds, instead of throwing the batch', async () => {
    const world = spotCluster();
    const queue = new RecordingQueue();
    world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);
    const records = world.ec2.takeEvents().map((event) => asSqsRecord(event, 's-1'));
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('describeGroups', throttled());

    const result = await handleSpotEvents(records, { ...world.spotDeps, queue });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 's-1' }]);
    expect(queue.retried.map((record) => record.seconds)).toEqual([5]);
  });
});
