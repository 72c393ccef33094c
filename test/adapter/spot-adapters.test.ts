/**
 * The spot function's adapters against moto 5.2.5: EC2 (DescribeInstances, tags, AZ IDs),
 * DetachInstances, EventBridge PutEvents (checked through a rule → SQS, as moto has no
 * TestEventPattern), and the DynamoDB pool store.
 *
 * moto gaps seen here: DetachInstances removes aws:autoscaling:groupName from the instance (we
 * assume AWS does too and do not rely on either); instances of moto's groups are on-demand.
 */
import { CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createAutoScalingClient, createEc2Client, createEventBridgeClient } from '../../lib/aws/clients';
import { createDetachAdapter } from '../../lib/aws/detach-adapter';
import { createEc2Adapter } from '../../lib/aws/ec2-adapter';
import { createEventBusAdapter } from '../../lib/aws/event-bus-adapter';
import { createPoolSignalStore } from '../../lib/aws/pool-signal-store';
import { motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { motoSqs, xmlValues } from '../support/moto-sqs';
import { REGION, ZONE, clusterTags } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const config = () => ({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

const sqs = (params: Record<string, string>) => motoSqs(endpoint, params);

async function groupWithInstances(name: string, desired: number, tags: Record<string, string>): Promise<string[]> {
  const autoScaling = createAutoScalingClient(config());
  await autoScaling.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: `${name}-lc`, ImageId: 'ami-12c6146b', InstanceType: 'm5.large' }));
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchConfigurationName: `${name}-lc`,
      AvailabilityZones: [ZONE],
      MinSize: 0,
      MaxSize: 10,
      DesiredCapacity: desired,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true })),
    }),
  );
  const described = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return (described.AutoScalingGroups?.[0]?.Instances ?? []).map((instance) => instance.InstanceId ?? '');
}

describe('the EC2 adapter', () => {
  beforeEach(() => resetMoto(endpoint));

  it('describes a batch of instances in one call: group, cluster tags, AZ name and ID, type, market, node name; unknown ids left out', async () => {
    const ids = await groupWithInstances('spot-nodes-a', 3, clusterTags('prod'));
    const ec2 = createEc2Adapter(createEc2Client(config()));

    const instances = await ec2.describeInstances([...ids, 'i-0123456789abcdef0']);

    expect(instances.map((instance) => instance.instanceId).sort()).toEqual([...ids].sort());
    const [first] = instances;
    expect(first).toMatchObject({
      state: 'running',
      availabilityZone: ZONE,
      availabilityZoneId: expect.stringMatching(/^euw3-az\d$/),
      instanceType: 'm5.large',
      market: 'on-demand',
      autoScalingGroupName: 'spot-nodes-a',
      privateDnsName: expect.stringContaining('.internal'),
    });
    expect(first!.tags).toMatchObject({ 'aws:autoscaling:groupName': 'spot-nodes-a', 'k8s.io/cluster-autoscaler/prod': 'owned' });
  });

  it('reads the Spot lifecycle', async () => {
    const ec2Client = createEc2Client(config());
    const run = await ec2Client.send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, InstanceMarketOptions: { MarketType: 'spot' } }),
    );
    const id = run.Instances?.[0]?.InstanceId ?? '';

    const [instance] = await createEc2Adapter(ec2Client).describeInstances([id]);

    expect(instance).toMatchObject({ instanceId: id, market: 'spot', autoScalingGroupName: null });
  });

  it('tags many instances in one call, finds them by tag, removes the tags', async () => {
    const ids = await groupWithInstances('spot-nodes-a', 3, clusterTags('prod'));
    const ec2 = createEc2Adapter(createEc2Client(config()));

    await ec2.createTags(ids.slice(0, 2), { 'capacity-guard/drain': 'rebalance-recommendation', 'capacity-guard/rebalance-at': '2026-11-27T20:00:00.000Z' });
    const tagged = await ec2.findTagged('capacity-guard/drain', ['rebalance-recommendation']);
    expect(tagged.map((instance) => instance.instanceId).sort()).toEqual(ids.slice(0, 2).sort());

    await ec2.deleteTags(ids.slice(0, 2), ['capacity-guard/drain', 'capacity-guard/rebalance-at']);
    expect(await ec2.findTagged('capacity-guard/drain', ['rebalance-recommendation'])).toEqual([]);
    const [after] = await ec2.describeInstances([ids[0]!]);
    expect(after!.tags['k8s.io/cluster-autoscaler/prod']).toBe('owned');
  });

  it('terminates instances in one call, leaving out ids EC2 no longer knows', async () => {
    const ids = await groupWithInstances('spot-nodes-a', 2, clusterTags('prod'));
    const ec2 = createEc2Adapter(createEc2Client(config()));

    await ec2.terminateInstances([ids[0]!, 'i-0123456789abcdef0']);

    const states = new Map((await ec2.describeInstances(ids)).map((instance) => [instance.instanceId, instance.state]));
    expect(['shutting-down', 'terminated']).toContain(states.get(ids[0]!));
    expect(states.get(ids[1]!)).toBe('running');
  });
});

