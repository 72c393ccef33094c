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
  /** Write the lease item for `holder`, good for `ttlMs`, if `condition` holds; false when it does not. */
  async function putLease(holder: string, ttlMs: number, condition: string, options: CallOptions): Promise<boolean> {
    const nowMs = now().getTime();
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: LEASE_KEY },
            holder: { S: holder },
            expiresAtMs: { N: String(nowMs + ttlMs) },
            expiresAt: { N: String(Math.ceil((nowMs + ttlMs) / 1000)) },
          },
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ':holder': { S: holder } },
        }),
        { abortSignal: options.abortSignal },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    tryAcquire: (holder, ttlMs, options = {}) => putLease(holder, ttlMs, 'attribute_not_exists(pk) OR expiresAtMs < :now OR holder = :holder', options),
    // Only an unexpired lease of ours: once it ran out, another writer may have acted on newer state.
    renew: (holder, ttlMs, options = {}) => putLease(holder, ttlMs, 'holder = :holder AND expiresAtMs > :now', options),
    async release(holder: string, options: CallOptions = {}): Promise<void> {
      try {
        await client.send(new DeleteItemCommand(leaseRelease(tableName, holder)), { abortSignal: options.abortSignal });
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error; // already expired and taken over
      }
    },
  };
}

/** The conditional delete that gives the lease back, if still `holder`'s (also a TransactWriteItems Delete). */
export function leaseRelease(tableName: string, holder: string) {
  return {
    TableName: tableName,
    Key: { pk: { S: LEASE_KEY } },
    ConditionExpression: 'holder = :holder',
    ExpressionAttributeValues: { ':holder': { S: holder } },
  };
}
