/**
 * `capacity-guard pools`, in process, over the fake pool store: the interruptions per pool that
 * the spot function recorded, with the config's storm threshold applied, and every pool mark with
 * its kind and origin (made by the same functions that make them in the Lambda functions).
 */
import { describe, expect, it } from 'vitest';
import { createPoolsCommand } from '../../lib/cli/pools';
import { FakePoolSignalStore } from '../../lib/fakes/fake-spot-stores';
import type { PoolSignalStore } from '../../lib/ports/pool-signals';
import { fakeIo } from './fake-io';
import { poolOutOfStorm, poolsOutOfFailure, poolsOutOfLaunchErrors } from '../../lib/pools/pool-out';
import { remoteMark } from '../support/remote-mark';
import { failure } from '../unit/failover/builders';

const CONFIG = `clusters:
  - name: prod
    priorities: |-
      50: ["^spot-"]
spot:
  storm: { interruptions: 3, window: 10m }
`;
const NOW = new Date('2026-11-27T21:05:00Z');
const m5a = { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' as const };
const r5b = { zoneId: 'euw3-az2', instanceType: 'r5.8xlarge', market: 'spot' as const };

async function storeWithPools(): Promise<FakePoolSignalStore> {
  const store = new FakePoolSignalStore(() => NOW);
  const at = '2026-11-27T21:00:00.000Z';
  await store.recordInterruptions(
    m5a,
    'eu-west-3a',
    ['i-1', 'i-2', 'i-3'].map((instanceId) => ({ instanceId, time: at, group: 'spot-nodes-a' })),
    600_000,
    NOW,
  );
  await store.markStormSignaled(m5a, new Date('2026-11-27T21:01:00Z'), 600_000);
  await store.recordInterruptions(r5b, 'eu-west-3b', [{ instanceId: 'i-4', time: at, group: 'spot-nodes-b' }], 600_000, NOW);
  return store;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}, store?: PoolSignalStore) {
  const pools = store ?? (await storeWithPools());
  const tables: string[] = [];
  const command = createPoolsCommand({ poolSignals: (table) => (tables.push(table), pools), now: () => NOW });
  const io = fakeIo({ 'cg.yml': CONFIG }, env);
  const code = await command(args, io.io);
  return { code, tables, ...io };
}

