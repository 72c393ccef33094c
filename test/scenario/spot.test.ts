/**
 * Stories of Spot nodes going away: interruption warnings, storms, rebalance hints, other
 * clusters' instances — on the fake EC2 and Auto Scaling, through the spot function's code.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_RETRY } from '../../lib/run/execute-each';
import { launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { FakeAwsError } from '../../lib/fakes/fake-auto-scaling';
import { fakeZoneId } from '../../lib/fakes/fake-ec2';
import { sweepRebalanceTags } from '../../lib/spot/sweep-run';
import { SPOT_TAG } from '../../lib/spot/tags';
import { DRAIN_BUS, spotCluster, spotConfig } from './spot-cluster';
import { silentLog } from '../../lib/fakes/recorders';
import { guardOf, stateWord } from '../unit/failover/builders';

const pool = (zone: string, instanceType: string) => ({ zoneId: fakeZoneId(zone), instanceType, market: 'spot' as const });
const inService = (world: ReturnType<typeof spotCluster>, group: string) =>
  world.aws.view(group).instances.filter((i) => /^(Pending|InService)/.test(i.lifecycleState)).length;

describe('a Spot interruption warning for a node of the cluster', () => {
  it('tags the node for drain with its deadline, tells the cluster, and has the group launch the replacement at once', async () => {
    const world = spotCluster();
    const [first, second] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 2, '10s');
    world.aws.advance('10s');

    const [result] = await world.deliverSpotEvents();

    expect(result!.batchItemFailures).toEqual([]);
    const deadline = new Date(Date.parse('2026-11-27T20:00:00Z') + 120_000).toISOString();
    expect(world.ec2.tagsOf(first!)).toMatchObject({
      [SPOT_TAG.drain]: 'spot-interruption',
      [SPOT_TAG.deadline]: deadline,
      [SPOT_TAG.drainEvent]: 'published',
    });
    // Two distinct deadlines in the batch: each node's tag holds its own (one CreateTags each).
    expect(world.ec2.tagsOf(second!)).toMatchObject({
      [SPOT_TAG.drain]: 'spot-interruption',
      [SPOT_TAG.deadline]: new Date(Date.parse('2026-11-27T20:00:10Z') + 120_000).toISOString(),
    });
    expect(world.ec2.calls.get('createTags')).toBe(2);
    // One drain event for the cluster, each node with its own exact deadline and node name.
    expect(world.eventBus.events).toHaveLength(1);
    const event = world.eventBus.events[0]!;
    expect(event).toMatchObject({ eventBusName: DRAIN_BUS, source: 'capacity-guard', detailType: 'Node Drain Requested' });
    const nodes = (event.detail as { nodes: { instanceId: string; deadline: string; nodeName: string; group: string; cluster: string }[] }).nodes;
    expect(nodes.map((node) => node.instanceId)).toEqual([first, second]);
    expect(nodes[1]).toMatchObject({
      group: 'spot-nodes-8x-a',
      cluster: 'prod',
      reason: 'spot-interruption',
      deadline: new Date(Date.parse('2026-11-27T20:00:10Z') + 120_000).toISOString(),
    });
    expect(nodes[0]!.nodeName).toMatch(/^ip-10-0-\d+-\d+\.eu-west-3\.compute\.internal$/);
    // Detached without decrementing desired: the group already launches the replacements.
    const group = world.aws.view('spot-nodes-8x-a');
    expect(group.desiredCapacity).toBe(6);
    expect(group.instances.map((i) => i.instanceId)).not.toContain(first);
    expect(inService(world, 'spot-nodes-8x-a')).toBe(6);
    expect(world.aws.detachedInstances().map((i) => i.instanceId)).toEqual([first, second]);
    // One report for the invocation, after acting.
    expect(world.notifier.reports).toHaveLength(1);
    expect(world.notifier.reports[0]).toMatchObject({ source: 'spot', dryRun: false, failed: [] });
    // The two nodes are in two zones: two pools recorded.
    expect(world.notifier.reports[0]!.done.map((action) => action.kind)).toEqual([
      'publish-drain-requested',
      'tag-for-drain',
      'tag-for-drain',
      'record-pool-interruptions',
      'record-pool-interruptions',
      'detach-for-replacement',
    ]);
  });

  it('does nothing twice when SQS delivers the same events again', async () => {
    const world = spotCluster();
    world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 3, '5s');
    world.aws.advance('5s');
    const events = world.ec2.takeEvents();
    await world.deliverSpotEvents(events);
    const callsAfterFirst = { tags: world.ec2.calls.get('createTags'), detach: world.aws.calls.get('detachInstances'), events: world.eventBus.events.length };

    const [again] = await world.deliverSpotEvents(events);

    expect(again!.batchItemFailures).toEqual([]);
    expect({ tags: world.ec2.calls.get('createTags'), detach: world.aws.calls.get('detachInstances'), events: world.eventBus.events.length }).toEqual(
      callsAfterFirst,
    );
    expect(world.poolSignals.read(pool('eu-west-3a', 'm5.8xlarge'), 600_000)?.interruptions ?? 0).toBeLessThanOrEqual(3);
    const counted = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'].map((zone) => world.poolSignals.read(pool(zone, 'm5.8xlarge'), 600_000)?.interruptions ?? 0);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('acknowledges and counts the instances of other clusters without touching them, but counts them in their pool', async () => {
    const world = spotCluster();
    const [foreign] = world.ec2.interrupt({ group: 'staging-spot-nodes' }, 1);

    const [result] = await world.deliverSpotEvents();

    expect(result!.batchItemFailures).toEqual([]);
    expect(result!.records[0]!.notes).toEqual([expect.stringContaining('belongs to no configured cluster')]);
    expect(world.metrics.get('spot.ignored')).toBe(1);
    expect(world.ec2.tagsOf(foreign!)[SPOT_TAG.drain]).toBeUndefined();
    expect(world.ec2.calls.get('createTags')).toBeUndefined();
    expect(world.aws.calls.get('detachInstances')).toBeUndefined();
    expect(world.eventBus.events).toEqual([]);
    const zone = world.aws.view('staging-spot-nodes').instances.find((i) => i.instanceId === foreign)?.availabilityZone;
    expect(world.poolSignals.read(pool(zone!, 'm5.8xlarge'), 600_000)?.interruptions).toBe(1);
  });

  it('fails a malformed record alone, so it reaches the dead-letter queue, its reason logged', async () => {
    const errors: { message: string; extra: Record<string, unknown> }[] = [];
    const world = spotCluster({ log: { ...silentLog, error: (message, extra = {}) => void errors.push({ message, extra }) } });
    world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);
    const [event] = world.ec2.takeEvents();
    const broken = structuredClone(event!);
    broken.detail = { 'instance-id': 'not-an-id', 'instance-action': 'terminate' };

    const [result] = await world.deliverSpotEvents([event!, broken]);

    expect(result!.batchItemFailures).toHaveLength(1);
    expect(result!.records[1]).toMatchObject({ outcome: 'invalid', error: expect.stringContaining('detail.instance-id') });
    expect(result!.records[0]!.outcome).toBe('signal');
    expect(errors).toEqual([
      {
        message: 'malformed record: failing it so it reaches the dead-letter queue',
        extra: { error: expect.stringContaining('detail.instance-id'), messageId: result!.batchItemFailures[0]!.itemIdentifier },
      },
    ]);
  });

  it('acknowledges an Auto Scaling event routed here by mistake, counted as ignored', async () => {
    const world = spotCluster();
    const misrouted = launchUnsuccessfulEvent({
      group: 'spot-nodes-8x-a',
      time: '2026-11-27T20:00:00Z',
      zone: 'eu-west-3a',
      statusMessage: 'We currently do not have sufficient capacity',
    });

    const [result] = await world.deliverSpotEvents([misrouted]);

    expect(result!.batchItemFailures).toEqual([]);
    expect(world.metrics.get('record.ignored')).toBe(1);
    expect(world.metrics.get('record.signal')).toBe(0);
  });

  it('keeps a record for retry when the drain event cannot be published, and publishes it on the retry', async () => {
    const world = spotCluster();
    const [node] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);
    const events = world.ec2.takeEvents();
    world.eventBus.refusing.add(DRAIN_BUS);

    const [first] = await world.deliverSpotEvents(events);
    expect(first!.batchItemFailures).toHaveLength(1);
    // Tagged anyway (the tag is what matters most), but not marked as published.
    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drain]).toBe('spot-interruption');
    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drainEvent]).toBeUndefined();

    world.eventBus.refusing.clear();
    const [retry] = await world.deliverSpotEvents(events);
    expect(retry!.batchItemFailures).toEqual([]);
    expect(world.eventBus.events).toHaveLength(1);
    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drainEvent]).toBe('published');
  });

  it('tags at once even while another run holds the lease; only the detach waits for the retry', async () => {
    const world = spotCluster();
    const [node] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);
    const events = world.ec2.takeEvents();
    await world.lock.tryAcquire('another run', 60_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      let settled = false;
      const delivery = world.deliverSpotEvents(events).finally(() => (settled = true));
      // The lease wait (10 s, on the real clock) runs out: let the fakes' turns run, move timers on.
      for (let step = 0; step < 1000 && !settled; step++) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(50);
      }

      const [result] = await delivery;

      expect(result!.batchItemFailures).toHaveLength(1);
      expect(world.ec2.tagsOf(node!)[SPOT_TAG.drain]).toBe('spot-interruption');
      expect(world.aws.detachedInstances()).toEqual([]);
      expect(world.metrics.get('lock.busy')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
    await world.lock.release('another run');
    const [retry] = await world.deliverSpotEvents(events);
    expect(retry!.batchItemFailures).toEqual([]);
    expect(world.aws.detachedInstances().map((i) => i.instanceId)).toEqual([node]);
  });

  it.each([
    ['in dry-run', 'dryRun: true'],
    ['under the kill switch', 'enabled: false'],
  ])('%s decides and prints, writes nothing', async (_name, setting) => {
    const world = spotCluster({ config: `${setting}\n${spotConfig()}` });
    const [node] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);

    const [result] = await world.deliverSpotEvents();

    expect(result!.actions.map((action) => action.kind)).toEqual([
      'publish-drain-requested',
      'tag-for-drain',
      'record-pool-interruptions',
      'detach-for-replacement',
    ]);
    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drain]).toBeUndefined();
    expect([world.ec2.calls.get('createTags'), world.aws.calls.get('detachInstances'), world.eventBus.events.length, world.poolSignals.totalCalls()]).toEqual([
      undefined,
      undefined,
      0,
      0,
    ]);
  });

  it('only tags with replace: none for the group', async () => {
    const world = spotCluster({ config: spotConfig('      groups:\n        - match: "-8x-a$"\n          replace: none') });
    world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);

    await world.deliverSpotEvents();

    expect(world.aws.calls.get('detachInstances')).toBeUndefined();
    expect(world.aws.detachedInstances()).toEqual([]);
    expect(world.ec2.calls.get('createTags')).toBe(1);
  });
});

describe('a storm: 1,000 interruptions in one zone within 60 s', () => {
  it('tags every node, suspends the groups of the pools like a capacity failure, launches replacements, in at most 25 AWS calls', async () => {
    const world = spotCluster({ spotNodes: 1500 });
    const interrupted = world.ec2.interrupt({ zone: 'eu-west-3a' }, 1000, '60s');
    world.aws.advance('60s');
    world.aws.resetCallCounts();

    const results = await world.deliverSpotEvents();

    expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
    expect(interrupted.filter((id) => world.ec2.tagsOf(id)[SPOT_TAG.drain] !== 'spot-interruption')).toEqual([]);
    expect(world.poolSignals.read(pool('eu-west-3a', 'm5.8xlarge'), 600_000)?.interruptions).toBe(500);
    expect(world.poolSignals.read(pool('eu-west-3a', 'r5.8xlarge'), 600_000)?.interruptions).toBe(500);
    for (const name of ['spot-nodes-8x-a', 'spot-nodes-8x-b']) {
      const group = world.aws.view(name);
      expect(stateWord(group.tags), name).toBe('suspended');
      expect(guardOf(group), name).toMatchObject({ failure: 'capacity' });
      // Out of rotation with what it had: the lost nodes come back, nothing more goes in.
      expect({ desired: group.desiredCapacity, max: group.maxSize }).toEqual({ desired: 1500, max: 1500 });
    }
    expect(stateWord(world.aws.view('on-demand-8x-a').tags)).toBeUndefined();
    // Storming pools get no detach: a replacement would land in the pool being reclaimed.
    expect(world.aws.calls.get('detachInstances')).toBeUndefined();
    // 1,000 nodes in two drain events of 500, one PutEvents call.
    expect(world.eventBus.calls.get('putEvents')).toBe(1);
    expect(world.awsCalls()).toBeLessThanOrEqual(25);

    const before = { suspensions: world.metrics.get('action.suspend-group'), tags: world.ec2.calls.get('createTags') };

    // At the deadline the nodes go; the groups launch their replacements.
    world.aws.advance('3m');
    // The 1,000 "terminated" state changes cost no DescribeInstances.
    const describes = world.ec2.calls.get('describeInstances');
    const terminations = await world.deliverSpotEvents();
    expect(terminations.flatMap((result) => result.records.map((record) => record.outcome))).toEqual(Array(1000).fill('signal'));
    expect(world.ec2.calls.get('describeInstances')).toBe(describes);
    expect(inService(world, 'spot-nodes-8x-a')).toBe(1500);
    expect(inService(world, 'spot-nodes-8x-b')).toBe(1500);
    expect(interrupted.filter((id) => world.aws.view('spot-nodes-8x-a').instances.some((i) => i.instanceId === id))).toEqual([]);
    expect({ suspensions: world.metrics.get('action.suspend-group'), tags: world.ec2.calls.get('createTags') }).toEqual(before);
  });

  it('counts a redelivered storm once: no second suspension, no second tag write', async () => {
    const world = spotCluster({ spotNodes: 30 });
    world.ec2.interrupt({ zone: 'eu-west-3a', instanceType: 'm5.8xlarge' }, 8, '20s');
    world.aws.advance('20s');
    const events = world.ec2.takeEvents();
    await world.deliverSpotEvents(events);
    expect(world.metrics.get('action.suspend-group')).toBe(1);
    const tags = world.ec2.calls.get('createTags');

    const [again] = await world.deliverSpotEvents(events);

    expect(again!.batchItemFailures).toEqual([]);
    expect(world.metrics.get('action.suspend-group')).toBe(1);
    expect(world.ec2.calls.get('createTags')).toBe(tags);
    expect(world.poolSignals.read(pool('eu-west-3a', 'm5.8xlarge'), 600_000)?.interruptions).toBe(8);
  });

  it('retries the storm records when the core cannot suspend a group, and hands the storm over again on redelivery', async () => {
    const world = spotCluster({ spotNodes: 30 });
    world.ec2.interrupt({ zone: 'eu-west-3a', instanceType: 'm5.8xlarge' }, 6, '20s');
    world.aws.advance('20s');
    const events = world.ec2.takeEvents();
    // Throttled on every try the invocation makes.
    for (let i = 0; i < DEFAULT_RETRY.attempts; i++) world.aws.failNextCall('updateSizes', new FakeAwsError('Throttling', 'Rate exceeded'));

    const [first] = await world.deliverSpotEvents(events);

    expect(first!.batchItemFailures).toHaveLength(6);
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(530); // still in rotation
    const [retry] = await world.deliverSpotEvents(events);
    expect(retry!.batchItemFailures).toEqual([]);
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(30);
  });

  it('below the threshold it is no storm: groups stay in rotation and the nodes are replaced at once', async () => {
    const world = spotCluster({ spotNodes: 30 });
    world.ec2.interrupt({ zone: 'eu-west-3a', instanceType: 'm5.8xlarge' }, 4, '20s');
    world.aws.advance('20s');

    await world.deliverSpotEvents();

    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();
    expect(world.aws.detachedInstances()).toHaveLength(4);
  });
});

describe('rebalance recommendations', () => {
  it('tag the node; the tag expires by itself after 30 minutes unless an interruption followed', async () => {
    const world = spotCluster();
    const [interruptedLater, hinted] = world.aws.view('spot-nodes-8x-a').instances.map((i) => i.instanceId);
    world.ec2.recommendRebalance([interruptedLater!, hinted!]);

    await world.deliverSpotEvents();

    expect(world.ec2.tagsOf(hinted!)).toMatchObject({ [SPOT_TAG.drain]: 'rebalance-recommendation', [SPOT_TAG.rebalanceAt]: '2026-11-27T20:00:00.000Z' });
    // A mere hint: no replacement.
    expect(world.aws.detachedInstances()).toEqual([]);

    world.aws.advance('1m');
    expect(world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1)).toEqual([interruptedLater]);
    await world.deliverSpotEvents();
    expect(world.ec2.tagsOf(interruptedLater!)[SPOT_TAG.drain]).toBe('spot-interruption');

    world.aws.advance('28m');
    expect((await world.sweepSpot()).expired).toBeNull();
    expect(world.ec2.tagsOf(hinted!)[SPOT_TAG.drain]).toBe('rebalance-recommendation');

    world.aws.advance('1m');
    const swept = await world.sweepSpot();

    expect(swept.expired?.instanceIds).toEqual([hinted]);
    expect(world.ec2.tagsOf(hinted!)[SPOT_TAG.drain]).toBeUndefined();
    expect(world.ec2.tagsOf(hinted!)[SPOT_TAG.rebalanceAt]).toBeUndefined();
    // The interrupted node keeps its drain tag while it still exists (detached, going at its deadline).
    expect(world.ec2.tagsOf(interruptedLater!)[SPOT_TAG.drain]).toBe('spot-interruption');
  });

  it('leaves a node alone when its group says rebalance: ignore', async () => {
    const world = spotCluster({ config: spotConfig('      groups:\n        - match: "-8x-a$"\n          rebalance: ignore') });
    const [node] = world.aws.view('spot-nodes-8x-a').instances.map((i) => i.instanceId);
    world.ec2.recommendRebalance([node!]);

    const [result] = await world.deliverSpotEvents();

    expect(result!.records[0]!.notes).toEqual(['rebalance policy of spot-nodes-8x-a is ignore']);
    expect(world.ec2.calls.get('createTags')).toBeUndefined();
  });

  it('with rebalance: replace, drains and replaces the node now; the sweep never expires its tag, and terminates it 30 minutes later', async () => {
    const world = spotCluster({ config: spotConfig('      rebalance: replace') });
    const [node] = world.aws.view('spot-nodes-8x-a').instances.map((i) => i.instanceId);
    world.ec2.recommendRebalance([node!]);

    await world.deliverSpotEvents();

    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drain]).toBe('rebalance-replace');
    expect(world.aws.detachedInstances().map((i) => i.instanceId)).toEqual([node]);
    expect(inService(world, 'spot-nodes-8x-a')).toBe(6);
    expect(world.eventBus.events).toHaveLength(1);

    // Drained by the cluster meanwhile, the detached node still runs outside its group: no one else would remove it.
    world.aws.advance('29m');
    expect(await world.sweepSpot()).toMatchObject({ expired: null, terminated: null });
    expect((await world.ec2.describeInstances([node!]))[0]?.state).toBe('running');

    world.aws.advance('1m');
    const swept = await world.sweepSpot();

    expect(swept).toMatchObject({ expired: null, terminated: { kind: 'terminate-detached', instanceIds: [node] } });
    expect((await world.ec2.describeInstances([node!]))[0]?.state).toBe('terminated');
    // Its replacement stays: the group is whole.
    expect(inService(world, 'spot-nodes-8x-a')).toBe(6);
    expect(world.ec2.calls.get('terminateInstances')).toBe(1);
    // Terminated once: a later sweep finds nothing to do.
    world.aws.advance('5m');
    expect(await world.sweepSpot()).toMatchObject({ expired: null, terminated: null });
  });

  it('under the kill switch or in dry-run the sweep only says what it would terminate', async () => {
    const world = spotCluster({ config: spotConfig('      rebalance: replace') });
    const [node] = world.aws.view('spot-nodes-8x-a').instances.map((i) => i.instanceId);
    world.ec2.recommendRebalance([node!]);
    await world.deliverSpotEvents();
    world.aws.advance('31m');

    for (const policy of [
      { ...world.policy, enabled: false },
      { ...world.policy, dryRun: true },
    ]) {
      const swept = await sweepRebalanceTags({ ...world.spotDeps, policy });
      expect(swept.terminated?.instanceIds).toEqual([node]);
    }

    expect(world.ec2.calls.get('terminateInstances')).toBeUndefined();
    expect((await world.ec2.describeInstances([node!]))[0]?.state).toBe('running');
  });

  it('with terminateDetachedAfter: never, a detached node is left running (someone else owns its end)', async () => {
    const world = spotCluster({ config: spotConfig('      rebalance: replace').replace('spot:\n', 'spot:\n  terminateDetachedAfter: never\n') });
    const [node] = world.aws.view('spot-nodes-8x-a').instances.map((i) => i.instanceId);
    world.ec2.recommendRebalance([node!]);
    await world.deliverSpotEvents();

    world.aws.advance('2h');

    expect(await world.sweepSpot()).toMatchObject({ expired: null, terminated: null });
    expect((await world.ec2.describeInstances([node!]))[0]?.state).toBe('running');
  });
});

describe('a Spot interruption warning from another account (item 5)', () => {
  it('is acknowledged and counted; the node of the same id here is neither tagged nor detached', async () => {
    const world = spotCluster();
    const [node] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1, '10s');
    world.aws.advance('10s');
    const events = world.ec2.takeEvents().map((event) => ({ ...event, account: '999999999999' }));

    const [result] = await world.deliverSpotEvents(events);

    expect(result!.batchItemFailures).toEqual([]);
    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drain]).toBeUndefined();
    expect(world.eventBus.events).toHaveLength(0);
    expect(world.spotDeps.metrics).toBe(world.metrics);
    expect(world.metrics.get('record.foreign-origin')).toBe(1);
  });
});

describe('the lease table unavailable (DynamoDB down) when Spot nodes are interrupted', () => {
  const unavailable = () => new FakeAwsError('ServiceUnavailable', 'DynamoDB is unavailable');

  it('still has the group launch the replacement before the 2-minute deadline, and acknowledges the record', async () => {
    const world = spotCluster();
    world.lock.down = unavailable();
    const [node] = world.ec2.interrupt({ group: 'spot-nodes-8x-a' }, 1);

    const [result] = await world.deliverSpotEvents();

    expect(result!.batchItemFailures).toEqual([]);
    expect(world.ec2.tagsOf(node!)[SPOT_TAG.drain]).toBe('spot-interruption');
    expect(world.aws.detachedInstances().map((i) => i.instanceId)).toEqual([node]);
    expect(world.aws.view('spot-nodes-8x-a').desiredCapacity).toBe(6);
    expect(inService(world, 'spot-nodes-8x-a')).toBe(6);
    expect(world.metrics.get('lock.store-down')).toBe(1);
  });

  it('in direct mode, takes a storming pool\u2019s groups out of rotation but leaves raising the fallbacks for when the lease is back', async () => {
    const world = spotCluster({ spotNodes: 30, config: `mode: direct\n${spotConfig('  storm:\n    interruptions: 10\n')}` });
    world.lock.down = unavailable();
    world.ec2.interrupt({ zone: 'eu-west-3a' }, 20, '30s');
    world.aws.advance('30s');

    const results = await world.deliverSpotEvents();

    expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
    for (const name of ['spot-nodes-8x-a', 'spot-nodes-8x-b']) expect(stateWord(world.aws.view(name).tags), name).toBe('suspended');
    expect(world.aws.view('on-demand-8x-a').desiredCapacity).toBe(2);
    expect(world.aws.view('on-demand-8x-b').desiredCapacity).toBe(2);
  });
});
