/**
 * `capacity-guard status` with the pool marks: under each group its pools and which are out, by
 * what and from which account; a group taken out on another account's evidence says so. The marks
 * and the suspension are made by the functions that make them in the Lambda functions (lib/pools,
 * lib/shared-signals), so a lost origin anywhere on the way fails here.
 */
import { describe, expect, it } from 'vitest';
import { accountsInReason } from '../../lib/cli/pool-marks';
import { createStatusCommand } from '../../lib/cli/status';
import { decide } from '../../lib/failover/decide';
import type { SuspendGroup } from '../../lib/failover/actions';
import { FakePoolSignalStore } from '../../lib/fakes/fake-spot-stores';
import { poolOutSignals } from '../../lib/pools/decide';
import { poolsOutOfFailure } from '../../lib/pools/pool-out';
import type { AutoScalingPort, ObservedGroup } from '../../lib/ports/auto-scaling';
import type { PoolOut } from '../../lib/ports/pool-signals';
import { remoteReason, suspensionsForRemote } from '../../lib/shared-signals/act-on-pools';
import { remoteMark } from '../support/remote-mark';
import { failure, group, policy, snapshot } from '../unit/failover/builders';
import { fakeIo } from './fake-io';

const CONFIG = `clusters:
  - name: prod
    priorities: |-
      50: ["spot"]
      10: ["on-demand"]
`;
const NOW = new Date('2026-11-27T21:05:00Z');
const ZONE_IDS = new Map([
  ['eu-west-3a', 'euw3-az1'],
  ['eu-west-3b', 'euw3-az2'],
]);
const OTHER = '222233334444';

function launching(name: string, instanceType: string, market: 'spot' | 'on-demand' = 'spot'): ObservedGroup {
  return {
    ...group(name, { desired: 2, max: 10 }),
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    launch: { instanceTypes: [instanceType], market, availabilityZoneIds: [], launchTemplate: true },
  };
}

/** Another account's storm in `zoneId`, as the signals receiver marks it. */
function remoteStorm(instanceType: string, zoneId: string): PoolOut {
  return remoteMark(
    { zoneId, instanceType },
    { account: OTHER, kind: 'interruption-storm', evidence: 9, firstSeen: '2026-11-27T20:59:00.000Z', lastSeen: '2026-11-27T21:01:00.000Z' },
    NOW,
  );
}

/** The group as the failover leaves it after the action (its own tag encoding, never spelt out here). */
function applied(observed: ObservedGroup, action: SuspendGroup): ObservedGroup {
  return { ...observed, desiredCapacity: action.to.desiredCapacity, maxSize: action.to.maxSize, tags: { ...observed.tags, ...action.tags } };
}

/**
 * spot-c5: c5.xlarge in zones a and b; zone a failed a launch here, zone b storms in account
 * 222233334444: every pool out, the signals receiver takes it out. spot-m5: one pool of two out
 * per the other account: it stays. on-demand-m5: nothing out.
 */
function world() {
  const groups = [launching('spot-c5', 'c5.xlarge'), launching('spot-m5', 'm5.xlarge'), launching('on-demand-m5', 'm5.xlarge', 'on-demand')];
  const outs = [
    ...poolsOutOfFailure(failure('spot-c5', '2026-11-27T21:02:00.000Z', { instanceType: 'c5.xlarge' }), groups[0], 300_000),
    remoteStorm('c5.xlarge', 'euw3-az2'),
    remoteStorm('m5.xlarge', 'euw3-az1'),
  ];
  const suspensions = suspensionsForRemote(snapshot(groups), groups, outs, policy(), NOW, ZONE_IDS).filter(
    (action): action is SuspendGroup => action.kind === 'suspend-group',
  );
  expect(suspensions.map((action) => action.group)).toEqual(['spot-c5']);
  return { groups: [applied(groups[0]!, suspensions[0]!), groups[1]!, groups[2]!], outs };
}

async function status(args: string[], options: { env?: NodeJS.ProcessEnv; zoneIdsFail?: boolean } = {}) {
  const { groups, outs } = world();
  const store = new FakePoolSignalStore(() => NOW);
  await store.recordPoolsOut(outs);
  const tables: string[] = [];
  const port = { describeGroups: async () => groups } as unknown as AutoScalingPort;
  const command = createStatusCommand({
    autoScaling: () => port,
    poolSignals: (table) => {
      tables.push(table);
      return store;
    },
    zoneIds: async () => (options.zoneIdsFail ? Promise.reject(new Error('UnauthorizedOperation: ec2:DescribeAvailabilityZones')) : ZONE_IDS),
    now: () => NOW,
  });
  const io = fakeIo({ 'cg.yml': CONFIG }, options.env);
  const code = await command(['--config', 'cg.yml', ...args], io.io);
  return { code, tables, ...io };
}

