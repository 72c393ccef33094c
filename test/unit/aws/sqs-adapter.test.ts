/** The queue adapter with aws-sdk-client-mock: ChangeMessageVisibilityBatch, 10 entries a call, per queue. */
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSqsQueueAdapter, queueUrlOf } from '../../../lib/aws/sqs-adapter';

const ARN = 'arn:aws:sqs:eu-west-3:123456789012:capacity-guard-launch-events';

describe('SQS queue adapter', () => {
  it('makes 23 handed-back records visible again in 5 s, 10 a call, on the queue named by their ARN', async () => {
    const client = new SQSClient({ region: 'eu-west-3' });
    const mock = mockClient(client);
    mock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });

    await createSqsQueueAdapter(client).retrySoon(Array.from({ length: 23 }, (_, index) => ({ queueArn: ARN, receiptHandle: `r-${index}`, seconds: 5 })));

    const inputs = mock.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.Entries?.length)).toEqual([10, 10, 3]);
    expect(inputs.every((input) => input.QueueUrl === 'https://sqs.eu-west-3.amazonaws.com/123456789012/capacity-guard-launch-events')).toBe(true);
    expect(inputs[2]!.Entries![2]).toEqual({ Id: '22', ReceiptHandle: 'r-22', VisibilityTimeout: 5 });
  });

  it('reports the entries SQS refuses (failures are per entry): those records keep the queue timeout', async () => {
    const client = new SQSClient({ region: 'eu-west-3' });
    mockClient(client)
      .on(ChangeMessageVisibilityBatchCommand)
      .resolves({
        Successful: [{ Id: '0' }],
        Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', Message: 'The receipt handle has expired', SenderFault: true }],
      });

    await expect(
      createSqsQueueAdapter(client).retrySoon([
        { queueArn: ARN, receiptHandle: 'r-0', seconds: 5 },
        { queueArn: ARN, receiptHandle: 'r-1', seconds: 5 },
      ]),
    ).rejects.toThrow('ChangeMessageVisibilityBatch refused 1 of 2 record(s): ReceiptHandleIsInvalid: The receipt handle has expired (entry 1)');
  });

  it('refuses what is not a queue ARN', () => {
    expect(() => queueUrlOf('capacity-guard-launch-events')).toThrow(/not an SQS queue ARN/);
  });
});
