/**
 * functions/downscaler.ts end to end on moto: middy + Powertools stack, the config read at cold
 * start, the SDK adapter through AWS_ENDPOINT_URL, the lease on moto's DynamoDB.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DOWNSCALER_TAG } from '../../lib/vocabulary/downscaler-tags';
import { captureOutput, lambdaContext, stubLambdaEnvironment, writeExampleConfig } from '../support/lambda-env';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../support/moto-world';
import { signed } from '../unit/failover/builders';

const endpoint = inject('motoEndpoint');

const context = lambdaContext('capacity-guard-test-downscaler', 60_000);

describe('the downscaler handler on moto', () => {
  const world = new MotoWorld(motoAutoScalingClient(endpoint));

  beforeAll(async () => {
    await resetMoto(endpoint);
    // The example config, switched on, with staging-eu down all the time and no grace (moto's groups are brand new).
    const config = writeExampleConfig((example) => {
      const edited = example
        .replace('enabled: false         # off by default', 'enabled: true          # off by default')
        .replace('grace: 15m', 'grace: 0s')
        .replace('downtime: never ', 'downtime: always ');
      expect(edited).toContain('downtime: always');
      return edited;
    });
    stubLambdaEnvironment(endpoint, config, { POWERTOOLS_LOG_LEVEL: 'CRITICAL' });
    captureOutput([process.stdout]);
    await createLockTable(motoDynamoDbClient(endpoint));
    await world.group('staging-spot', { tags: clusterTags('staging-eu'), minSize: 0, maxSize: 10, desiredCapacity: 2 });
    await world.group('prod-spot', { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 10, desiredCapacity: 2 });
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('takes the staging group down, leaves production, and finds nothing to do on the next run', async () => {
    const { handler } = await import('../../functions/downscaler');
    const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as never;

    expect(await handler(event, context)).toEqual({ groups: 1, actions: 1, skipped: 0, failedActions: 0 });
    const staging = await world.raw('staging-spot');
    expect([staging.MinSize, staging.DesiredCapacity, staging.MaxSize]).toEqual([0, 0, 0]);
    expect((await world.tags('staging-spot'))[DOWNSCALER_TAG.saved]).toBe(signed('staging-spot', '0,2,10'));
    expect((await world.raw('prod-spot')).DesiredCapacity).toBe(2);

    expect(await handler(event, context)).toEqual({ groups: 1, actions: 0, skipped: 0, failedActions: 0 });
  });
});
