/**
 * The spot handlers, end to end on moto: functions/spot.ts and functions/spot-sweep.ts with their
 * middy + Powertools stack, the example config read at cold start, the adapters pointed at moto
 * through AWS_ENDPOINT_URL. One SQS batch holds two interruption warnings of the cluster's nodes,
 * one of another cluster's node, a rebalance recommendation and a malformed record.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createEc2Client, createEventBridgeClient } from '../../lib/aws/clients';
import { createEc2Adapter } from '../../lib/aws/ec2-adapter';
import { asSqsRecord } from '../../lib/fakes/aws-events';
import { SPOT_TAG } from '../../lib/spot/tags';
import { captureOutput, lambdaContext, stubLambdaEnvironment, writeExampleConfig } from '../support/lambda-env';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, REGION, clusterTags, motoAutoScalingClient } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const SIGNALS_TABLE = 'capacity-guard-test-signals';
const plain = () => ({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

function ec2Event(detailType: string, time: string, detail: Record<string, unknown>) {
  return {
    version: '0' as const,
    id: `id-${Math.random()}`,
    'detail-type': detailType,
    source: 'aws.ec2',
    account: '123456789012',
    time,
    region: REGION,
    resources: [],
    detail,
  };
}

const context = lambdaContext('capacity-guard-test-spot');

describe('the deployed spot handlers on moto', () => {
  const world = new MotoWorld(motoAutoScalingClient(endpoint));
  let ours: string[] = [];
  let theirs: string[] = [];

  beforeAll(async () => {
    await resetMoto(endpoint);
    stubLambdaEnvironment(endpoint, writeExampleConfig(), { CAPACITY_GUARD_SIGNALS_TABLE: SIGNALS_TABLE, POWERTOOLS_LOG_LEVEL: 'CRITICAL' });
    captureOutput([process.stdout]);
    const dynamo = motoDynamoDbClient(endpoint);
    await createLockTable(dynamo);
    await dynamo.send(
      new CreateTableCommand({
        TableName: SIGNALS_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await createEventBridgeClient(plain()).send(new CreateEventBusCommand({ Name: 'capacity-guard-drain-prod-eu' }));
    await world.group('spot-nodes-a', { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 10, desiredCapacity: 3 });
    await world.group('someone-elses-group', { tags: clusterTags('other-cluster'), minSize: 0, maxSize: 5, desiredCapacity: 1 });
    ours = ((await world.raw('spot-nodes-a')).Instances ?? []).map((instance) => instance.InstanceId!);
    theirs = ((await world.raw('someone-elses-group')).Instances ?? []).map((instance) => instance.InstanceId!);
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("spot: tags and detaches the cluster's interrupted nodes, leaves the other cluster's alone, dead-letters only the malformed record", async () => {
    const { handler } = await import('../../functions/spot');
    const now = new Date().toISOString();
    const records = [
      asSqsRecord(ec2Event('EC2 Spot Instance Interruption Warning', now, { 'instance-id': ours[0], 'instance-action': 'terminate' }), 'itn-0'),
      asSqsRecord(ec2Event('EC2 Spot Instance Interruption Warning', now, { 'instance-id': ours[1], 'instance-action': 'terminate' }), 'itn-1'),
      asSqsRecord(ec2Event('EC2 Spot Instance Interruption Warning', now, { 'instance-id': theirs[0], 'instance-action': 'terminate' }), 'foreign'),
      asSqsRecord(ec2Event('EC2 Instance Rebalance Recommendation', now, { 'instance-id': ours[2] }), 'hint'),
      { ...asSqsRecord(ec2Event('EC2 Instance Rebalance Recommendation', now, {}), 'malformed'), body: '{"source": "aws.ec2"' },
    ];

    const response = await handler({ Records: records } as unknown as SQSEvent, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'malformed' }] });
    const ec2 = createEc2Adapter(createEc2Client(plain()));
    const tags = new Map((await ec2.describeInstances([...ours, ...theirs])).map((instance) => [instance.instanceId, instance.tags]));
    expect([ours[0], ours[1]].map((id) => tags.get(id!)?.[SPOT_TAG.drain])).toEqual(['spot-interruption', 'spot-interruption']);
    expect(tags.get(ours[0]!)?.[SPOT_TAG.drainEvent]).toBe('published');
    expect(tags.get(ours[2]!)?.[SPOT_TAG.drain]).toBe('rebalance-recommendation');
    expect(tags.get(theirs[0]!)?.[SPOT_TAG.drain]).toBeUndefined();
    // Detached, desired unchanged: moto launches the replacements.
    const group = await world.raw('spot-nodes-a');
    expect(group.DesiredCapacity).toBe(3);
    const members = (group.Instances ?? []).map((instance) => instance.InstanceId);
    expect(members).toHaveLength(3);
    expect(members).not.toContain(ours[0]);
    expect(members).toContain(ours[2]);
  });

  it('spot-sweep: removes the rebalance tag older than the expiry', async () => {
    const { handler } = await import('../../functions/spot-sweep');
    // The hint of the test above, an hour old now (an hour-old event itself is refused as stale: item 6).
    await createEc2Adapter(createEc2Client(plain())).createTags([ours[2]!], { [SPOT_TAG.rebalanceAt]: new Date(Date.now() - 3_600_000).toISOString() });

    const result = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as never, context);

    expect(result).toEqual({ tagged: 1, expired: 1, terminated: 0 });
    const [instance] = await createEc2Adapter(createEc2Client(plain())).describeInstances([ours[2]!]);
    expect(instance!.tags[SPOT_TAG.drain]).toBeUndefined();
  });

  it('spot-sweep: terminates a node detached for replacement that is still running past its time, not one within it', async () => {
    const { handler } = await import('../../functions/spot-sweep');
    const ec2 = createEc2Adapter(createEc2Client(plain()));
    // ours[0] and ours[1] were detached by the first test (deadline in two minutes); EC2 (moto) never took ours[0].
    await ec2.createTags([ours[0]!], { [SPOT_TAG.deadline]: new Date(Date.now() - 3_600_000).toISOString() });

    const result = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as never, context);

    expect(result).toEqual({ tagged: 0, expired: 0, terminated: 1 });
    const states = new Map((await ec2.describeInstances([ours[0]!, ours[1]!])).map((instance) => [instance.instanceId, instance.state]));
    expect(['shutting-down', 'terminated']).toContain(states.get(ours[0]!));
    expect(states.get(ours[1]!)).toBe('running');
  });
});
