/**
 * Notification fold counts as items of the writers' lease table, keyed `notify#<dedupe key>`,
 * written with a condition on what was read (another run may fold the same incident at the same
 * time; the loser learns it lost). The TTL attribute `expiresAt` drops an entry a day after its
 * window, so the table holds only recent incidents.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { FoldEntry, FoldStore } from '../ports/fold-store';

export const FOLD_KEY_PREFIX = 'notify#';
const KEEP_AFTER_WINDOW_MS = 86_400_000;

export function createDynamoDbFoldStore(client: DynamoDBClient, tableName: string): FoldStore {
  const pk = (key: string) => ({ pk: { S: `${FOLD_KEY_PREFIX}${key}` } });
  return {
    async read(keys) {
      const found = await Promise.all(
        keys.map(async (key) => {
          const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: pk(key), ConsistentRead: true }));
          const windowEndsMs = Number(Item?.windowEndsMs?.N);
          const folded = Number(Item?.folded?.N);
          return Item && Number.isFinite(windowEndsMs) && Number.isFinite(folded) ? ([[key, { windowEndsMs, folded }]] as const) : [];
        }),
      );
      return new Map(found.flat());
    },
    async write(changes, expected) {
      const lost = await Promise.all(
        [...changes].map(async ([key, entry]) => {
          if (entry === null) {
            await client.send(new DeleteItemCommand({ TableName: tableName, Key: pk(key) }));
            return [];
          }
          const before = expected.get(key);
          try {
            await client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: { ...pk(key), ...attributes(entry), expiresAt: { N: String(Math.ceil((entry.windowEndsMs + KEEP_AFTER_WINDOW_MS) / 1000)) } },
                ...(before
                  ? {
                      ConditionExpression: 'windowEndsMs = :windowEndsMs AND folded = :folded',
                      ExpressionAttributeValues: { ':windowEndsMs': attributes(before).windowEndsMs, ':folded': attributes(before).folded },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              }),
            );
            return [];
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return [key];
            throw error;
          }
        }),
      );
      return lost.flat();
    },
  };
}

function attributes(entry: FoldEntry) {
  return { windowEndsMs: { N: String(entry.windowEndsMs) }, folded: { N: String(entry.folded) } };
}
