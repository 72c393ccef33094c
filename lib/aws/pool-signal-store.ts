/**
 * The pool-signal store as one DynamoDB item per pool (pk `pool#<zoneId>|<type>|<market>`):
 * interrupted instance ids in string sets per time bucket (`b<n>`, see lib/spot/pool-window.ts),
 * the groups that lost instances in the pool, and `expiresAt` (epoch seconds), the table's TTL
 * attribute. One UpdateItem per pool and batch: ADD is atomic and a set ignores a duplicate id.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Market } from '../vocabulary/signals';
import type { CallOptions } from '../ports/auto-scaling';
import { type PoolSignalStore, type PoolState } from '../ports/pool-signals';
import { bucketAttribute, bucketFromAttribute, bucketOf, countInWindow, sortPools, staleBuckets } from '../spot/pool-window';
import { type PoolKey, poolId } from '../vocabulary/pool-key';

export function createPoolSignalStore(client: DynamoDBClient, tableName: string): PoolSignalStore {
  const key = (pool: PoolKey): Record<string, AttributeValue> => ({ pk: { S: `pool#${poolId(pool)}` } });
  const http = (options?: CallOptions) => (options?.abortSignal ? { abortSignal: options.abortSignal } : {});

  return {
    async recordInterruptions(pool, zoneName, interruptions, windowMs, now, options) {
      const byBucket = new Map<number, Set<string>>();
      for (const interruption of interruptions) {
        const bucket = bucketOf(Date.parse(interruption.time), windowMs);
        byBucket.set(bucket, (byBucket.get(bucket) ?? new Set()).add(interruption.instanceId));
      }
      const groups = [...new Set(interruptions.flatMap((interruption) => (interruption.group ? [interruption.group] : [])))];
      const names: Record<string, string> = {};
      const values: Record<string, AttributeValue> = {
        ':zoneId': { S: pool.zoneId },
        ':type': { S: pool.instanceType },
        ':market': { S: pool.market },
        ':zoneName': { S: zoneName },
        ':expiresAt': { N: String(Math.ceil((now.getTime() + windowMs) / 1000)) },
      };
      const adds: string[] = [];
      [...byBucket].forEach(([bucket, ids], index) => {
        names[`#b${index}`] = bucketAttribute(bucket);
        values[`:b${index}`] = { SS: [...ids] };
        adds.push(`#b${index} :b${index}`);
      });
      if (groups.length > 0) {
        values[':groups'] = { SS: groups };
        adds.push('groupNames :groups');
      }
      // Buckets just before the window go; never one written by this same update (a late event).
      const removes = staleBuckets(now.getTime(), windowMs)
        .filter((bucket) => !byBucket.has(bucket))
        .map((bucket, index) => {
          names[`#s${index}`] = bucketAttribute(bucket);
          return `#s${index}`;
        });
      const expression = [
        'SET zoneId = :zoneId, instanceType = :type, market = :market, zoneName = :zoneName, expiresAt = :expiresAt',
        adds.length ? `ADD ${adds.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const answer = await client.send(
        new UpdateItemCommand({ TableName: tableName, Key: key(pool), UpdateExpression: expression, ExpressionAttributeNames: Object.keys(names).length ? names : undefined, ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW' }),
        http(options),
      );
      return toState(pool, answer.Attributes ?? {}, now, windowMs);
    },

    async listPools(windowMs, now, options) {
      // A Scan: the table holds one small item per pool that saw an interruption within a window
      // (TTL), a few hundred at most. DynamoDB deletes expired items lazily, hence the filter.
      const states: PoolState[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'begins_with(pk, :prefix) AND expiresAt > :now',
            ExpressionAttributeValues: { ':prefix': { S: 'pool#' }, ':now': { N: String(Math.floor(now.getTime() / 1000)) } },
            ExclusiveStartKey: startKey,
          }),
          http(options),
        );
        for (const item of page.Items ?? []) {
          const pool: PoolKey = { zoneId: item.zoneId?.S ?? '', instanceType: item.instanceType?.S ?? '', market: (item.market?.S ?? 'spot') as Market };
          states.push(toState(pool, item, now, windowMs));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return sortPools(states);
    },

    async markStormSignaled(pool, at, windowMs, options) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(pool),
          UpdateExpression: 'SET stormSignaledAt = :at, expiresAt = :expiresAt',
          ExpressionAttributeValues: { ':at': { S: at.toISOString() }, ':expiresAt': { N: String(Math.ceil((at.getTime() + windowMs) / 1000)) } },
        }),
        http(options),
      );
    },
  };
}

function toState(pool: PoolKey, item: Record<string, AttributeValue>, now: Date, windowMs: number): PoolState {
  const buckets = new Map<number, string[]>();
  for (const [name, value] of Object.entries(item)) {
    const bucket = bucketFromAttribute(name);
    if (bucket !== null && value.SS) buckets.set(bucket, value.SS);
  }
  return {
    pool,
    zoneName: item.zoneName?.S ?? '',
    interruptions: countInWindow(buckets, now.getTime(), windowMs),
    groups: [...(item.groupNames?.SS ?? [])].sort(),
    stormSignaledAt: item.stormSignaledAt?.S ?? null,
  };
}
