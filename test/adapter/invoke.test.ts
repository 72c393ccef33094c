/**
 * README "Hardening": a function run locally against moto with `capacity-guard invoke` (item 15).
 * The documented command path: main(['invoke', 'failover', '--event', <file>]) with the environment
 * pointed at moto, the handler's cold start included.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { fakeIo } from '../cli/fake-io';
import { captureOutput, stubLambdaEnvironment, writeExampleConfig } from '../support/lambda-env';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../support/moto-world';
import { stateWord } from '../unit/failover/builders';

const endpoint = inject('motoEndpoint');
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

describe('capacity-guard invoke on moto', () => {
  const world = new MotoWorld(motoAutoScalingClient(endpoint));

  beforeAll(async () => {
    await resetMoto(endpoint);
    stubLambdaEnvironment(endpoint, writeExampleConfig(), { POWERTOOLS_LOG_LEVEL: 'CRITICAL' });
    captureOutput([process.stdout]); // Powertools' EMF lines
    await createLockTable(motoDynamoDbClient(endpoint));
    await world.group('spot-nodes-a', { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 50, desiredCapacity: 2 });
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('runs the failover handler on a Lambda SQS event file: the failing group is taken out of rotation', async () => {
    const record = asSqsRecord(
      launchUnsuccessfulEvent({ group: 'spot-nodes-a', time: new Date().toISOString(), zone: 'eu-west-3a', statusMessage: ICE }),
      'm-1',
    );
    const { io, stdout, stderr } = fakeIo({ 'event.json': JSON.stringify({ Records: [record] }) }, process.env);

    const code = await main(['invoke', 'failover', '--event', 'event.json'], io);

    expect({ code, stderr: stderr() }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout())).toEqual({ batchItemFailures: [] });
    expect(stateWord(await world.tags('spot-nodes-a'))).toBe('suspended');
  });

  it('refuses an unknown function with exit 2', async () => {
    const { io, stderr } = fakeIo({}, process.env);

    expect(await main(['invoke', 'nope'], io)).toBe(2);
    expect(stderr()).toMatch(/^invoke: name a function: failover, reconcile, downscaler, spot, spotSweep/);
  });
});
