/**
 * The queue adapter on moto's SQS: a record handed back is visible again after the seconds asked,
 * not after the queue's visibility timeout. (moto accepts any receipt handle, so the per-entry
 * failures AWS returns are tested with a mocked client: test/unit/aws/sqs-adapter.test.ts.)
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createSqsQueueAdapter } from '../../lib/aws/sqs-adapter';
import { resetMoto } from '../support/moto-server';
import { motoSqs, xmlValues } from '../support/moto-sqs';
import { REGION } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const ACCOUNT = '123456789012';
const QUEUE = 'capacity-guard-launch-events';
const ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE}`;

const sqs = (params: Record<string, string>) => motoSqs(endpoint, params);
const client = () =>
  new SQSClient({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, useQueueUrlAsEndpoint: false });

async function queueWithOneMessage(): Promise<string> {
  const url = xmlValues(
    await sqs({ Action: 'CreateQueue', QueueName: QUEUE, 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '120' }),
    'QueueUrl',
  )[0]!;
  await sqs({ Action: 'SendMessage', QueueUrl: url, MessageBody: '{"detail-type":"EC2 Instance Launch Unsuccessful"}' });
  return url;
}

const receive = async (url: string) => xmlValues(await sqs({ Action: 'ReceiveMessage', QueueUrl: url, MaxNumberOfMessages: '10' }), 'ReceiptHandle');

describe('SQS queue adapter on moto', () => {
  beforeEach(() => resetMoto(endpoint));

  it('makes a handed-back record visible again at once instead of after the 120 s timeout', async () => {
    const url = await queueWithOneMessage();
    const [handle] = await receive(url);
    expect(await receive(url)).toEqual([]); // in flight: invisible for 120 s

    await createSqsQueueAdapter(client()).retrySoon([{ queueArn: ARN, receiptHandle: handle!, seconds: 0 }]);

    expect(await receive(url)).toHaveLength(1);
  });
});
