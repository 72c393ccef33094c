/**
 * Runs in its own Node process (started by scripts/bench/failover-deployed.ts: the Lambda environment is
 * process-wide): moto behind a counting proxy, the world the packaged failover handler expects (the
 * example config's cluster, the lease and signals tables, the Slack parameters pointing at a local
 * receiver), then the bundle imported as Lambda would and invoked with an SQS batch of one
 * launch failure, N times. Answers over IPC: each invocation's wall time and the calls it made.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DeleteTagsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ACCOUNT, asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { FAILOVER_TAG_KEYS } from '../../lib/vocabulary/tags';
import { LOCK_TABLE, createLockTable, motoDynamoDbClient } from '../../test/support/moto-lock';
import { MotoWorld, REGION, ZONE, clusterTags, motoAutoScalingClient } from '../../test/support/moto-world';
import { startSlackReceiver } from '../../test/support/slack-receiver';
import { startCountingProxy } from './counting-proxy';

export interface DeployedRun {
  timingsMs: number[];
  /** Of each invocation's time, how long its AWS calls waited on moto. */
  motoMs: number[];
  calls: string[][];
}

const SIGNALS_TABLE = 'capacity-guard-bench-signals';
const GROUP = 'spot-nodes-a';
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

const moto = process.env.CG_BENCH_MOTO!;
const bundle = process.env.CG_BENCH_BUNDLE!;
const config = process.env.CG_BENCH_CONFIG!;
const invocations = Number(process.env.CG_BENCH_INVOCATIONS);

const proxy = await startCountingProxy(moto);
const slack = await startSlackReceiver();
const autoScaling = motoAutoScalingClient(moto);
const dynamo = motoDynamoDbClient(moto);
const world = new MotoWorld(autoScaling);
for (const name of [GROUP, 'spot-nodes-b', 'on-demand-a'])
  await world.group(name, { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 50, desiredCapacity: name.startsWith('spot') ? 2 : 0 });
await createLockTable(dynamo);
await createLockTable(dynamo, SIGNALS_TABLE);
const ssm = new SSMClient({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
// capacity-guard.example.yml routes critical to .../oncall and the rest to .../platform.
for (const name of ['/capacity-guard/slack/oncall', '/capacity-guard/slack/platform'])
  await ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: slack.url }));

// What serverless.yml and Lambda give the failover function, with AWS behind the counting proxy.
Object.assign(process.env, {
  CAPACITY_GUARD_CONFIG: config,
  CAPACITY_GUARD_LOCK_TABLE: LOCK_TABLE,
  CAPACITY_GUARD_SIGNALS_TABLE: SIGNALS_TABLE,
  CAPACITY_GUARD_ACCOUNT_ID: ACCOUNT,
  POWERTOOLS_SERVICE_NAME: 'capacity-guard',
  POWERTOOLS_METRICS_NAMESPACE: 'CapacityGuard',
  AWS_ENDPOINT_URL: proxy.endpoint,
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_LAMBDA_FUNCTION_NAME: 'capacity-guard-bench-failover',
});
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> };
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'capacity-guard-bench-failover',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:capacity-guard-bench-failover`,
  memoryLimitInMB: '256',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/capacity-guard-bench-failover',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 20_000,
  done() {},
  fail() {},
  succeed() {},
} as Context;

/** Back to a healthy group and no fold state: every invocation is a first failure. Not counted (straight to moto). */
async function healthy(): Promise<void> {
  await autoScaling.send(
    new DeleteTagsCommand({
      Tags: FAILOVER_TAG_KEYS.map((Key) => ({ ResourceId: GROUP, ResourceType: 'auto-scaling-group', Key })),
    }),
  );
  await autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, MinSize: 0, MaxSize: 50, DesiredCapacity: 2 }));
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: LOCK_TABLE }));
  for (const item of Items.filter((candidate) => candidate.pk?.S?.startsWith('notify#')))
    await dynamo.send(new DeleteItemCommand({ TableName: LOCK_TABLE, Key: { pk: item.pk! } }));
}

const run: DeployedRun = { timingsMs: [], motoMs: [], calls: [] };
try {
  for (let i = 0; i < invocations; i++) {
    await healthy();
    const record = asSqsRecord(launchUnsuccessfulEvent({ group: GROUP, time: new Date().toISOString(), zone: ZONE, statusMessage: ICE }), `bench-${i}`);
    proxy.reset();
    const started = performance.now();
    const response = await handler({ Records: [record] } as unknown as SQSEvent, context);
    run.timingsMs.push(performance.now() - started);
    run.calls.push(proxy.calls());
    run.motoMs.push(proxy.upstreamMs());
    if (response.batchItemFailures.length) throw new Error(`the packaged failover failed its record: ${JSON.stringify(response)}`);
  }
  if (slack.received.length < invocations) throw new Error(`Slack got ${slack.received.length} messages for ${invocations} suspensions`);
  process.send!(run);
} finally {
  await slack.close();
  await proxy.close();
}
