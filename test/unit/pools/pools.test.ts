import { describe, expect, it } from 'vitest';
import { poolOutSignals } from '../../../lib/pools/decide';
import { poolsOfGroup } from '../../../lib/pools/group-pools';
import { DEFAULT_POOL_OUT_MS, foldLocalMarks, liveOuts, poolOutOfStorm, poolsOutOfFailure } from '../../../lib/pools/pool-out';
import { decide } from '../../../lib/failover/decide';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import type { PoolOut } from '../../../lib/ports/pool-signals';
import { TAG } from '../../../lib/vocabulary/tags';
import { T0, at, failure, group, snapshot, policy } from '../failover/builders';

const spotGroup = (name: string, types: string[], zones = ['eu-west-3a', 'eu-west-3b']): ObservedGroup => ({
  ...group(name, { desired: 2, max: 50 }),
  availabilityZones: zones,
  launch: { instanceTypes: types, market: 'spot', availabilityZoneIds: [], launchTemplate: true },
});

const out = (instanceType: string, zoneName: string, overrides: Partial<PoolOut> = {}): PoolOut => ({
  pool: { zoneId: '', instanceType, market: 'spot' },
  zoneName,
  evidence: 'InsufficientInstanceCapacity',
  source: 'launch-failure',
  group: 'spot-x',
  account: null,
  seenAt: T0,
  until: at(300),
  ...overrides,
});

describe('the pools of a group', () => {
  it("are its overrides' types in each of its zones, in its market", () => {
    expect(poolsOfGroup(spotGroup('spot-a', ['m5.8xlarge', 'r5.8xlarge']))?.map((pool) => `${pool.instanceType}/${pool.zoneName}/${pool.market}`)).toEqual([
      'm5.8xlarge/eu-west-3a/spot',
      'm5.8xlarge/eu-west-3b/spot',
      'r5.8xlarge/eu-west-3a/spot',
      'r5.8xlarge/eu-west-3b/spot',
    ]);
  });

  it('are unknown for an on-demand/Spot split, an unread template, or a group seen without its launch spec', () => {
    expect(
      poolsOfGroup({
        ...spotGroup('a', ['m5.large']),
        launch: { instanceTypes: ['m5.large'], market: 'mixed', availabilityZoneIds: [], launchTemplate: true },
      }),
    ).toBeNull();
    expect(
      poolsOfGroup({ ...spotGroup('a', ['m5.large']), launch: { instanceTypes: [], market: null, availabilityZoneIds: [], launchTemplate: true } }),
    ).toBeNull();
    expect(poolsOfGroup(group('a', { desired: 1, max: 2 }))).toBeNull();
  });

  it('take the one type its instances run when a plain template names no overrides, and the AZ ID of a one-zone group', () => {
    const pools = poolsOfGroup({
      ...spotGroup('a', [], ['eu-west-3a']),
      launch: { instanceTypes: [], market: 'on-demand', availabilityZoneIds: ['euw3-az1'], launchTemplate: true },
    });
    expect(pools).toEqual([{ instanceType: 'm5.8xlarge', zoneName: 'eu-west-3a', zoneId: 'euw3-az1', market: 'on-demand' }]);
  });
});

describe('pools out', () => {
  it('come from capacity failures only: quota, price, configuration and unknown say nothing about a pool', () => {
    const spotA = spotGroup('spot-a', ['m5.8xlarge']);
    expect(poolsOutOfFailure(failure('spot-a', T0, { instanceType: 'm5.8xlarge' }), spotA, DEFAULT_POOL_OUT_MS)).toHaveLength(1);
    for (const failureClass of ['quota', 'price', 'configuration', 'unsupported', 'unknown'] as const) {
      expect(poolsOutOfFailure(failure('spot-a', T0, { failure: failureClass, instanceType: 'm5.8xlarge' }), spotA, DEFAULT_POOL_OUT_MS)).toEqual([]);
    }
  });

  it('name every type of the group in the failed zone when the text names none, and last the configured time', () => {
    const outs = poolsOutOfFailure(failure('spot-a'), spotGroup('spot-a', ['m5.8xlarge', 'r5.8xlarge']), 120_000);
    expect(outs.map((entry) => `${entry.pool.instanceType}/${entry.zoneName}`)).toEqual(['m5.8xlarge/eu-west-3a', 'r5.8xlarge/eu-west-3a']);
    expect(outs[0]).toMatchObject({ source: 'launch-failure', group: 'spot-a', account: null, evidence: 'InsufficientInstanceCapacity', until: at(120) });
  });

  it('do not come back from inferred signals (no echo of a pool suspension)', () => {
    expect(
      poolsOutOfFailure(failure('spot-a', T0, { origin: 'pool', instanceType: 'm5.8xlarge' }), spotGroup('spot-a', ['m5.8xlarge']), DEFAULT_POOL_OUT_MS),
    ).toEqual([]);
  });

  it('keep one mark per pool, the longest, and drop expired ones', () => {
    const live = liveOuts(
      [out('m5.8xlarge', 'eu-west-3a'), out('m5.8xlarge', 'eu-west-3a', { until: at(600) }), out('r5.8xlarge', 'eu-west-3a', { until: at(10) })],
      new Date(at(20)),
    );
    expect(live.map((entry) => entry.until)).toEqual([at(600)]);
  });

  it("keep, for people, how much local evidence a pool has and since when; another account's count is its own", () => {
    const known = [out('m5.8xlarge', 'eu-west-3a', { count: 2, firstSeen: at(-60) }), out('r5.8xlarge', 'eu-west-3a', { account: '111122223333', count: 7 })];
    const fresh = [
      out('m5.8xlarge', 'eu-west-3a', { seenAt: at(10), until: at(310), count: 1 }),
      out('m5.8xlarge', 'eu-west-3a', { seenAt: at(20), until: at(320), count: 1 }),
      out('r5.8xlarge', 'eu-west-3a', { seenAt: at(20), until: at(320), count: 1 }),
    ];
    const folded = foldLocalMarks(known, fresh, new Date(at(30)));
    expect(folded.map((entry) => [entry.pool.instanceType, entry.count, entry.firstSeen ?? entry.seenAt, entry.until])).toEqual([
      ['m5.8xlarge', 4, at(-60), at(320)],
      ['r5.8xlarge', 1, at(20), at(320)],
    ]);
  });
});

