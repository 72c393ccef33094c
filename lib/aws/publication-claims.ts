/**
 * Publication claims in the account's CapacitySignalsTable: one item per pool (pk
 * `published#<pool>`), claimed by a conditional UpdateItem, so concurrent invocations of the
 * failover and spot functions publish a pool once per interval: `publishedAt` for an out,
 * `recoveredAt` for a recovery (only after an out, once). The item expires with the table's TTL
 * once no receiver can hold the mark any more.
 */
import { ConditionalCheckFailedException, type DynamoDBClient, UpdateItemCommand, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { PublicationClaims } from '../ports/shared-signals';
import { poolId } from '../vocabulary/pool-key';

export function createPublicationClaims(client: DynamoDBClient, tableName: string): PublicationClaims {
  return {
    async claimPublication(pool, kind, now, times, options) {
      const at = now.getTime();
      // An out claim is kept as long as a receiver may hold the mark: a recovery is sent only then.
      const update: Pick<UpdateItemCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'> =
        kind === 'out'
          ? {
              UpdateExpression: 'SET publishedAt = :now, expiresAt = :expiresAt',
              ConditionExpression: 'attribute_not_exists(publishedAt) OR publishedAt <= :before',
              ExpressionAttributeValues: {
                ':now': { N: String(at) },
                ':before': { N: String(at - times.intervalMs) },
                ':expiresAt': { N: String(Math.ceil((at + Math.max(times.intervalMs, times.heldMs)) / 1000)) },
              },
            }
          : {
              UpdateExpression: 'SET recoveredAt = :now',
              ConditionExpression: 'publishedAt > :heldSince AND (attribute_not_exists(recoveredAt) OR (recoveredAt < publishedAt AND recoveredAt <= :before))',
              ExpressionAttributeValues: {
                ':now': { N: String(at) },
                ':before': { N: String(at - times.intervalMs) },
                ':heldSince': { N: String(at - times.heldMs) },
              },
            };
      try {
        await client.send(
          new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: `published#${poolId(pool)}` } }, ...update }),
          options?.abortSignal ? { abortSignal: options.abortSignal } : {},
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
  };
}
