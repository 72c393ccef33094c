/** The spot decisions, pure: drains, replacements, storms, rebalance expiry, pool windows. */
import { describe, expect, it } from 'vitest';
import { policyFromText } from '../../../lib/config/load';
import { buildSnapshot } from '../../../lib/failover/snapshot';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import type { Ec2Instance } from '../../../lib/ports/ec2';
import type { PoolState } from '../../../lib/ports/pool-signals';
import type { SpotSignal } from '../../../lib/vocabulary/signals';
import { EXACT_DEADLINE_CALLS, planDrains, planReplacements, stormSignals } from '../../../lib/spot/decide';
import { countInWindow, bucketOf } from '../../../lib/spot/pool-window';
import { planDetachedTermination, planRebalanceExpiry } from '../../../lib/spot/sweep';
import { SPOT_TAG } from '../../../lib/spot/tags';

const CONFIG = (spot = '') => `
clusters:
  - name: prod
    priorities: |-
      50: ["^spot-"]
      10: ["^od-"]
spot:
  clusters:
    prod:
      drainEventBus: capacity-guard-drain-prod
${spot}
`;
const policy = (spot = '') => policyFromText(CONFIG(spot), 'test.yml', { env: {} });

function instance(id: string, extra: Partial<Ec2Instance> = {}): Ec2Instance {
  return {
    instanceId: id,
    state: 'running',
    tags: { 'aws:autoscaling:groupName': 'spot-a', 'k8s.io/cluster-autoscaler/prod': 'owned', ...extra.tags },
    availabilityZone: 'eu-west-3a',
    availabilityZoneId: 'euw3-az1',
    instanceType: 'm5.8xlarge',
    market: 'spot',
    autoScalingGroupName: 'spot-a',
    privateDnsName: `ip-${id}.eu-west-3.compute.internal`,
    ...extra,
  };
}
const itn = (id: string, time = '2026-11-27T21:00:00.000Z'): SpotSignal => ({
  kind: 'spot-interruption',
  instanceId: id,
  time,
  deadline: new Date(Date.parse(time) + 120_000).toISOString(),
  instanceAction: 'terminate',
  eventId: `e-${id}`,
});
const hint = (id: string, time = '2026-11-27T21:00:00.000Z'): SpotSignal => ({ kind: 'rebalance-recommendation', instanceId: id, time, eventId: `r-${id}` });
const items = (...signals: SpotSignal[]) => signals.map((signal, item) => ({ item, signal }));
const byId = (...list: Ec2Instance[]) => new Map(list.map((i) => [i.instanceId, i]));
const group = (name: string, ids: string[], tags: Record<string, string> = {}): ObservedGroup => ({
  name,
  minSize: 0,
  maxSize: 100,
  desiredCapacity: ids.length,
  instances: ids.map((instanceId) => ({
    instanceId,
    lifecycleState: 'InService',
    availabilityZone: 'eu-west-3a',
    instanceType: 'm5.8xlarge',
    healthStatus: 'Healthy',
  })),
  tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned', ...tags },
  createdTime: '2026-01-01T00:00:00Z',
  availabilityZones: ['eu-west-3a'],
});

