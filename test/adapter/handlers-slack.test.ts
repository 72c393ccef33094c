/**
 * The deployed failover handler tells Slack, end to end on moto: webhook URLs from SSM SecureString
 * parameters (Powertools Parameters), fold state in the lease table, the message posted to a local
 * HTTP server standing in for Slack — and when that server fails, the batch still succeeds.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { captureOutput, lambdaContext, stubLambdaEnvironment, writeExampleConfig } from '../support/lambda-env';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, REGION, clusterTags, motoAutoScalingClient } from '../support/moto-world';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver';
import { stateWord } from '../unit/failover/builders';

const endpoint = inject('motoEndpoint');
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';
const context = lambdaContext('capacity-guard-test-failover');

describe('the deployed failover handler and Slack', () => {
  const world = new MotoWorld(motoAutoScalingClient(endpoint));
  /** stdout and stderr. */
  let stdout: string[] = [];
  let slack: SlackReceiver;

  beforeAll(async () => {
    await resetMoto(endpoint);
    slack = await startSlackReceiver();
    const ssm = new SSMClient({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    // The example config routes critical to .../oncall and the rest to .../platform.
    for (const name of ['/capacity-guard/slack/oncall', '/capacity-guard/slack/platform']) {
      await ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: slack.url }));
    }
    stubLambdaEnvironment(
      endpoint,
      writeExampleConfig((example) => example.replace('timeout: 3s', 'timeout: 300ms').replace('maxRetries: 2', 'maxRetries: 0')),
    );
    // Info lines and EMF on stdout, warn and error lines on stderr: both, to check no URL is ever logged.
    stdout = captureOutput();
    await createLockTable(motoDynamoDbClient(endpoint));
    for (const name of ['spot-nodes-a', 'spot-nodes-b']) await world.group(name, { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 50, desiredCapacity: 2 });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await slack.close();
  });

  const failureOf = (group: string, id: string) =>
    asSqsRecord(launchUnsuccessfulEvent({ group, time: new Date().toISOString(), zone: 'eu-west-3a', statusMessage: ICE }), id);

  it('posts one message for the batch; the same failure delivered again tells nothing new', async () => {
    const { handler } = await import('../../functions/failover');
    const first = failureOf('spot-nodes-a', 'one');

    expect(await handler({ Records: [first] } as unknown as SQSEvent, context)).toEqual({ batchItemFailures: [] });
    // Every line of the invocation carries the EventBridge event id it answers.
    const eventId = (JSON.parse(first.body as string) as { id: string }).id;
    const lines = stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{"level"'));
    expect(lines.find((line) => line.includes('"actions decided"'))).toContain(`"correlation_id":"${eventId}"`);
    expect(lines.find((line) => line.includes('"Slack message sent"'))).toContain(`"correlation_id":"${eventId}"`);
    expect(slack.received.map((request) => request.body.text)).toEqual(['capacity-guard · prod-eu: 1 out of rotation']);

    // SQS delivers the same failure again: the group is already out, nothing is done, nothing told.
    expect(await handler({ Records: [failureOf('spot-nodes-a', 'again')] } as unknown as SQSEvent, context)).toEqual({ batchItemFailures: [] });
    expect(slack.received).toHaveLength(1);
    expect(JSON.stringify(stdout)).not.toContain('secret-token');
  });

  it('still acts and succeeds when Slack fails, counting notify.failed', async () => {
    const { handler } = await import('../../functions/failover');
    slack.script({ status: 500, body: 'internal_error' });

    expect(await handler({ Records: [failureOf('spot-nodes-b', 'two')] } as unknown as SQSEvent, context)).toEqual({ batchItemFailures: [] });

    expect(stateWord(await world.tags('spot-nodes-b'))).toBe('suspended');
    expect(stdout.join('')).toContain('"notify.failed"');
    // The failure is logged with the parameter's name (so the check below reads real log lines), never its URL.
    const logged = stdout
      .join('')
      .split('\n')
      .filter((line) => line.includes('Slack message not sent'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"parameter":"/capacity-guard/slack/platform"');
    expect(logged[0]).toContain('HTTP 500');
    expect(stdout.join('')).not.toContain('secret-token');
    expect(stdout.join('')).not.toContain('/services/T000/B000');
  });
});
