/**
 * functions/downscaler.ts end to end on moto: middy + Powertools stack, the config read at cold
 * start, the SDK adapter through AWS_ENDPOINT_URL, the lease on moto's DynamoDB.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DOWNSCALER_TAG } from '../../lib/downscaler/tags';
import { LOCK_TABLE, createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../support/moto-world';

const endpoint = inject('motoEndpoint');

const context = { functionName: 'capacity-guard-test-downscaler', awsRequestId: 'd6af9ac6-7b61-11e6-9a41-93e812345678', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('the downscaler handler on moto', () => {
  const world = new MotoWorld(motoAutoScalingClient(endpoint));
  const stdout: string[] = [];

  beforeAll(async () => {
    await resetMoto(endpoint);
    const dir = mkdtempSync(join(tmpdir(), 'capacity-guard-'));
    const config = join(dir, 'capacity-guard.yml');
    // The example config, switched on, with staging-eu down all the time and no grace (moto's groups are brand new).
    const example = readFileSync('capacity-guard.example.yml', 'utf8')
      .replace('enabled: false         # off by default', 'enabled: true          # off by default')
      .replace('grace: 15m', 'grace: 0s')
      .replace('downtime: never ', 'downtime: always ');
    expect(example).toContain('downtime: always');
    writeFileSync(config, example);
    vi.stubEnv('CAPACITY_GUARD_CONFIG', config);
    vi.stubEnv('CAPACITY_GUARD_LOCK_TABLE', LOCK_TABLE);
    vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-3');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'capacity-guard');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'CapacityGuard');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'CRITICAL');
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
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
    expect((await world.tags('staging-spot'))[DOWNSCALER_TAG.saved]).toBe('0,2,10');
    expect((await world.raw('prod-spot')).DesiredCapacity).toBe(2);

    expect(await handler(event, context)).toEqual({ groups: 1, actions: 0, skipped: 0, failedActions: 0 });
  });
});