describe('planDrains', () => {
  it('tags a batch with few distinct deadlines exactly (one tag set each), and publishes each node with its own deadline', () => {
    const plan = planDrains(
      items(itn('i-1', '2026-11-27T21:00:05.000Z'), itn('i-2', '2026-11-27T21:00:01.000Z'), itn('i-3', '2026-11-27T21:00:05.000Z')),
      byId(instance('i-1'), instance('i-2'), instance('i-3')),
      policy(),
    );

    expect(plan.tags).toEqual([
      {
        kind: 'tag-for-drain',
        reason: 'spot-interruption',
        instances: [
          { instanceId: 'i-1', cluster: 'prod', group: 'spot-a' },
          { instanceId: 'i-3', cluster: 'prod', group: 'spot-a' },
        ],
        tags: { [SPOT_TAG.drain]: 'spot-interruption', [SPOT_TAG.deadline]: '2026-11-27T21:02:05.000Z', [SPOT_TAG.drainEvent]: 'published' },
      },
      {
        kind: 'tag-for-drain',
        reason: 'spot-interruption',
        instances: [{ instanceId: 'i-2', cluster: 'prod', group: 'spot-a' }],
        tags: { [SPOT_TAG.drain]: 'spot-interruption', [SPOT_TAG.deadline]: '2026-11-27T21:02:01.000Z', [SPOT_TAG.drainEvent]: 'published' },
      },
    ]);
    expect(plan.publish).toHaveLength(1);
    expect(plan.publish[0]!.nodes.map((node) => [node.instanceId, node.deadline, node.nodeName])).toEqual([
      ['i-1', '2026-11-27T21:02:05.000Z', 'ip-i-1.eu-west-3.compute.internal'],
      ['i-2', '2026-11-27T21:02:01.000Z', 'ip-i-2.eu-west-3.compute.internal'],
      ['i-3', '2026-11-27T21:02:05.000Z', 'ip-i-3.eu-west-3.compute.internal'],
    ]);
    expect(plan.pools).toEqual([
      expect.objectContaining({
        pool: { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' },
        zoneName: 'eu-west-3a',
        interruptions: ['i-1', 'i-2', 'i-3'].map((instanceId) => expect.objectContaining({ instanceId })),
      }),
    ]);
  });

  it('beyond EXACT_DEADLINE_CALLS distinct deadlines (a storm), tags the whole batch in one set with the earliest deadline', () => {
    const ids = ['i-1', 'i-2', 'i-3', 'i-4'];
    const times = ['2026-11-27T21:00:04.000Z', '2026-11-27T21:00:02.000Z', '2026-11-27T21:00:03.000Z', '2026-11-27T21:00:01.000Z'];
    expect(EXACT_DEADLINE_CALLS).toBe(3);
    const plan = planDrains(items(...ids.map((id, index) => itn(id, times[index]))), byId(...ids.map((id) => instance(id))), policy());

    expect(plan.tags).toHaveLength(1);
    expect(plan.tags[0]!.instances.map((i) => i.instanceId)).toEqual(ids);
    expect(plan.tags[0]!.tags[SPOT_TAG.deadline]).toBe('2026-11-27T21:02:01.000Z');
    expect(plan.publish[0]!.nodes.map((node) => node.deadline)).toEqual(times.map((time) => new Date(Date.parse(time) + 120_000).toISOString()));
  });

  it('at exactly EXACT_DEADLINE_CALLS distinct deadlines, still tags each node with its own deadline (the boundary)', () => {
    const ids = ['i-1', 'i-2', 'i-3'];
    const times = ['2026-11-27T21:00:03.000Z', '2026-11-27T21:00:01.000Z', '2026-11-27T21:00:02.000Z'];
    expect(ids).toHaveLength(EXACT_DEADLINE_CALLS);
    const plan = planDrains(items(...ids.map((id, index) => itn(id, times[index]))), byId(...ids.map((id) => instance(id))), policy());

    expect(plan.tags.map((set) => [set.instances.map((i) => i.instanceId), set.tags[SPOT_TAG.deadline]])).toEqual([
      [['i-1'], '2026-11-27T21:02:03.000Z'],
      [['i-2'], '2026-11-27T21:02:01.000Z'],
      [['i-3'], '2026-11-27T21:02:02.000Z'],
    ]);
  });

  it('ignores instances of other clusters and outside groups, but counts their interruption in the pool', () => {
    const foreign = instance('i-3', {
      tags: { 'aws:autoscaling:groupName': 'other', 'k8s.io/cluster-autoscaler/staging': 'owned' },
      autoScalingGroupName: 'other',
    });
    const loose = instance('i-4', { tags: {}, autoScalingGroupName: null });
    const plan = planDrains(items(itn('i-3'), itn('i-4'), itn('i-5')), byId(foreign, loose), policy());

    expect(plan.items.map((entry) => entry.ownership.owned)).toEqual([false, false, false]);
    expect(plan.items.map((entry) => entry.notes[0])).toEqual([
      expect.stringContaining('belongs to no configured cluster'),
      expect.stringContaining('in no Auto Scaling group'),
      expect.stringContaining('unknown to DescribeInstances'),
    ]);
    expect(plan.tags).toEqual([]);
    expect(plan.publish).toEqual([]);
    expect(plan.pools[0]!.interruptions.map((entry) => entry.instanceId)).toEqual(['i-3', 'i-4']);
  });

  it('reads the cluster from kubernetes.io/cluster/<name> too', () => {
    const eks = instance('i-6', { tags: { 'aws:autoscaling:groupName': 'spot-a', 'kubernetes.io/cluster/prod': 'owned' } });
    expect(planDrains(items(itn('i-6')), byId(eks), policy()).tags).toHaveLength(1);
  });

  it('does nothing for an instance already tagged and published', () => {
    const done = instance('i-1', {
      tags: {
        'aws:autoscaling:groupName': 'spot-a',
        'k8s.io/cluster-autoscaler/prod': 'owned',
        [SPOT_TAG.drain]: 'spot-interruption',
        [SPOT_TAG.drainEvent]: 'published',
      },
    });
    const plan = planDrains(items(itn('i-1')), byId(done), policy());
    expect([plan.tags, plan.publish]).toEqual([[], []]);
    expect(plan.items[0]!.notes).toEqual(['already tagged capacity-guard/drain=spot-interruption']);
  });

  it('turns a rebalance tag into an interruption tag; never the other way', () => {
    const hinted = instance('i-1', {
      tags: {
        'aws:autoscaling:groupName': 'spot-a',
        'k8s.io/cluster-autoscaler/prod': 'owned',
        [SPOT_TAG.drain]: 'rebalance-recommendation',
        [SPOT_TAG.drainEvent]: 'published',
      },
    });
    expect(planDrains(items(itn('i-1')), byId(hinted), policy()).tags[0]?.reason).toBe('spot-interruption');
    const interrupted = instance('i-2', {
      tags: {
        'aws:autoscaling:groupName': 'spot-a',
        'k8s.io/cluster-autoscaler/prod': 'owned',
        [SPOT_TAG.drain]: 'spot-interruption',
        [SPOT_TAG.drainEvent]: 'published',
      },
    });
    expect(planDrains(items(hint('i-2')), byId(interrupted), policy()).tags).toEqual([]);
  });

  it('lets the interruption win when both signals of one instance are in the batch', () => {
    const plan = planDrains(items(hint('i-1'), itn('i-1')), byId(instance('i-1')), policy());
    expect(plan.tags.map((action) => action.reason)).toEqual(['spot-interruption']);
  });

  it('tags a rebalance hint with its time (for the expiry), per the group policy', () => {
    const tagged = planDrains(items(hint('i-1')), byId(instance('i-1')), policy());
    expect(tagged.tags[0]!.tags).toMatchObject({ [SPOT_TAG.drain]: 'rebalance-recommendation', [SPOT_TAG.rebalanceAt]: '2026-11-27T21:00:00.000Z' });
    const ignored = planDrains(items(hint('i-1')), byId(instance('i-1')), policy('      rebalance: ignore'));
    expect(ignored.tags).toEqual([]);
  });

  it('lets a group opt out by a tag it propagates to its instances', () => {
    const optedOut = instance('i-1', {
      tags: {
        'aws:autoscaling:groupName': 'spot-a',
        'k8s.io/cluster-autoscaler/prod': 'owned',
        [SPOT_TAG.rebalancePolicy]: 'ignore',
        [SPOT_TAG.replacePolicy]: 'none',
      },
    });
    expect(planDrains(items(hint('i-1')), byId(optedOut), policy()).tags).toEqual([]);
    const decided = planDrains(items(itn('i-1')), byId(optedOut), policy()).items;
    expect(planReplacements(decided, byId(optedOut), new Map(), [group('spot-a', ['i-1'])], policy()).actions).toEqual([]);
    const typo = instance('i-2', {
      tags: { 'aws:autoscaling:groupName': 'spot-a', 'k8s.io/cluster-autoscaler/prod': 'owned', [SPOT_TAG.rebalancePolicy]: 'ignored' },
    });
    expect(planDrains(items(hint('i-2')), byId(typo), policy()).tags).toHaveLength(1);
  });

  it('without a drain bus only tags', () => {
    const plan = planDrains(items(itn('i-1')), byId(instance('i-1')), policyFromText(CONFIG().replace(/spot:[\s\S]*/, ''), 't.yml', { env: {} }));
    expect(plan.publish).toEqual([]);
    expect(plan.tags[0]!.tags[SPOT_TAG.drainEvent]).toBeUndefined();
  });
});

describe('planReplacements', () => {
  const storming: PoolState = {
    pool: { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' },
    zoneName: 'eu-west-3a',
    interruptions: 5,
    groups: ['spot-a'],
    stormSignaledAt: null,
  };
  const calm: PoolState = { ...storming, interruptions: 4 };

  it('detaches in-service instances per group, unless the pool storms or the group says replace: none', () => {
    const decided = planDrains(items(itn('i-1'), itn('i-2'), itn('i-9')), byId(instance('i-1'), instance('i-2'), instance('i-9')), policy()).items;
    const groups = [group('spot-a', ['i-1', 'i-2'])];

    expect(
      planReplacements(decided, byId(instance('i-1'), instance('i-2'), instance('i-9')), new Map([['euw3-az1|m5.8xlarge|spot', calm]]), groups, policy())
        .actions,
    ).toEqual([{ kind: 'detach-for-replacement', cluster: 'prod', group: 'spot-a', instanceIds: ['i-1', 'i-2'], reason: 'spot-interruption' }]);
    expect(
      planReplacements(decided, byId(instance('i-1'), instance('i-2')), new Map([['euw3-az1|m5.8xlarge|spot', storming]]), groups, policy()).actions,
    ).toEqual([]);
    expect(planReplacements(decided, byId(instance('i-1'), instance('i-2')), new Map(), groups, policy('      replace: none')).actions).toEqual([]);
  });
});

describe('stormSignals', () => {
  const state: PoolState = {
    pool: { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' },
    zoneName: 'eu-west-3a',
    interruptions: 5,
    groups: ['other-cluster-group', 'spot-a'],
    stormSignaledAt: null,
  };
  const snapshot = buildSnapshot([group('spot-a', ['i-1'])], policy());
  const now = new Date('2026-11-27T21:01:00Z');

  it('turns a pool at the threshold into capacity launch failures for the configured groups that lost instances there', () => {
    const [storm] = stormSignals([state], snapshot, policy(), now);
    expect(storm!.signals).toEqual([
      expect.objectContaining({
        kind: 'launch-failure',
        autoScalingGroupName: 'spot-a',
        availabilityZone: 'eu-west-3a',
        instanceType: 'm5.8xlarge',
        market: 'spot',
        failure: 'capacity',
        errorCode: 'SpotInterruptionStorm',
        time: now.toISOString(),
      }),
    ]);
  });

  it('stays quiet below the threshold and within a window of the last hand-over', () => {
    expect(stormSignals([{ ...state, interruptions: 4 }], snapshot, policy(), now)).toEqual([]);
    expect(stormSignals([{ ...state, stormSignaledAt: '2026-11-27T20:55:00.000Z' }], snapshot, policy(), now)).toEqual([]);
    expect(stormSignals([{ ...state, stormSignaledAt: '2026-11-27T20:50:00.000Z' }], snapshot, policy(), now)).toHaveLength(1);
    // A configured threshold of 2 in 5 minutes: 2 is a storm, and a hand-over 6 minutes ago is stale.
    const sensitive = policy('  storm:\n    interruptions: 2\n    window: 5m');
    expect(stormSignals([{ ...state, interruptions: 2, stormSignaledAt: '2026-11-27T20:55:00.000Z' }], snapshot, sensitive, now)).toHaveLength(1);
  });
});

describe('planRebalanceExpiry', () => {
  const now = new Date('2026-11-27T21:30:00Z');
  const tagged = (id: string, at: string, drain = 'rebalance-recommendation') =>
    instance(id, {
      tags: { 'aws:autoscaling:groupName': 'spot-a', 'k8s.io/cluster-autoscaler/prod': 'owned', [SPOT_TAG.drain]: drain, [SPOT_TAG.rebalanceAt]: at },
    });

  it('expires rebalance tags older than 30 minutes, not younger ones, not interruption tags, not other clusters', () => {
    const foreign = instance('i-4', {
      tags: {
        'aws:autoscaling:groupName': 'x',
        'k8s.io/cluster-autoscaler/staging': 'owned',
        [SPOT_TAG.drain]: 'rebalance-recommendation',
        [SPOT_TAG.rebalanceAt]: '2026-11-27T20:00:00.000Z',
      },
    });
    const plan = planRebalanceExpiry(
      [
        tagged('i-1', '2026-11-27T21:00:00.000Z'),
        tagged('i-2', '2026-11-27T21:00:01.000Z'),
        tagged('i-3', '2026-11-27T20:00:00.000Z', 'spot-interruption'),
        foreign,
      ],
      policy(),
      now,
    );
    expect(plan).toEqual({ kind: 'untag-expired-rebalance', instanceIds: ['i-1'], keys: [SPOT_TAG.drain, SPOT_TAG.rebalanceAt, SPOT_TAG.drainEvent] });
  });

  it('follows the configured expiry', () => {
    expect(planRebalanceExpiry([tagged('i-1', '2026-11-27T21:25:00.000Z')], policy('  rebalanceTagExpiry: 5m'), now)?.instanceIds).toEqual(['i-1']);
  });
});

describe('planDetachedTermination', () => {
  const now = new Date('2026-11-27T21:30:00Z');
  /** Detached by us: no group tag any more, the cluster tags and our drain tag kept. */
  const detached = (id: string, drain: string, since: string, extra: Partial<Ec2Instance> = {}) =>
    instance(id, {
      autoScalingGroupName: null,
      tags: {
        'k8s.io/cluster-autoscaler/prod': 'owned',
        [SPOT_TAG.drain]: drain,
        [drain === 'spot-interruption' ? SPOT_TAG.deadline : SPOT_TAG.rebalanceAt]: since,
      },
      ...extra,
    });

  it('terminates detached nodes 30 minutes past the recommendation (rebalance-replace) or the deadline (interruption EC2 did not carry out)', () => {
    const plan = planDetachedTermination(
      [
        detached('i-1', 'rebalance-replace', '2026-11-27T21:00:00.000Z'),
        detached('i-2', 'rebalance-replace', '2026-11-27T21:00:01.000Z'),
        detached('i-3', 'spot-interruption', '2026-11-27T20:59:00.000Z'),
        detached('i-4', 'spot-interruption', '2026-11-27T21:10:00.000Z'),
      ],
      policy(),
      now,
    );
    expect(plan).toEqual({ kind: 'terminate-detached', instanceIds: ['i-1', 'i-3'] });
  });

  it('never terminates a node still in a group, of another cluster, only hinted (tag policy), already ending, or without a readable time', () => {
    const old = '2026-11-27T20:00:00.000Z';
    const candidates = [
      // The detach did not happen (storming pool, lease busy): its group still owns it.
      instance('i-1', {
        tags: {
          'aws:autoscaling:groupName': 'spot-a',
          'k8s.io/cluster-autoscaler/prod': 'owned',
          [SPOT_TAG.drain]: 'rebalance-replace',
          [SPOT_TAG.rebalanceAt]: old,
        },
      }),
      detached('i-2', 'rebalance-replace', old, {
        tags: { 'k8s.io/cluster-autoscaler/staging': 'owned', [SPOT_TAG.drain]: 'rebalance-replace', [SPOT_TAG.rebalanceAt]: old },
      }),
      detached('i-3', 'rebalance-recommendation', old),
      detached('i-4', 'rebalance-replace', old, { state: 'shutting-down' }),
      detached('i-5', 'rebalance-replace', 'soon'),
    ];
    expect(planDetachedTermination(candidates, policy(), now)).toBeNull();
    expect(planDetachedTermination([detached('i-6', 'rebalance-replace', old)], policy(), now)?.instanceIds).toEqual(['i-6']);
  });

  it('follows the configured time, and never with "never"', () => {
    const node = detached('i-1', 'rebalance-replace', '2026-11-27T21:20:00.000Z');
    expect(planDetachedTermination([node], policy(), now)).toBeNull();
    expect(planDetachedTermination([node], policy('  terminateDetachedAfter: 10m'), now)?.instanceIds).toEqual(['i-1']);
    expect(
      planDetachedTermination([detached('i-2', 'rebalance-replace', '2026-11-01T00:00:00.000Z')], policy('  terminateDetachedAfter: never'), now),
    ).toBeNull();
  });
});

describe('pool windows', () => {
  it('counts distinct ids in the buckets of the window only', () => {
    const windowMs = 600_000;
    const t0 = Date.parse('2026-11-27T21:00:00Z');
    const buckets = new Map([
      [bucketOf(t0 - 700_000, windowMs), ['old']],
      [bucketOf(t0 - 60_000, windowMs), ['a', 'b']],
      [bucketOf(t0, windowMs), ['b', 'c']],
    ]);
    expect(countInWindow(buckets, t0, windowMs)).toBe(3);
  });
});
