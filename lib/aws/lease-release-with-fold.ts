/**
 * The failover's lease is given back in the same DynamoDB write as its first notification fold: one
 * TransactWriteItems (the lease's conditional Delete and the fold's conditional Put, both items of the
 * lease table) instead of a DeleteItem and a PutItem. Issue 13 item 7: the deployed failover's hot path.
 *
 * `release` only notes the holder; the next fold `open` carries it; `settle` (the run calls it once its
 * report is told), the next `tryAcquire` or `release` give it back alone if no fold came. The lease is
 * held at most the notifier's fold budget longer (lib/notify/slack-notifier.ts), and a crash in between
 * leaves it to expire by itself, as a crash under the lease always did.
 *
 * The transaction cannot say what it replaced, so it opens a window only where no count is left to
 * carry (no entry, or an ended window with nothing folded); otherwise, or when the lease is no longer
 * ours, it is cancelled and each write is done on its own, as without it. A transaction needs no IAM
 * action of its own: its Delete and Put are authorised as DeleteItem and PutItem, so the lease's and the
 * folds' key conditions still hold
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
import { type DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { CallOptions } from '../ports/auto-scaling';
import type { FoldStore } from '../ports/fold-store';
import type { LockPort } from '../ports/lock';
import { foldOpening } from './dynamodb-fold-store';
import { leaseRelease } from './dynamodb-lock';

export function releaseLeaseWithFold(client: DynamoDBClient, tableName: string, lock: LockPort, folds: FoldStore): { lock: LockPort; folds: FoldStore } {
  let pending: string | null = null;
  const take = () => {
    const holder = pending;
    pending = null;
    return holder;
  };
  const settle = async (options?: CallOptions) => {
    const holder = take();
    if (holder) await lock.release(holder, options);
  };
  return {
    lock: {
      tryAcquire: async (holder, ttlMs, options) => {
        await settle(options);
        return lock.tryAcquire(holder, ttlMs, options);
      },
      renew: (holder, ttlMs, options) => lock.renew(holder, ttlMs, options),
      release: async (holder, options) => {
        await settle(options);
        pending = holder;
      },
      settle,
    },
    folds: {
      read: (keys) => folds.read(keys),
      write: (changes, expected) => folds.write(changes, expected),
      open: async (key, entry, nowMs) => {
        const holder = take();
        if (!folds.open) throw new Error('the fold store cannot open windows');
        if (!holder) return folds.open(key, entry, nowMs);
        try {
          await client.send(
            new TransactWriteItemsCommand({
              TransactItems: [{ Delete: leaseRelease(tableName, holder) }, { Put: foldOpening(tableName, key, entry, nowMs, true) }],
            }),
          );
          return { opened: true, previous: null };
        } catch {
          // Cancelled (a count to carry, the lease no longer ours) or failed: each write on its own.
          await lock.release(holder);
          return folds.open(key, entry, nowMs);
        }
      },
    },
  };
}