describe('status: pools and their marks', () => {
  it('shows under each group its pools and which are out, local and remote, and a group out per another account', async () => {
    const { code, stdout, stderrLines, tables } = await status(['--table', 'signals']);

    expect(code).toBe(0);
    expect(tables).toEqual(['signals']);
    expect(stderrLines()).toEqual([]);
    const lines = stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^prod +spot-c5 .* suspended .* capacity: every pool out, per account 222233334444 /);
    expect(lines[2]).toBe(
      '         pools: 2 (all out: c5.xlarge/euw3-az1/spot ← launch failure 21:02, c5.xlarge/euw3-az2/spot ← account 222233334444 interruption storm 21:01); out of rotation per account 222233334444',
    );
    expect(lines[3]).toMatch(/^prod +spot-m5 .* healthy/);
    expect(lines[4]).toBe('         pools: 2 (1 out: m5.xlarge/euw3-az1/spot ← account 222233334444 interruption storm 21:01)');
    expect(lines[6]).toBe('         pools: 2 (none out)');
  });

  it('gives the same as JSON: each pool mark with its kind and origin, and the accounts a group is out for', async () => {
    const { stdout } = await status(['--json'], { env: { CAPACITY_GUARD_SIGNALS_TABLE: 'from-env' } });

    const rows = JSON.parse(stdout());
    expect(rows[0]).toMatchObject({ group: 'spot-c5', state: 'suspended', outPerAccounts: [OTHER] });
    expect(rows[0].pools).toMatchObject({ total: 2, marksRead: true });
    expect(
      rows[0].pools.out.map((mark: { pool: string; kind: string; origin: string; count: number }) => [mark.pool, mark.kind, mark.origin, mark.count]),
    ).toEqual([
      ['c5.xlarge/euw3-az1/spot', 'launch-failure', 'local', 1],
      ['c5.xlarge/euw3-az2/spot', 'remote', OTHER, 9],
    ]);
    expect(rows[1]).toMatchObject({ group: 'spot-m5', state: 'healthy', outPerAccounts: [] });
  });

  it('without a table gives only the number of pools; marks or zone IDs not read are a note, never a failure', async () => {
    const bare = await status([]);
    expect(bare.tables).toEqual([]);
    expect(bare.stdout().split('\n')[2]).toBe('         pools: 2; out of rotation per account 222233334444');

    const noZones = await status(['--table', 'signals'], { zoneIdsFail: true });
    expect(noZones.code).toBe(0);
    expect(noZones.stderrLines()).toEqual(['note: zone IDs not read (pools named by zone name only): UnauthorizedOperation: ec2:DescribeAvailabilityZones']);
    // By name only this account's marks match: another account's names its zones by AZ ID.
    expect(noZones.stdout().split('\n')[2]).toMatch(/^ {9}pools: 2 \(1 out: c5.xlarge\/eu-west-3a\/spot ← launch failure 21:02\)/);
  });
});

describe('the accounts a suspension reason names', () => {
  it('are read back from both paths that take a group out on another account’s evidence', () => {
    const groups = [launching('spot-c5', 'c5.xlarge'), launching('on-demand-m5', 'm5.xlarge', 'on-demand')];
    const outs = [
      ...poolsOutOfFailure(failure('spot-c5', '2026-11-27T21:02:00.000Z', { instanceType: 'c5.xlarge' }), groups[0], 300_000),
      remoteStorm('c5.xlarge', 'euw3-az2'),
    ];
    // The signals receiver (lib/shared-signals).
    expect(accountsInReason(remoteReason(outs))).toEqual([OTHER]);
    // The failover after a local failure completes the set (lib/pools, then the core's decide).
    const [signal] = poolOutSignals(snapshot(groups), groups, outs, NOW, ZONE_IDS);
    const suspend = decide(signal!, snapshot(groups), policy(), NOW).find((action): action is SuspendGroup => action.kind === 'suspend-group');
    expect(accountsInReason(suspend?.reason ?? null)).toEqual([OTHER]);
    // A group's own failure names none.
    const own = decide(failure('spot-c5'), snapshot(groups), policy(), NOW).find((action): action is SuspendGroup => action.kind === 'suspend-group');
    expect(accountsInReason(own?.reason ?? null)).toEqual([]);
  });
});
