/** The pure parts of on-demand retirement: the state tag codec and decide on hand-built set views. */
import { describe, expect, it } from 'vitest';
import { policyFromText } from '../../../lib/config/load';
import { RETIRE_OFF } from '../../../lib/config/retire-schema';
import { toView } from '../../../lib/failover/snapshot';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import { applyRetireBudget, batchSize, decideRetirement } from '../../../lib/retire/decide';
import type { FallbackNode, SetView } from '../../../lib/retire/sets';
import { RETIRE_BATCH_TAG, RETIRE_TAG, encodeRetireState, readRetireState } from '../../../lib/retire/tags';
import { SPOT_TAG } from '../../../lib/spot/tags';

const NOW = new Date('2026-11-27T22:00:00.000Z');
const BATCH = '2026-11-27T21:50:00.000Z';
const BUS = 'capacity-guard-drain-prod';
const config = (retire: string, extra = '') =>
  policyFromText(
    `${extra}\nclusters:\n  - name: prod\n    priorities: |-\n      50: ["^spot-"]\n      10: ["^od-"]\nretire: ${retire}\nspot: { clusters: { prod: { drainEventBus: ${BUS} } } }\n`,
    'test',
    { env: {} },
  );
const POLICY = config('{ enabled: true, bootGrace: 0s }');

function group(name: string, desired: number, live: number, tags: Record<string, string> = {}, minSize = 0): ReturnType<typeof toView> {
  const observed: ObservedGroup = {
    name,
    minSize,
    maxSize: 20,
    desiredCapacity: desired,
    instances: Array.from({ length: live }, (_, index) => ({
      instanceId: `i-${name}-${index}`,
      lifecycleState: 'InService',
      availabilityZone: 'eu-west-3a',
      instanceType: 'm5.8xlarge',
      healthStatus: 'Healthy',
    })),
    tags,
    createdTime: '2026-11-27T00:00:00Z',
    availabilityZones: ['eu-west-3a'],
  };
  return toView(observed, 'prod', name.startsWith('spot') ? 0 : 1);
}

function node(id: string, extra: Partial<FallbackNode> = {}): FallbackNode {
  return {
    instanceId: id,
    group: 'od-a',
    lifecycleState: 'InService',
    market: 'on-demand',
    instanceType: 'm5.8xlarge',
    launchTime: '2026-11-27T20:00:00.000Z',
    nodeName: `${id}.internal`,
    ec2State: 'running',
    tags: {},
    ...extra,
  };
}

function view(overrides: Partial<SetView> = {}): SetView {
  return {
    cluster: 'prod',
    set: 'default',
    spotGroups: [group('spot-a', 4, 4)],
    fallbackGroups: [group('od-a', 4, 4)],
    nodes: ['n1', 'n2', 'n3', 'n4'].map((id) => node(id)),
    batchLive: [],
    drainPaths: { 'od-a': 'bus' },
    drainEventBus: BUS,
    lastSignalAt: null,
    poolSignal: false,
    state: null,
    ...overrides,
  };
}

describe('the capacity-guard/retire tag', () => {
  it('reads back what it writes, and calls anything else damaged', () => {
    const states = [
      { phase: 'replacing', batch: BATCH, from: 4, to: 6, fallbackDesired: 8, readySince: null },
      { phase: 'retiring', batch: BATCH, count: 2, fallbackDesired: 8, since: NOW.toISOString() },
      { phase: 'done', at: BATCH },
      { phase: 'aborted', at: BATCH, reason: 'Spot group spot-a went suspended' },
    ] as const;
    for (const state of states) expect(readRetireState(encodeRetireState(state))).toEqual(state);
    expect(encodeRetireState({ phase: 'replacing', batch: BATCH, from: 100, to: 200, fallbackDesired: 1000, readySince: BATCH }).length).toBeLessThanOrEqual(
      256,
    );
    expect(readRetireState('replacing;yesterday;4;6;8;-')).toMatchObject({ phase: 'damaged' });
    expect(readRetireState(undefined)).toBeNull();
  });
});

