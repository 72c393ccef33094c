/** QueuePort against SQS: ChangeMessageVisibilityBatch, 10 entries a call (the API's limit), per queue. */
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CallOptions } from '../ports/auto-scaling';
import type { QueuePort, ReceivedRecord } from '../ports/queue';
import { AWS_RETRY } from './clients';

const ENTRIES_PER_CALL = 10;

/** The queue URL's host is not used as the endpoint: the SDK's endpoint settings win (the same host on AWS; moto in tests). */
export function createSqsClient(): SQSClient {
  return new SQSClient({ ...AWS_RETRY, useQueueUrlAsEndpoint: false });
}

/** arn:aws:sqs:eu-west-3:123456789012:name → https://sqs.eu-west-3.amazonaws.com/123456789012/name (the SDK's endpoint settings still apply). */
export function queueUrlOf(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  if (!partition || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

export function createSqsQueueAdapter(client: SQSClient): QueuePort {
  return {
    async retrySoon(records: readonly ReceivedRecord[], options: CallOptions = {}) {
      const byQueue = new Map<string, ReceivedRecord[]>();
      for (const record of records) byQueue.set(record.queueArn, [...(byQueue.get(record.queueArn) ?? []), record]);
      const refused: string[] = [];
      for (const [arn, queued] of byQueue) {
        for (let start = 0; start < queued.length; start += ENTRIES_PER_CALL) {
          const entries = queued
            .slice(start, start + ENTRIES_PER_CALL)
            .map((record, index) => ({ Id: String(start + index), ReceiptHandle: record.receiptHandle, VisibilityTimeout: record.seconds }));
          const answer = await client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrlOf(arn), Entries: entries }), {
            abortSignal: options.abortSignal,
          });
          // Failures are per entry (a receipt handle already expired, say): that record keeps the queue's timeout.
          for (const failed of answer.Failed ?? []) refused.push(`${failed.Code ?? 'error'}: ${failed.Message ?? ''} (entry ${failed.Id})`);
        }
      }
      if (refused.length > 0)
        throw new Error(`ChangeMessageVisibilityBatch refused ${refused.length} of ${records.length} record(s): ${refused.slice(0, 3).join('; ')}`);
    },
  };
}
