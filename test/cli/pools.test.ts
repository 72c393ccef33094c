/**
 * `capacity-guard pools`, in process, over the fake pool store: the interruptions per pool that
 * the spot function recorded, with the config's storm threshold applied.
 */
import { describe, expect, it } from 'vitest';
import { createPoolsCommand } from '../../lib/cli/pools';
import { FakePoolSignalStore } from '../../lib/fakes/fake-spot-stores';
import type { PoolSignalStore } from '../../lib/ports/pool-signals';
import { fakeIo } from './fake-io';

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
    ]);
  });

  it('prints JSON rows, the table from the environment', async () => {
    const { code, stdout, tables } = await run(['--config', 'cg.yml', '--json'], { CAPACITY_GUARD_SIGNALS_TABLE: 'from-env' });

    expect(code).toBe(0);
    expect(tables).toEqual(['from-env']);
    expect(JSON.parse(stdout())[0]).toEqual({
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
    expect(stdout()).toBe('no pool saw a Spot interruption within the last 10 min\n');
  });

  it('exits 2 without a table, 1 when the table cannot be read', async () => {
    const missing = await run(['--config', 'cg.yml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr()).toMatch(/^pools: no table: pass --table <name> or set CAPACITY_GUARD_SIGNALS_TABLE/);

    const broken: PoolSignalStore = {
      ...new FakePoolSignalStore(() => NOW),
      listPools: async () => Promise.reject(Object.assign(new Error('User is not authorized to perform: dynamodb:Scan'), { name: 'AccessDeniedException' })),
    } as unknown as PoolSignalStore;
    const refused = await run(['--table', 't', '--config', 'cg.yml'], {}, broken);
    expect(refused.code).toBe(1);
    expect(refused.stderr()).toBe('pools: cannot read table t: AccessDeniedException: User is not authorized to perform: dynamodb:Scan\n');
  });
});
