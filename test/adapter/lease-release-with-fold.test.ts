/**
 * The failover's lease given back in the same write as its first notification fold
 * (lib/aws/lease-release-with-fold.ts), on moto: one TransactWriteItems on the common path, each write
 * on its own when a count is left to carry or the lease is no longer ours, and never a lease kept.
 */
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createDynamoDbFoldStore } from '../../lib/aws/dynamodb-fold-store';
import { createDynamoDbLock } from '../../lib/aws/dynamodb-lock';
import { releaseLeaseWithFold } from '../../lib/aws/lease-release-with-fold';
import type { FoldEntry } from '../../lib/ports/fold-store';
import { countCalls } from '../../scripts/bench/failover';
import { LOCK_TABLE, createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';

const endpoint = inject('motoEndpoint');
const T = Date.now();
const KEY = 'suspend-group|prod|spot-a';
const fresh = (at: number): FoldEntry => ({ windowEndsMs: at + 600_000, folded: 0 });

describe('the lease given back with the first fold write', () => {
  beforeEach(async () => {
    await resetMoto(endpoint);
    await createLockTable(motoDynamoDbClient(endpoint));
  });
  const parts = () => {
    const client = motoDynamoDbClient(endpoint);
    const calls = countCalls(client);
    const deferring = releaseLeaseWithFold(client, LOCK_TABLE, createDynamoDbLock(client, LOCK_TABLE), createDynamoDbFoldStore(client, LOCK_TABLE));
    const other = createDynamoDbLock(motoDynamoDbClient(endpoint), LOCK_TABLE);
    const folds = createDynamoDbFoldStore(motoDynamoDbClient(endpoint), LOCK_TABLE);
    return { ...deferring, calls, other, plainFolds: folds };
  };

  it('holds the lease until the fold write, then gives it back in that one call', async () => {
    const { lock, folds, calls, other, plainFolds } = parts();
    expect(await lock.tryAcquire('run-1', 30_000)).toBe(true);
    await lock.release('run-1');
    expect(await other.tryAcquire('run-2', 30_000)).toBe(false);

    calls.reset();
    expect(await folds.open!(KEY, fresh(T), T)).toEqual({ opened: true, previous: null });
    expect(calls.count()).toBe(1);
    expect(await plainFolds.read([KEY])).toEqual(new Map([[KEY, fresh(T)]]));
    expect(await other.tryAcquire('run-2', 30_000)).toBe(true);
  });

  it('writes each on its own when an ended window left a count to carry, and the count comes back', async () => {
    const { lock, folds, other, plainFolds } = parts();
    await plainFolds.write(new Map([[KEY, { windowEndsMs: T - 1, folded: 3 }]]), new Map());
    await lock.tryAcquire('run-1', 30_000);
    await lock.release('run-1');

    expect(await folds.open!(KEY, fresh(T), T)).toEqual({ opened: true, previous: { windowEndsMs: T - 1, folded: 3 } });
    expect(await other.tryAcquire('run-2', 30_000)).toBe(true);
  });

  it("never gives back another run's lease, and settles a lease no fold came for", async () => {
    const { lock, folds, other } = parts();
    await lock.tryAcquire('run-1', 1);
    await lock.release('run-1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    // run-1's lease ran out and run-2 took it (a plain lock: no settling first).
    expect(await other.tryAcquire('run-2', 30_000)).toBe(true);
    expect(await folds.open!(KEY, fresh(T), T)).toEqual({ opened: true, previous: null });
    expect(await createDynamoDbLock(motoDynamoDbClient(endpoint), LOCK_TABLE).tryAcquire('run-3', 30_000)).toBe(false);

    await other.release('run-2');
    await lock.tryAcquire('run-4', 30_000);
    await lock.release('run-4');
    await lock.settle!();
    expect(await other.tryAcquire('run-5', 30_000)).toBe(true);
  });
});
