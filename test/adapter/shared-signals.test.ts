/**
 * The shared capacity signals' AWS side on moto 5.2.5: the signals bus with its resource policy
 * (PutPermission for one account), a rule on it → SQS (checked by PutEvents, as moto has no
 * TestEventPattern), the publisher through the real EventBridge adapter (10 entries a call), and
 * the publication claims' conditional write on DynamoDB.
 *
 * moto gap seen here: events routed to SQS carry no `account`, so the receiver refuses them ("the
 * sender cannot be verified"); on AWS EventBridge sets it to the sender.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, DescribeEventBusCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createEventBridgeClient } from '../../lib/aws/clients';
import { createEventBusAdapter } from '../../lib/aws/event-bus-adapter';
import { createPublicationClaims } from '../../lib/aws/publication-claims';
import { resolveSharedSignals, SharedSignalsSchema } from '../../lib/config/shared-signals-schema';
import { silentLog, MetricsRecorder } from '../../lib/fakes/recorders';
import { admitSignal } from '../../lib/shared-signals/admit';
import { publishEvidence } from '../../lib/shared-signals/publish';
import { parseSharedSignalRecord } from '../../lib/parse/shared-pool-signal';
import { motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { motoSqs, xmlValues } from '../support/moto-sqs';
import { REGION } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const config = () => ({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const MOTO_ACCOUNT = '123456789012';
const PEER = '111111111111';
const BUS = 'capacity-guard-signals';

const sqs = (params: Record<string, string>) => motoSqs(endpoint, params);

/** The CapacitySignalsTable's shape (serverless.yml): one string key `pk`. */
async function createSignalsTable(dynamo: ReturnType<typeof motoDynamoDbClient>): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'signals',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
}

describe('shared signals on moto', () => {
  beforeEach(() => resetMoto(endpoint));

  it('publishes 12 pools through a policy-scoped bus and a rule to SQS; the receiver reads each, and refuses them for want of an account (moto)', async () => {
    const events = createEventBridgeClient(config());
    await events.send(new CreateEventBusCommand({ Name: BUS }));
    await events.send(new PutPermissionCommand({ EventBusName: BUS, Action: 'events:PutEvents', Principal: PEER, StatementId: 'peer' }));
    const policy = JSON.parse((await events.send(new DescribeEventBusCommand({ Name: BUS }))).Policy ?? '{}') as {
      Statement: { Principal: unknown; Action: string }[];
    };
    expect(policy.Statement).toEqual([expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${PEER}:root` }, Action: 'events:PutEvents' })]);

    const queueUrl = xmlValues(await sqs({ Action: 'CreateQueue', QueueName: 'signals' }), 'QueueUrl')[0]!;
    await events.send(
      new PutRuleCommand({
        Name: 'signals',
        EventBusName: BUS,
        EventPattern: JSON.stringify({ source: ['capacity-guard.signals'], 'detail-type': ['Capacity Pool Signal'] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: 'signals', EventBusName: BUS, Targets: [{ Id: 'q', Arn: `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT}:signals` }] }),
    );

    const dynamo = motoDynamoDbClient(endpoint);
    await createSignalsTable(dynamo);
    const shared = resolveSharedSignals(SharedSignalsSchema.parse({ accounts: [PEER, MOTO_ACCOUNT] }))!;
    const now = new Date();
    const evidence = Array.from({ length: 12 }, (_, index) => ({
      zone: { id: `euw3-az${(index % 3) + 1}` },
      instanceType: `m${5 + Math.floor(index / 3)}.8xlarge`,
      market: 'spot' as const,
      kind: 'capacity-failure' as const,
      evidence: 1,
      firstSeen: now.toISOString(),
      lastSeen: now.toISOString(),
    }));
    const metrics = new MetricsRecorder();
    const deps = {
      policy: shared,
      own: { account: PEER, region: REGION },
      eventBus: createEventBusAdapter(events),
      claims: createPublicationClaims(dynamo, 'signals'),
      zoneIds: async () => new Map<string, string>(),
      poolsOfGroup: async () => [],
      log: silentLog,
      metrics,
      now: () => now,
    };

    expect(await publishEvidence(evidence, deps)).toEqual({ sent: 12, failed: 0, skipped: 0 });
    // The claims hold: the same pools again within the interval are not sent.
    expect(await publishEvidence(evidence, deps)).toEqual({ sent: 0, failed: 0, skipped: 12 });

    const received: ReturnType<typeof parseSharedSignalRecord>[] = [];
    for (let page = 0; page < 3 && received.length < 12; page++) {
      const xml = await sqs({ Action: 'ReceiveMessage', QueueUrl: queueUrl, MaxNumberOfMessages: '10' });
      for (const [index, body] of xmlValues(xml, 'Body').entries()) received.push(parseSharedSignalRecord({ messageId: `m-${page}-${index}`, body }));
    }
    expect(received.map((outcome) => outcome.outcome)).toEqual(Array(12).fill('signal'));
    const first = received[0]!;
    if (first.outcome !== 'signal') throw new Error('not a signal');
    expect(first.signal.originAccount).toBe(PEER);
    expect(first.sender.account).toBeNull();
    expect(admitSignal(first.signal, first.sender, shared, { account: MOTO_ACCOUNT, region: REGION })).toEqual({
      verdict: 'refuse',
      reason: 'the envelope carries no account: the sender cannot be verified',
    });
  });

  it('claims a recovery only after an out of the same pool, once, on a conditional write DynamoDB checks', async () => {
    const dynamo = motoDynamoDbClient(endpoint);
    await createSignalsTable(dynamo);
    const claims = createPublicationClaims(dynamo, 'signals');
    const pool = { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' as const };
    const times = { intervalMs: 60_000, heldMs: 1_800_000 };
    const t0 = Date.parse('2026-12-04T12:00:00Z');
    const at = (seconds: number) => new Date(t0 + seconds * 1000);
    expect(await claims.claimPublication(pool, 'recovered', at(0), times)).toBe(false);
    expect(await claims.claimPublication(pool, 'out', at(0), times)).toBe(true);
    expect(await claims.claimPublication(pool, 'out', at(30), times)).toBe(false);
    expect(await claims.claimPublication(pool, 'recovered', at(40), times)).toBe(true);
    expect(await claims.claimPublication(pool, 'recovered', at(200), times)).toBe(false);
    expect(await claims.claimPublication(pool, 'out', at(200), times)).toBe(true);
    expect(await claims.claimPublication(pool, 'recovered', at(210), times)).toBe(true);
    expect(await claims.claimPublication(pool, 'out', at(300), times)).toBe(true);
    expect(await claims.claimPublication(pool, 'recovered', at(300 + 1800), times)).toBe(false);
  });
});
