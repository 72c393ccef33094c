/**
 * The writers' lease as one DynamoDB item, taken with a conditional write. The only store
 * capacity-guard keeps: ASG tags cannot do compare-and-set. The item's `expiresAt` (epoch
 * seconds) doubles as the table's TTL attribute, so a lease lost in a crash cleans itself up.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { CallOptions } from '../ports/auto-scaling';
import type { LockPort } from '../ports/lock';

const LEASE_KEY = 'writers';

export function createDynamoDbLock(client: DynamoDBClient, tableName: string, now: () => Date = () => new Date()): LockPort {
  return {
    async tryAcquire(holder: string, ttlMs: number, options: CallOptions = {}): Promise<boolean> {
      const nowMs = now().getTime();
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { pk: { S: LEASE_KEY }, holder: { S: holder }, expiresAtMs: { N: String(nowMs + ttlMs) }, expiresAt: { N: String(Math.ceil((nowMs + ttlMs) / 1000)) } },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR holder = :holder',
            ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ':holder': { S: holder } },
          }),
          { abortSignal: options.abortSignal },
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async renew(holder: string, ttlMs: number, options: CallOptions = {}): Promise<boolean> {
      const nowMs = now().getTime();
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { pk: { S: LEASE_KEY }, holder: { S: holder }, expiresAtMs: { N: String(nowMs + ttlMs) }, expiresAt: { N: String(Math.ceil((nowMs + ttlMs) / 1000)) } },
            // Only an unexpired lease of ours: once it ran out, another writer may have acted on newer state.
            ConditionExpression: 'holder = :holder AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ':holder': { S: holder } },
          }),
          { abortSignal: options.abortSignal },
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async release(holder: string, options: CallOptions = {}): Promise<void> {
      try {
        await client.send(
          new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: LEASE_KEY } }, ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': { S: holder } } }),
          { abortSignal: options.abortSignal },
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error; // already expired and taken over
      }
    },
  };
}