describe('capacity-guard pools', () => {
  it('prints one row per pool, most interruptions first, storming by the config threshold', async () => {
    const { code, stdout, tables } = await run(['--table', 'signals-table', '--config', 'cg.yml']);

    expect(code).toBe(0);
    expect(tables).toEqual(['signals-table']);
    expect(stdout().split('\n')).toEqual([
      'POOL                      ZONE        INTERRUPTIONS  STORM  HANDED-OVER               GROUPS',
      'euw3-az1/m5.8xlarge/spot  eu-west-3a  3              yes    2026-11-27T21:01:00.000Z  spot-nodes-a',
      'euw3-az2/r5.8xlarge/spot  eu-west-3b  1              no     -                         spot-nodes-b',
      '',
      'no pool is marked out',
      '',
    ]);
  });

  it('prints JSON rows, the table from the environment', async () => {
    const { code, stdout, tables } = await run(['--config', 'cg.yml', '--json'], { CAPACITY_GUARD_SIGNALS_TABLE: 'from-env' });

    expect(code).toBe(0);
    expect(tables).toEqual(['from-env']);
    expect(JSON.parse(stdout()).out).toEqual([]);
    expect(JSON.parse(stdout()).pools[0]).toEqual({
      zoneId: 'euw3-az1',
      instanceType: 'm5.8xlarge',
      market: 'spot',
      zoneName: 'eu-west-3a',
      interruptions: 3,
      storming: true,
      handedOverAt: '2026-11-27T21:01:00.000Z',
      groups: ['spot-nodes-a'],
    });
  });

  it('says so when no pool saw an interruption in the window', async () => {
    const { code, stdout } = await run(['--table', 't', '--config', 'cg.yml'], {}, new FakePoolSignalStore(() => NOW));
    expect(code).toBe(0);
    expect(stdout()).toBe('no pool saw a Spot interruption within the last 10 min\n\nno pool is marked out\n');
  });

  it('exits 2 without a table, 1 when the table cannot be read', async () => {
    const missing = await run(['--config', 'cg.yml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr()).toMatch(/^pools: no table: pass --table <name> or set CAPACITY_GUARD_SIGNALS_TABLE/);

    const broken = new FakePoolSignalStore(() => NOW);
    broken.listPools = async () =>
      Promise.reject(Object.assign(new Error('User is not authorized to perform: dynamodb:Scan'), { name: 'AccessDeniedException' }));
    const refused = await run(['--table', 't', '--config', 'cg.yml'], {}, broken);
    expect(refused.code).toBe(1);
    expect(refused.stderr()).toBe('pools: cannot read table t: AccessDeniedException: User is not authorized to perform: dynamodb:Scan\n');
  });
});

describe('capacity-guard pools: pools marked out', () => {
  /** One mark of each kind, as the failover, the tier probe, the spot function and the signals receiver write them. */
  async function storeWithMarks(): Promise<FakePoolSignalStore> {
    const store = new FakePoolSignalStore(() => NOW);
    const lifetime = 300_000;
    const launchFailure = poolsOutOfFailure(
      failure('spot-nodes-a', '2026-11-27T21:02:00.000Z', { instanceType: 'c5.xlarge', availabilityZone: 'eu-west-3a' }),
      undefined,
      lifetime,
    );
    const probe = poolsOutOfLaunchErrors(
      'spot-nodes-b',
      {
        launched: [],
        errors: [
          {
            instanceType: 'm5.xlarge',
            market: 'spot',
            zoneName: 'eu-west-3b',
            zoneId: 'euw3-az2',
            code: 'InsufficientInstanceCapacity',
            message: 'no capacity',
          },
        ],
      },
      new Date('2026-11-27T21:03:00Z'),
      lifetime,
    );
    const storm = poolOutOfStorm(
      { pool: m5a, zoneName: 'eu-west-3a', interruptions: 5, groups: ['spot-nodes-a'], stormSignaledAt: null },
      new Date('2026-11-27T21:04:00Z'),
      lifetime,
    );
    const remote = remoteMark(
      { zoneId: 'euw3-az3', instanceType: 'r5.xlarge' },
      { account: '222233334444', kind: 'interruption-storm', evidence: 12, firstSeen: '2026-11-27T20:58:00.000Z', lastSeen: '2026-11-27T21:01:00.000Z' },
      NOW,
    );
    await store.recordPoolsOut([...launchFailure, ...probe, storm, remote]);
    return store;
  }

  it('lists every kind with its origin, evidence count, first and last seen, and expiry; this account first', async () => {
    const { code, stdout } = await run(['--table', 't', '--config', 'cg.yml'], {}, await storeWithMarks());

    expect(code).toBe(0);
    const [, marks] = stdout().split('\n\n');
    expect(
      marks
        ?.trimEnd()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['POOL', 'KIND', 'ORIGIN', 'EVIDENCE', 'COUNT', 'FIRST-SEEN', 'LAST-SEEN', 'UNTIL', 'SEEN-ON'],
      [
        'm5.8xlarge/euw3-az1/spot',
        'interruption storm',
        'local',
        'SpotInterruptionStorm (5 interruptions)',
        '5',
        '2026-11-27T21:04:00.000Z',
        '2026-11-27T21:04:00.000Z',
        '2026-11-27T21:09:00.000Z',
        '-',
      ],
      [
        'm5.xlarge/euw3-az2/spot',
        'LaunchInstances capacity failure',
        'local',
        'InsufficientInstanceCapacity',
        '1',
        '2026-11-27T21:03:00.000Z',
        '2026-11-27T21:03:00.000Z',
        '2026-11-27T21:08:00.000Z',
        'spot-nodes-b',
      ],
      [
        'c5.xlarge/eu-west-3a/spot',
        'launch failure',
        'local',
        'InsufficientInstanceCapacity',
        '1',
        '2026-11-27T21:02:00.000Z',
        '2026-11-27T21:02:00.000Z',
        '2026-11-27T21:07:00.000Z',
        'spot-nodes-a',
      ],
      [
        'r5.xlarge/euw3-az3/spot',
        'remote',
        '222233334444',
        'SpotInterruptionStorm ×12',
        '12',
        '2026-11-27T20:58:00.000Z',
        '2026-11-27T21:01:00.000Z',
        '2026-11-27T21:11:00.000Z',
        '-',
      ],
    ]);
  });

  it('gives the marks as JSON, the origin account on a remote one', async () => {
    const { code, stdout } = await run(['--table', 't', '--config', 'cg.yml', '--json'], {}, await storeWithMarks());

    expect(code).toBe(0);
    const { out } = JSON.parse(stdout());
    expect(out.map((mark: { kind: string; origin: string }) => `${mark.kind} ${mark.origin}`)).toEqual([
      'interruption-storm local',
      'launch-instances local',
      'launch-failure local',
      'remote 222233334444',
    ]);
    expect(out[3]).toEqual({
      pool: 'r5.xlarge/euw3-az3/spot',
      kind: 'remote',
      origin: '222233334444',
      evidence: 'SpotInterruptionStorm ×12',
      count: 12,
      firstSeen: '2026-11-27T20:58:00.000Z',
      lastSeen: '2026-11-27T21:01:00.000Z',
      until: '2026-11-27T21:11:00.000Z',
      seenOn: null,
    });
  });
});
