/** The writers' lease on moto's DynamoDB: one holder at a time, expiry, release only by the holder. */
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createDynamoDbLock } from '../../lib/aws/dynamodb-lock';
import { LOCK_TABLE, createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';

const endpoint = inject('motoEndpoint');

describe('the DynamoDB lease', () => {
  let clock = 0;
  const lock = () => createDynamoDbLock(motoDynamoDbClient(endpoint), LOCK_TABLE, () => new Date(clock));

  beforeEach(async () => {
    await resetMoto(endpoint);
    await createLockTable(motoDynamoDbClient(endpoint));
    clock = Date.parse('2026-11-27T21:00:00Z');
  });

  it('lets one holder in at a time, and the next one after a release', async () => {
    const first = lock();
    const second = lock();

    expect(await first.tryAcquire('a', 30_000)).toBe(true);
    expect(await second.tryAcquire('b', 30_000)).toBe(false);
    await first.release('a');
    expect(await second.tryAcquire('b', 30_000)).toBe(true);
  });

  it('lets the next holder in once a lease lost in a crash has expired', async () => {
    expect(await lock().tryAcquire('crashed', 30_000)).toBe(true);

    clock += 29_000;
    expect(await lock().tryAcquire('b', 30_000)).toBe(false);
    clock += 2_000;
    expect(await lock().tryAcquire('b', 30_000)).toBe(true);
  });

  it('ignores a release by someone who no longer holds the lease', async () => {
    expect(await lock().tryAcquire('a', 30_000)).toBe(true);
    clock += 31_000;
    expect(await lock().tryAcquire('b', 30_000)).toBe(true);

    await lock().release('a'); // a's late release must not free b's lease

    expect(await lock().tryAcquire('c', 30_000)).toBe(false);
  });

  it('renews only an unexpired lease of its holder', async () => {
    expect(await lock().tryAcquire('a', 30_000)).toBe(true);
    clock += 20_000;
    expect(await lock().renew('a', 30_000)).toBe(true); // now good until +50 s
    clock += 25_000;
    expect(await lock().tryAcquire('b', 30_000)).toBe(false);
    expect(await lock().renew('b', 30_000)).toBe(false);
    clock += 10_000; // a's lease ran out
    expect(await lock().renew('a', 30_000)).toBe(false);
  });
});