describe('decideRetirement', () => {
  it('is off without a retire section (RETIRE_OFF) and never starts a batch then', () => {
    const { retire: _retire, ...policy } = POLICY;
    expect(RETIRE_OFF.enabled).toBe(false);
    expect(decideRetirement(view(), policy, NOW).actions).toEqual([]);
  });

  it('batches at most maxNodes, at most percent of the set, at least one', () => {
    expect(batchSize({ ...RETIRE_OFF, batch: { maxNodes: 5, percent: 20 } }, 40)).toBe(5);
    expect(batchSize({ ...RETIRE_OFF, batch: { maxNodes: 5, percent: 20 } }, 12)).toBe(2);
    expect(batchSize({ ...RETIRE_OFF, batch: { maxNodes: 5, percent: 20 } }, 2)).toBe(1);
  });

  it('drain-bus path: tags and announces the oldest nodes once the replacements are ready', () => {
    const ready = encodeRetireState({ phase: 'replacing', batch: BATCH, from: 4, to: 5, fallbackDesired: 4, readySince: BATCH });
    const decision = decideRetirement(
      view({
        spotGroups: [group('spot-a', 5, 5, { [RETIRE_TAG]: ready })],
        state: { group: 'spot-a', value: readRetireState(ready)! },
        nodes: [node('n2', { launchTime: '2026-11-27T20:10:00.000Z' }), node('n1')],
      }),
      POLICY,
      NOW,
    );
    expect(decision.actions).toEqual([
      expect.objectContaining({
        kind: 'retire-nodes',
        eventBusName: BUS,
        replacements: 1,
        nodes: [expect.objectContaining({ instanceId: 'n1', path: 'bus', nodeName: 'n1.internal' })],
      }),
    ]);
  });

  it('drain-bus path: a drained node gone from EC2 leaves its group by that exact instance; a group that already dropped it gets desired − 1, never below the start minus the batch', () => {
    const retiring = encodeRetireState({ phase: 'retiring', batch: BATCH, count: 1, fallbackDesired: 4, since: BATCH });
    const state = { group: 'spot-a', value: readRetireState(retiring)! };
    const batchTags = { [SPOT_TAG.drain]: 'retire-fallback', [RETIRE_BATCH_TAG]: BATCH, [SPOT_TAG.drainEvent]: 'published' };
    const listed = decideRetirement(view({ state, nodes: [node('n1', { tags: batchTags, ec2State: 'terminated' }), node('n2')] }), POLICY, NOW);
    expect(listed.actions[0]).toEqual(expect.objectContaining({ kind: 'retire-finish-drained', instanceId: 'n1', how: 'terminate-in-group' }));

    const dropped = decideRetirement(view({ state, fallbackGroups: [group('od-a', 4, 3)], nodes: [node('n2'), node('n3'), node('n4')] }), POLICY, NOW);
    expect(dropped.actions).toEqual([
      expect.objectContaining({ kind: 'retire-finish-drained', how: 'lower-desired', to: 3 }),
      expect.objectContaining({ kind: 'retire-end-batch', outcome: 'done' }),
    ]);
  });

  it('the kill switch holds a batch under way; switching retirement off aborts it and hands unstarted nodes back', () => {
    const retiring = encodeRetireState({ phase: 'retiring', batch: BATCH, count: 1, fallbackDesired: 4, since: BATCH });
    const state = { group: 'spot-a', value: readRetireState(retiring)! };
    const nodes = [node('n1', { tags: { [SPOT_TAG.drain]: 'retire-fallback', [RETIRE_BATCH_TAG]: BATCH } }), node('n2')];
    const killed = decideRetirement(view({ state, nodes }), config('{ enabled: true }', 'enabled: false'), NOW);
    expect(killed.actions).toEqual([]);
    expect(killed.status.stage).toBe('blocked');
    const off = decideRetirement(view({ state, nodes }), config('{ enabled: false }'), NOW);
    expect(off.actions).toEqual([expect.objectContaining({ kind: 'retire-end-batch', outcome: 'aborted', untag: ['n1'] })]);
  });

  it('a damaged state tag blocks the set until a person looks', () => {
    const decision = decideRetirement(view({ state: { group: 'spot-a', value: readRetireState('retiring;garbage')! } }), POLICY, NOW);
    expect(decision.actions).toEqual([]);
    expect(decision.status).toMatchObject({ stage: 'blocked', why: expect.stringContaining('delete the tag') });
  });

  it('waits while a pool signal touches the set, and for nodes younger than minAge', () => {
    expect(decideRetirement(view({ poolSignal: true }), POLICY, NOW).status.why).toMatch(/capacity signal touches the Spot pools/);
    const young = view({ nodes: [node('n1', { launchTime: '2026-11-27T21:45:00.000Z' })] });
    expect(decideRetirement(young, POLICY, NOW).status.why).toMatch(/no candidate/);
  });

  it('the change budget: per cluster at most maxConcurrentBatches sets in a batch; the others wait', () => {
    const busy = encodeRetireState({ phase: 'replacing', batch: '2026-11-27T21:59:00.000Z', from: 4, to: 5, fallbackDesired: 4, readySince: null });
    const views = [
      view({ set: 'a', spotGroups: [group('spot-a', 5, 4)], state: { group: 'spot-a', value: readRetireState(busy)! } }),
      view({ set: 'b' }),
      view({ set: 'c' }),
    ];
    const decisions = applyRetireBudget(
      views.map((candidate) => decideRetirement(candidate, POLICY, NOW)),
      views,
      POLICY,
    );
    expect(decisions.map((decision) => decision.actions.map((action) => action.kind))).toEqual([[], ['retire-raise-spot'], []]);
    expect(decisions[2]!.status.why).toMatch(/change budget: 2 set\(s\) of prod already in a batch/);
  });
});