describe('the DetachInstances adapter', () => {
  beforeEach(() => resetMoto(endpoint));

  it('detaches without decrementing desired: the group launches replacements; an instance already gone is skipped', async () => {
    const ids = await groupWithInstances('spot-nodes-a', 3, clusterTags('prod'));
    const autoScaling = createAutoScalingClient(config());
    const detach = createDetachAdapter(autoScaling);

    await detach.detachInstances('spot-nodes-a', [ids[0]!, ids[1]!]);
    await detach.detachInstances('spot-nodes-a', [ids[0]!]); // a duplicate: already detached

    const group = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['spot-nodes-a'] }))).AutoScalingGroups![0]!;
    expect(group.DesiredCapacity).toBe(3);
    const members = (group.Instances ?? []).map((instance) => instance.InstanceId);
    expect(members).toHaveLength(3);
    expect(members).not.toContain(ids[0]);
    expect(members).not.toContain(ids[1]);
  });
});

describe('the EventBridge adapter', () => {
  beforeEach(() => resetMoto(endpoint));

  it('publishes drain events on a bus, 10 entries a call, delivered through a rule to SQS', async () => {
    const events = createEventBridgeClient(config());
    await events.send(new CreateEventBusCommand({ Name: 'capacity-guard-drain-prod' }));
    const queueUrl = xmlValues(await sqs({ Action: 'CreateQueue', QueueName: 'drains' }), 'QueueUrl')[0]!;
    const queueArn = `arn:aws:sqs:${REGION}:123456789012:drains`;
    await events.send(
      new PutRuleCommand({
        Name: 'drains',
        EventBusName: 'capacity-guard-drain-prod',
        EventPattern: JSON.stringify({ source: ['capacity-guard'], 'detail-type': ['Node Drain Requested'] }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'drains', EventBusName: 'capacity-guard-drain-prod', Targets: [{ Id: 'q', Arn: queueArn }] }));

    const bus = createEventBusAdapter(events);
    const entries = Array.from({ length: 12 }, (_, index) => ({
      eventBusName: 'capacity-guard-drain-prod',
      source: 'capacity-guard',
      detailType: 'Node Drain Requested',
      detail: { cluster: 'prod', nodes: [{ instanceId: `i-${index}` }] },
    }));
    const result = await bus.putEvents(entries);

    expect(result.failed).toEqual([]);
    const received: string[] = [];
    for (let attempt = 0; attempt < 5 && received.length < 12; attempt++) {
      const page = await sqs({ Action: 'ReceiveMessage', QueueUrl: queueUrl, MaxNumberOfMessages: '10' });
      for (const body of xmlValues(page, 'Body')) received.push(JSON.parse(body).detail.nodes[0].instanceId);
    }
    expect(received.sort()).toEqual(entries.map((entry) => entry.detail.nodes[0]!.instanceId).sort());
  });
});

describe('the DynamoDB pool store', () => {
  const TABLE = 'capacity-guard-test-signals';
  const pool = { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' as const };
  const windowMs = 600_000;
  const at = (offsetMs: number) => new Date(Date.parse('2026-11-27T21:00:00Z') + offsetMs);
  let client: DynamoDBClient;

  beforeEach(async () => {
    await resetMoto(endpoint);
    client = motoDynamoDbClient(endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  });

  it('counts distinct instances per pool in the window, a duplicate once, and remembers the groups', async () => {
    const store = createPoolSignalStore(client, TABLE);
    const first = await store.recordInterruptions(
      pool,
      'eu-west-3a',
      [
        { instanceId: 'i-1', time: at(0).toISOString(), group: 'spot-nodes-a' },
        { instanceId: 'i-2', time: at(30_000).toISOString(), group: 'spot-nodes-b' },
      ],
      windowMs,
      at(30_000),
    );
    expect(first).toMatchObject({ interruptions: 2, groups: ['spot-nodes-a', 'spot-nodes-b'], zoneName: 'eu-west-3a', stormSignaledAt: null });

    const again = await store.recordInterruptions(
      pool,
      'eu-west-3a',
      [
        { instanceId: 'i-2', time: at(30_000).toISOString(), group: 'spot-nodes-b' }, // duplicate
        { instanceId: 'i-3', time: at(60_000).toISOString(), group: null },
      ],
      windowMs,
      at(60_000),
    );
    expect(again.interruptions).toBe(3);

    // Twelve minutes on, i-1..i-3 fell out of the 10-minute window: only the new one counts.
    const later = await store.recordInterruptions(
      pool,
      'eu-west-3a',
      [{ instanceId: 'i-4', time: at(720_000).toISOString(), group: 'spot-nodes-a' }],
      windowMs,
      at(720_000),
    );
    expect(later.interruptions).toBe(1);
  });

  it('remembers when a storm was handed to the core', async () => {
    const store = createPoolSignalStore(client, TABLE);
    await store.recordInterruptions(pool, 'eu-west-3a', [{ instanceId: 'i-1', time: at(0).toISOString(), group: 'g' }], windowMs, at(0));

    await store.markStormSignaled(pool, at(5_000), windowMs);

    const state = await store.recordInterruptions(pool, 'eu-west-3a', [], windowMs, at(6_000));
    expect(state.stormSignaledAt).toBe(at(5_000).toISOString());
    expect(state.interruptions).toBe(1);
  });

  it('lists every live pool as any reader of the account sees it, most interruptions first, expired items left out', async () => {
    const store = createPoolSignalStore(client, TABLE);
    const other = { zoneId: 'euw3-az2', instanceType: 'r5.8xlarge', market: 'spot' as const };
    const old = { zoneId: 'euw3-az3', instanceType: 'c5.4xlarge', market: 'spot' as const };
    await store.recordInterruptions(old, 'eu-west-3c', [{ instanceId: 'i-9', time: at(-3_600_000).toISOString(), group: 'g' }], windowMs, at(-3_600_000));
    await store.recordInterruptions(pool, 'eu-west-3a', [{ instanceId: 'i-1', time: at(0).toISOString(), group: 'spot-nodes-a' }], windowMs, at(0));
    await store.recordInterruptions(
      other,
      'eu-west-3b',
      ['i-2', 'i-3'].map((instanceId) => ({ instanceId, time: at(0).toISOString(), group: 'spot-nodes-b' })),
      windowMs,
      at(0),
    );
    await store.markStormSignaled(other, at(1_000), windowMs);

    const pools = await store.listPools(windowMs, at(60_000));

    expect(pools).toEqual([
      { pool: other, zoneName: 'eu-west-3b', interruptions: 2, groups: ['spot-nodes-b'], stormSignaledAt: at(1_000).toISOString() },
      { pool, zoneName: 'eu-west-3a', interruptions: 1, groups: ['spot-nodes-a'], stormSignaledAt: null },
    ]);
  });

  it('keeps pools out apart from the interruption counts: written in batches of 25, read back live, the freshest mark per pool', async () => {
    const store = createPoolSignalStore(client, TABLE);
    const mark = (index: number, until: Date) => ({
      pool: { zoneId: '', instanceType: `m${index}.large`, market: 'spot' as const },
      zoneName: 'eu-west-3a',
      evidence: 'InsufficientInstanceCapacity',
      source: 'launch-failure' as const,
      group: `spot-nodes-${index}`,
      account: null,
      seenAt: at(0).toISOString(),
      until: until.toISOString(),
    });
    await store.recordInterruptions(pool, 'eu-west-3a', [{ instanceId: 'i-1', time: at(0).toISOString(), group: 'spot-nodes-a' }], windowMs, at(0));
    const marks = Array.from({ length: 30 }, (_, index) => mark(index, at(300_000)));
    await store.recordPoolsOut([...marks, mark(0, at(600_000)), mark(99, at(-1_000))]);
    const remote = {
      ...mark(1, at(300_000)),
      pool: { zoneId: 'euw3-az2', instanceType: 'm1.large', market: 'spot' as const },
      zoneName: null,
      account: '111122223333',
      source: 'remote' as const,
      group: null,
      firstSeen: at(-30_000).toISOString(),
      count: 3,
    };
    await store.recordPoolsOut([remote]);

    const outs = await store.listPoolsOut(at(60_000));

    expect(outs).toHaveLength(31);
    expect(outs.find((out) => out.group === 'spot-nodes-0')?.until).toBe(at(600_000).toISOString());
    expect(outs.find((out) => out.account === '111122223333')).toEqual(remote);
    // A mark written without first-seen and count (as before they were kept) reads back without them.
    expect(outs.find((out) => out.group === 'spot-nodes-5')).not.toHaveProperty('count');
    expect(await store.listPools(windowMs, at(60_000))).toHaveLength(1);
    expect(await store.listPoolsOut(at(400_000))).toHaveLength(1);
  });
});
