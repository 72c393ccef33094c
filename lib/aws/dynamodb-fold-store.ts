/**
 * Notification fold counts as items of the writers' lease table, keyed `notify#<dedupe key>`,
 * written with a condition on what was read (another run may fold the same incident at the same
 * time; the loser learns it lost). The TTL attribute `expiresAt` drops an entry a day after its
 * window, so the table holds only recent incidents. `open` writes a first occurrence's window in one
 * conditional PutItem (ReturnValues and ReturnValuesOnConditionCheckFailure ALL_OLD give what was there,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  type Put,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
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
          const entry = entryOf(Item);
          return entry ? ([[key, entry]] as const) : [];
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
    async open(key, entry, nowMs) {
      try {
        const { Attributes } = await client.send(
          new PutItemCommand({
            ...foldOpening(tableName, key, entry, nowMs),
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { opened: true, previous: entryOf(Attributes) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The open window comes back with the refusal; read it only if it did not.
        const current =
          entryOf(error.Item) ?? entryOf((await client.send(new GetItemCommand({ TableName: tableName, Key: pk(key), ConsistentRead: true }))).Item);
        if (!current) throw error;
        return { opened: false, current };
      }
    },
  };
}

/**
 * The conditional put that opens a window unless one is open at `nowMs` (also a TransactWriteItems Put).
 * `countless`: only where no count is left to carry (no entry, or an ended window with nothing folded),
 * for a write that cannot return what it replaced.
 */
export function foldOpening(tableName: string, key: string, entry: FoldEntry, nowMs: number, countless = false): Put {
  return {
    TableName: tableName,
    Item: {
      pk: { S: `${FOLD_KEY_PREFIX}${key}` },
      ...attributes(entry),
      expiresAt: { N: String(Math.ceil((entry.windowEndsMs + KEEP_AFTER_WINDOW_MS) / 1000)) },
    },
    ConditionExpression: countless
      ? 'attribute_not_exists(pk) OR (windowEndsMs <= :now AND folded = :none)'
      : 'attribute_not_exists(pk) OR windowEndsMs <= :now',
    ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ...(countless ? { ':none': { N: '0' } } : {}) },
  };
}

function entryOf(item: Record<string, AttributeValue> | undefined): FoldEntry | null {
  const windowEndsMs = Number(item?.windowEndsMs?.N);
  const folded = Number(item?.folded?.N);
  return item && Number.isFinite(windowEndsMs) && Number.isFinite(folded) ? { windowEndsMs, folded } : null;
}

function attributes(entry: FoldEntry) {
  return { windowEndsMs: { N: String(entry.windowEndsMs) }, folded: { N: String(entry.folded) } };
}
