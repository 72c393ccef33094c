/**
 * The notifier's AWS edges on moto: fold counts in the lease table (conditional writes, next to
 * the lease without touching it) and webhook URLs from an SSM SecureString through Powertools.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createDynamoDbFoldStore } from '../../lib/aws/dynamodb-fold-store';
import { createSsmWebhookUrls } from '../../lib/aws/ssm-webhook-urls';
import { foldStep } from '../../lib/notify/fold';
import type { FoldEntry } from '../../lib/ports/fold-store';
import { LOCK_TABLE, createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { REGION } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const T = Date.parse('2026-11-27T21:00:00Z');

describe('fold counts in the lease table', () => {
  beforeEach(async () => {
    await resetMoto(endpoint);
    await createLockTable(motoDynamoDbClient(endpoint));
  });
  const store = () => createDynamoDbFoldStore(motoDynamoDbClient(endpoint), LOCK_TABLE);

  it('round-trips entries under notify#<key> with a TTL, and clears them', async () => {
    const entry: FoldEntry = { windowEndsMs: T + 600_000, folded: 3 };
    expect(await store().write(new Map([['suspend-group|prod|spot-a', entry]]), new Map())).toEqual([]);
    expect(await store().read(['suspend-group|prod|spot-a', 'other'])).toEqual(new Map([['suspend-group|prod|spot-a', entry]]));
    const { Item } = await motoDynamoDbClient(endpoint).send(
      new GetItemCommand({ TableName: LOCK_TABLE, Key: { pk: { S: 'notify#suspend-group|prod|spot-a' } } }),
    );
    expect(Number(Item?.expiresAt?.N)).toBe(Math.ceil((T + 600_000 + 86_400_000) / 1000));

    await store().write(new Map([['suspend-group|prod|spot-a', null]]), new Map([['suspend-group|prod|spot-a', entry]]));
    expect(await store().read(['suspend-group|prod|spot-a'])).toEqual(new Map());
  });

  it('opens a window in one conditional write: first occurrence, repeat inside the window, after it', async () => {
    const key = 'suspend-group|prod|spot-a';
    const fresh = (at: number): FoldEntry => ({ windowEndsMs: at + 600_000, folded: 0 });
    expect(await store().open!(key, fresh(T), T)).toEqual({ opened: true, previous: null });
    // A repeat a minute later: the open window comes back, nothing is written.
    expect(await store().open!(key, fresh(T + 60_000), T + 60_000)).toEqual({ opened: false, current: fresh(T) });
    await store().write(new Map([[key, { ...fresh(T), folded: 4 }]]), new Map([[key, fresh(T)]]));
    // After the window: opened again, and the ended window's count comes back for the message.
    expect(await store().open!(key, fresh(T + 600_000), T + 600_000)).toEqual({ opened: true, previous: { ...fresh(T), folded: 4 } });
    expect(await store().read([key])).toEqual(new Map([[key, fresh(T + 600_000)]]));
  });

  it('lets only one of two runs that read the same state write (the other learns it lost)', async () => {
    const key = 'alert|no-fallback-capacity|prod|-';
    const seen = await store().read([key]); // both runs read: nothing yet
    const first = foldStep(seen.get(key), T, 600_000);
    const second = foldStep(seen.get(key), T + 10, 600_000);
    expect([first.send, second.send]).toEqual([true, true]); // both would send...

    expect(await store().write(new Map([[key, first.next]]), seen)).toEqual([]);
    expect(await store().write(new Map([[key, second.next]]), seen)).toEqual([key]); // ...only one may

    const now = await store().read([key]);
    const repeat = foldStep(now.get(key), T + 60_000, 600_000);
    expect(await store().write(new Map([[key, repeat.next]]), now)).toEqual([]);
    expect((await store().read([key])).get(key)).toEqual({ windowEndsMs: T + 600_000, folded: 1 });
  });
});

describe('webhook URLs from SSM SecureString parameters', () => {
  beforeEach(async () => {
    await resetMoto(endpoint);
  });
  const ssm = () => new SSMClient({ endpoint, region: REGION, credentials });

  it('reads and decrypts the value, and caches it', async () => {
    await ssm().send(
      new PutParameterCommand({ Name: '/capacity-guard/slack/oncall', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T0/B0/first' }),
    );
    const urls = createSsmWebhookUrls(300_000, { endpoint, region: REGION, credentials });

    expect(await urls('/capacity-guard/slack/oncall')).toBe('https://hooks.slack.com/services/T0/B0/first');
    await ssm().send(
      new PutParameterCommand({
        Name: '/capacity-guard/slack/oncall',
        Type: 'SecureString',
        Value: 'https://hooks.slack.com/services/T0/B0/second',
        Overwrite: true,
      }),
    );
    expect(await urls('/capacity-guard/slack/oncall')).toBe('https://hooks.slack.com/services/T0/B0/first');
    expect(await createSsmWebhookUrls(0, { endpoint, region: REGION, credentials })('/capacity-guard/slack/oncall')).toBe(
      'https://hooks.slack.com/services/T0/B0/second',
    );
  });

  it('fails for a missing parameter, naming it', async () => {
    const urls = createSsmWebhookUrls(300_000, { endpoint, region: REGION, credentials });
    await expect(urls('/capacity-guard/slack/missing')).rejects.toThrow(/missing|not found|ParameterNotFound/i);
  });
});
