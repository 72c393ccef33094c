/**
 * The pool-signal store as one DynamoDB item per pool (pk `pool#<zoneId>|<type>|<market>`):
 * interrupted instance ids in string sets per time bucket (`b<n>`, see lib/spot/pool-window.ts),
 * the groups that lost instances in the pool, and `expiresAt` (epoch seconds), the table's TTL
 * attribute. One UpdateItem per pool and batch: ADD is atomic and a set ignores a duplicate id.
 * Pools out (lib/pools) are items `out#<zoneId or name:zoneName>|<type>|<market>`, written 25 a
 * call with BatchWriteItem (a mark is replaced whole, the batch's freshest), expiring at `until`;
 * `firstSeen` and `evidenceCount` are written when the mark has them (older items lack both).
 */
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, ScanCommand, UpdateItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Market } from '../vocabulary/signals';
import type { CallOptions } from '../ports/auto-scaling';
import { type PoolOut, type PoolOutSource, type PoolSignalStore, type PoolState } from '../ports/pool-signals';
import { liveOuts, poolOutKey } from '../pools/pool-out';
import { bucketAttribute, bucketFromAttribute, bucketOf, countInWindow, sortPools, staleBuckets } from '../spot/pool-window';
import { type PoolKey, poolId } from '../vocabulary/pool-key';

export function createPoolSignalStore(client: DynamoDBClient, tableName: string): PoolSignalStore {
  const key = (pool: PoolKey): Record<string, AttributeValue> => ({ pk: { S: `pool#${poolId(pool)}` } });
  const http = (options?: CallOptions) => (options?.abortSignal ? { abortSignal: options.abortSignal } : {});

  /** BatchWriteItem takes 25 requests; unprocessed ones are sent again (a few tries, then an error). */
  async function writeAll(requests: WriteRequest[], options?: CallOptions): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_MAX) {
      let pending = requests.slice(start, start + BATCH_WRITE_MAX);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_WRITE_TRIES) throw new Error(`DynamoDB left ${pending.length} pool mark(s) unprocessed after ${BATCH_WRITE_TRIES} tries`);
        const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }), http(options));
        pending = answer.UnprocessedItems?.[tableName] ?? [];
      }
    }
  }

  /**
   * A Scan of the live items under a key prefix: the table holds one small item per pool that saw an
   * interruption or a capacity failure lately (TTL), a few hundred at most. DynamoDB deletes expired
   * items lazily, hence the filter.
   */
  async function scanLive(prefix: string, now: Date, options?: CallOptions): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'begins_with(pk, :prefix) AND expiresAt > :now',
          ExpressionAttributeValues: { ':prefix': { S: prefix }, ':now': { N: String(Math.floor(now.getTime() / 1000)) } },
          ExclusiveStartKey: startKey,
        }),
        http(options),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  return {
    async recordPoolsOut(outs, options) {
      const fresh = liveOuts(outs, new Date(0));
      await writeAll(
        fresh.map((out) => ({ PutRequest: { Item: outItem(out) } })),
        options,
      );
    },

    async listPoolsOut(now, options) {
      return liveOuts((await scanLive(OUT_PREFIX, now, options)).map(fromOutItem), now);
    },

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
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(pool),
          UpdateExpression: expression,
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
        http(options),
      );
      return toState(pool, answer.Attributes ?? {}, now, windowMs);
    },

    async listPools(windowMs, now, options) {
      const states = (await scanLive('pool#', now, options)).map((item) => {
        const pool: PoolKey = { zoneId: item.zoneId?.S ?? '', instanceType: item.instanceType?.S ?? '', market: (item.market?.S ?? 'spot') as Market };
        return toState(pool, item, now, windowMs);
      });
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

const OUT_PREFIX = 'out#';
const BATCH_WRITE_MAX = 25;
const BATCH_WRITE_TRIES = 4;

function outItem(out: PoolOut): Record<string, AttributeValue> {
  const optional = (value: string | null): AttributeValue => (value === null ? { NULL: true } : { S: value });
  return {
    pk: { S: `${OUT_PREFIX}${poolOutKey(out)}` },
    zoneId: { S: out.pool.zoneId },
    instanceType: { S: out.pool.instanceType },
    market: { S: out.pool.market },
    zoneName: optional(out.zoneName),
    evidence: { S: out.evidence },
    source: { S: out.source },
    groupName: optional(out.group),
    account: optional(out.account),
    seenAt: { S: out.seenAt },
    until: { S: out.until },
    expiresAt: { N: String(Math.ceil(Date.parse(out.until) / 1000)) },
    ...(out.firstSeen !== undefined && { firstSeen: { S: out.firstSeen } }),
    ...(out.count !== undefined && { evidenceCount: { N: String(out.count) } }),
  };
}

function fromOutItem(item: Record<string, AttributeValue>): PoolOut {
  return {
    pool: { zoneId: item.zoneId?.S ?? '', instanceType: item.instanceType?.S ?? '', market: (item.market?.S ?? 'spot') as Market },
    zoneName: item.zoneName?.S ?? null,
    evidence: item.evidence?.S ?? '',
    source: (item.source?.S ?? 'launch-failure') as PoolOutSource,
    group: item.groupName?.S ?? null,
    account: item.account?.S ?? null,
    seenAt: item.seenAt?.S ?? '',
    until: item.until?.S ?? '',
    // Items written before these were kept have neither: left absent, never invented.
    ...(item.firstSeen?.S !== undefined && { firstSeen: item.firstSeen.S }),
    ...(item.evidenceCount?.N !== undefined && { count: Number(item.evidenceCount.N) }),
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
