/**
 * Publication claims in the account's CapacitySignalsTable: one item per pool (pk
 * `published#<pool>`), claimed by a conditional UpdateItem, so concurrent invocations of the
 * failover and spot functions publish a pool once per interval. The item expires with the table's TTL.
 */
import { ConditionalCheckFailedException, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { PublicationClaims } from '../ports/shared-signals';
import { poolId } from '../vocabulary/pool-key';

export function createPublicationClaims(client: DynamoDBClient, tableName: string): PublicationClaims {
  return {
    async claimPublication(pool, now, intervalMs, options) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: `published#${poolId(pool)}` } },
            UpdateExpression: 'SET publishedAt = :now, expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(publishedAt) OR publishedAt <= :before',
            ExpressionAttributeValues: {
              ':now': { N: String(now.getTime()) },
              ':before': { N: String(now.getTime() - intervalMs) },
              ':expiresAt': { N: String(Math.ceil((now.getTime() + intervalMs) / 1000)) },
            },
          }),
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