describe('acting on pools', () => {
  const groups = [
    spotGroup('spot-nodes-a', ['m5.8xlarge', 'r5.8xlarge']),
    spotGroup('spot-nodes-b', ['m5.8xlarge']),
    {
      ...spotGroup('on-demand-a', ['m5.8xlarge']),
      launch: { instanceTypes: ['m5.8xlarge'], market: 'on-demand' as const, availabilityZoneIds: [], launchTemplate: true },
    },
  ];
  const now = new Date(at(5));

  it('takes out every group whose pools are all out, naming the evidence and where it was seen', () => {
    const signals = poolOutSignals(snapshot(groups), groups, [out('m5.8xlarge', 'eu-west-3a'), out('m5.8xlarge', 'eu-west-3b')], now);
    expect(signals.map((signal) => signal.autoScalingGroupName)).toEqual(['spot-nodes-b']);
    expect(signals[0]).toMatchObject({ origin: 'pool', failure: 'capacity', errorCode: 'PoolsOut', time: T0 });
    expect(signals[0]?.message).toMatch(/m5.8xlarge spot eu-west-3a: InsufficientInstanceCapacity \(seen on spot-x\)/);
  });

  it('leaves a group with a pool left, and never crosses markets', () => {
    const signals = poolOutSignals(
      snapshot(groups),
      groups,
      [out('m5.8xlarge', 'eu-west-3a'), out('m5.8xlarge', 'eu-west-3b'), out('r5.8xlarge', 'eu-west-3a')],
      now,
    );
    expect(signals.map((signal) => signal.autoScalingGroupName)).toEqual(['spot-nodes-b']);
  });

  it("counts a storm or another account's signal as inferred (budgeted)", () => {
    const storm = poolOutOfStorm(
      { pool: { zoneId: '', instanceType: 'm5.8xlarge', market: 'spot' }, zoneName: 'eu-west-3a', interruptions: 9, groups: [], stormSignaledAt: null },
      new Date(T0),
      DEFAULT_POOL_OUT_MS,
    );
    const signals = poolOutSignals(snapshot(groups), groups, [storm, out('m5.8xlarge', 'eu-west-3b')], now);
    expect(signals[0]?.origin).toBe('inferred');
    const remote = out('m5.8xlarge', 'eu-west-3b', {
      account: '111122223333',
      pool: { zoneId: 'euw3-az2', instanceType: 'm5.8xlarge', market: 'spot' },
      zoneName: null,
      source: 'remote',
    });
    // A remote mark has only the AZ ID: it matches a group whose zone's ID is known, never by name.
    const zoneIds = new Map([
      ['eu-west-3a', 'euw3-az1'],
      ['eu-west-3b', 'euw3-az2'],
    ]);
    const [both] = poolOutSignals(snapshot(groups), groups, [out('m5.8xlarge', 'eu-west-3a'), remote], now, zoneIds);
    expect(both?.origin).toBe('inferred');
    // The suspension's reason names the other account before the pools (a reason tag keeps 256 characters).
    const suspend = decide(both!, snapshot(groups), policy(), now).find((action) => action.kind === 'suspend-group');
    expect(suspend && 'reason' in suspend ? suspend.reason : null).toMatch(
      /^capacity: all 2 pool\(s\) out per account 111122223333 and this account: m5.8xlarge spot euw3-az2: InsufficientInstanceCapacity \(seen on account 111122223333\); m5.8xlarge spot euw3-az1/,
    );
    expect(poolOutSignals(snapshot(groups), groups, [out('m5.8xlarge', 'eu-west-3a'), remote], now)).toEqual([]);
  });

  it('decides nothing for groups already out of rotation or ignored', () => {
    const ignored = [{ ...spotGroup('spot-nodes-b', ['m5.8xlarge']), tags: { ...group('x', { desired: 1, max: 2 }).tags, [TAG.ignore]: 'true' } }];
    expect(poolOutSignals(snapshot(ignored, policy()), ignored, [out('m5.8xlarge', 'eu-west-3a'), out('m5.8xlarge', 'eu-west-3b')], now)).toEqual([]);
  });
});
