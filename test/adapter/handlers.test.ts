/**
 * The deployed handlers, end to end on moto: functions/*.ts with their middy + Powertools stack,
 * the config read at cold start, the SDK adapter pointed at moto through AWS_ENDPOINT_URL.
 * One SQS batch holds a Spot ICE failure, a malformed record and a foreign group's event.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { captureOutput, emittedMetricNames, lambdaContext, stubLambdaEnvironment, writeExampleConfig } from '../support/lambda-env';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../support/moto-world';
import { guardOf, stateWord } from '../unit/failover/builders';

const endpoint = inject('motoEndpoint');
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

describe('the deployed handlers on moto', () => {
  const world = new MotoWorld(motoAutoScalingClient(endpoint));
  let stdout: string[] = [];
  const emittedMetrics = () => emittedMetricNames(stdout);

  beforeAll(async () => {
    await resetMoto(endpoint);
    stubLambdaEnvironment(
      endpoint,
      writeExampleConfig((example) => example.replace('initial: 3m', 'initial: 1s')),
      { POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
    );
    // The EMF metrics, to assert on.
    stdout = captureOutput([process.stdout]);
    await createLockTable(motoDynamoDbClient(endpoint));
    await world.group('spot-nodes-a', { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 50, desiredCapacity: 2 });
    await world.group('on-demand-a', { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 50, desiredCapacity: 0 });
    await world.group('someone-elses-group', { tags: clusterTags('other-cluster'), minSize: 0, maxSize: 5, desiredCapacity: 1 });
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('failover: suspends the failing group, dead-letters only the malformed record, acknowledges the foreign one', async () => {
    const { handler } = await import('../../functions/failover');
    const time = new Date().toISOString();
    const failure = asSqsRecord(launchUnsuccessfulEvent({ group: 'spot-nodes-a', time, zone: 'eu-west-3a', statusMessage: ICE }), 'failure');
    const foreign = asSqsRecord(launchUnsuccessfulEvent({ group: 'someone-elses-group', time, zone: 'eu-west-3a', statusMessage: ICE }), 'foreign');
    const malformed = {
      ...asSqsRecord(launchUnsuccessfulEvent({ group: 'spot-nodes-a', time, zone: 'eu-west-3a', statusMessage: ICE }), 'malformed'),
      body: '{"detail-type": ',
    };

    const response = await handler({ Records: [failure, malformed, foreign] } as unknown as SQSEvent, lambdaContext('capacity-guard-test-failover'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'malformed' }] });
    const group = await world.raw('spot-nodes-a');
    expect({ desired: group.DesiredCapacity, max: group.MaxSize }).toEqual({ desired: 2, max: 2 });
    const tags = await world.tags('spot-nodes-a');
    expect(stateWord(tags)).toBe('suspended');
    expect(guardOf({ name: 'spot-nodes-a', tags })).toMatchObject({ saved: { minSize: 0, desiredCapacity: 2, maxSize: 50 } });
    expect(stateWord(await world.tags('someone-elses-group'))).toBeUndefined();
    expect(emittedMetrics()).toEqual(expect.arrayContaining(['action.suspend-group', 'record.invalid', 'signal.foreign-group', 'failover.latency']));
  });

  it('reconcile: once the backoff is over, opens the group half-way', async () => {
    const { handler } = await import('../../functions/reconcile');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // backoff.initial is 1s in this config

    const result = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as never,
      lambdaContext('capacity-guard-test-reconcile'),
    );

    expect(result).toMatchObject({ failedActions: 0 });
    expect((await world.raw('spot-nodes-a')).MaxSize).toBe(3);
    expect(stateWord(await world.tags('spot-nodes-a'))).toBe('probing');
  });
});
