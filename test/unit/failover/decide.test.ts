import { describe, expect, it } from 'vitest';
import type { Action } from '../../../lib/failover/actions';
import { decide } from '../../../lib/failover/decide';
import { TAG } from '../../../lib/vocabulary/tags';
import { unknownFailureKey } from '../../../lib/failover/guard-state';
import { F, T0, at, failure, group, legacyGroup, policy, recorded, snapshot, success } from './builders';

const now = new Date(at(1));
const kinds = (actions: Action[]) => actions.map((action) => action.kind);
const only = <K extends Action['kind']>(actions: Action[], kind: K) => actions.filter((action): action is Extract<Action, { kind: K }> => action.kind === kind);

const suspendedTags = (overrides: Record<string, string> = {}) => ({
  [TAG.state]: 'suspended',
  [F.failure]: 'capacity',
  [F.since]: T0,
  [F.until]: at(180),
  [F.savedSizes]: '1,7,50',
  [F.setMax]: '2',
  [F.backoff]: `180,${T0}`,
  ...overrides,
});

describe('decide on a launch failure of a healthy group', () => {
  it('takes it out of rotation: desired and MaxSize to what runs, original sizes and reason in tags', () => {
    const groups = [group('spot-a', { min: 1, desired: 7, max: 50, inService: 2 })];

    const [suspend] = only(decide(failure('spot-a'), snapshot(groups), policy(), now), 'suspend-group');

    expect(suspend?.to).toEqual({ minSize: 1, desiredCapacity: 2, maxSize: 2 });
    const { guard, memory } = recorded(groups[0]!, suspend);
    expect(guard).toMatchObject({
      state: 'suspended',
      failure: 'capacity',
      saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 },
      since: T0,
      until: at(180),
      setMax: 2,
      reason: 'capacity: InsufficientInstanceCapacity (spot eu-west-3a)',
    });
    expect(memory.backoff).toEqual({ seconds: 180, failureAt: T0 });
    expect(Object.keys(suspend?.tags ?? {}).sort()).toEqual([TAG.memory, TAG.reason, TAG.state]);
  });

  it('names what a person must fix when the text has no code: the reason carries the essential words (item 14)', () => {
    const groups = [group('spot-a', { min: 1, desired: 7, max: 50, inService: 2 })];
    const missingGroup = failure('spot-a', T0, {
      failure: 'configuration',
      errorCode: null,
      market: null,
      message: "The security group 'sg-0123456789abcdef0' does not exist in VPC 'vpc-0abc'. Launching EC2 instance failed.",
    });

    const [suspend] = only(decide(missingGroup, snapshot(groups), policy(), now), 'suspend-group');

    expect(suspend?.reason).toBe("configuration: The security group 'sg-0123456789abcdef0' does not exist in VPC 'vpc-0abc' (eu-west-3a)");
  });

  it('puts the code and the essential words in the reason of a configuration failure', () => {
    const groups = [group('spot-a', { min: 1, desired: 7, max: 50, inService: 2 })];
    const badParameter = failure('spot-a', T0, {
      failure: 'configuration',
      errorCode: 'InvalidParameterValue',
      message: 'Could not launch Spot Instances. InvalidParameterValue - Invalid IAM Instance Profile name. Launching EC2 instance failed.',
    });

    const [suspend] = only(decide(badParameter, snapshot(groups), policy(), now), 'suspend-group');

    expect(suspend?.reason).toBe('configuration: InvalidParameterValue: Invalid IAM Instance Profile name (spot eu-west-3a)');
  });

  it('counts Pending instances as running and lowers MinSize when fewer run than the minimum', () => {
    const groups = [group('spot-a', { min: 5, desired: 7, max: 50, inService: 2, pending: 1 })];

    const [suspend] = only(decide(failure('spot-a'), snapshot(groups), policy(), now), 'suspend-group');

    expect(suspend?.to).toEqual({ minSize: 3, desiredCapacity: 3, maxSize: 3 });
  });

  it('treats quota and price failures like capacity: they heal with time', () => {
    for (const kind of ['quota', 'price'] as const) {
      const [suspend] = only(
        decide(failure('spot-a', T0, { failure: kind }), snapshot([group('spot-a', { desired: 3, max: 9, inService: 1 })]), policy(), now),
        'suspend-group',
      );
      expect(suspend?.until, kind).toBe(at(180));
    }
  });

  it('waits the longest backoff for "not supported", which does not heal with time', () => {
    const [suspend] = only(
      decide(failure('spot-a', T0, { failure: 'unsupported' }), snapshot([group('spot-a', { desired: 3, max: 9, inService: 1 })]), policy(), now),
      'suspend-group',
    );

    expect(suspend?.until).toBe(at(1800));
  });

  it('never brings a configuration failure back by itself, and calls for a person', () => {
    const actions = decide(
      failure('spot-a', T0, { failure: 'configuration' }),
      snapshot([group('spot-a', { desired: 3, max: 9, inService: 1 })]),
      policy(),
      now,
    );

    const suspend = only(actions, 'suspend-group')[0];
    expect(suspend?.tags[TAG.state]).toMatch(/ until=manual /);
    expect(recorded(group('spot-a', { desired: 3, max: 9, inService: 1 }), suspend).guard).toMatchObject({ state: 'suspended', until: null });
    expect(only(actions, 'alert')[0]?.code).toBe('needs-operator');
  });

  it('counts an unknown failure, and only suspends once it repeats within the window', () => {
    const healthy = [group('spot-a', { desired: 3, max: 9, inService: 1 })];
    const unknown = (time: string, activityId: string) => failure('spot-a', time, { failure: 'unknown', activityId });
    const counted = (tag: string) => [group('spot-a', { desired: 3, max: 9, inService: 1 }, { [F.unknownFailures]: tag })];

    const first = decide(unknown(T0, 'aaaaaaaa-1'), snapshot(healthy), policy(), now);
    expect(kinds(first)).toEqual(['count-unknown-failure', 'alert']);
    const count = only(first, 'count-unknown-failure')[0];
    expect(Object.keys(count?.tags ?? {})).toEqual([TAG.memory]);
    expect(recorded(healthy[0]!, count).memory.unknownFailures).toEqual({ first: T0, keys: [unknownFailureKey('aaaaaaaa-1')] });

    const twice = counted(`${T0},${unknownFailureKey('aaaaaaaa-1')};${unknownFailureKey('bbbbbbbb-2')}`);
    expect(decide(unknown(at(30), 'bbbbbbbb-2'), snapshot(twice), policy(), now)).toEqual([]); // the same event again
    expect(kinds(decide(unknown(at(60), 'cccccccc-3'), snapshot(twice), policy(), now))).toContain('suspend-group');

    const afterWindow = decide(unknown(at(16 * 60), 'dddddddd-4'), snapshot(twice), policy(), now);
    expect(only(afterWindow, 'count-unknown-failure')[0]?.count).toBe(1);
  });

  it('counts unknown failures that arrive out of order', () => {
    // Prepare: t20 arrived first, then t0; now t10 arrives.
    const counted = [
      group(
        'spot-a',
        { desired: 3, max: 9, inService: 1 },
        { [F.unknownFailures]: `${T0},${unknownFailureKey('cccccccc-3')};${unknownFailureKey('aaaaaaaa-1')}` },
      ),
    ];

    const actions = decide(failure('spot-a', at(10), { failure: 'unknown', activityId: 'bbbbbbbb-2' }), snapshot(counted), policy(), now);

    expect(kinds(actions)).toContain('suspend-group');
  });

  it('keeps the saved sizes of a released group when unknown failures suspend it again', () => {
    const keys = `${unknownFailureKey('aaaaaaaa-1')};${unknownFailureKey('bbbbbbbb-2')}`;
    const released = [group('spot-a', { desired: 3, max: 3, inService: 3 }, { [F.savedSizes]: '0,7,50', [F.unknownFailures]: `${T0},${keys}` })];

    const [suspend] = only(
      decide(failure('spot-a', at(60), { failure: 'unknown', activityId: 'cccccccc-3' }), snapshot(released), policy(), now),
      'suspend-group',
    );

    expect(recorded(released[0]!, suspend).guard).toMatchObject({ state: 'suspended', saved: { minSize: 0, desiredCapacity: 7, maxSize: 50 } });
  });

  it('ignores a failure older than the last restore (a late event)', () => {
    const groups = [group('spot-a', { desired: 3, max: 9, inService: 1 }, { [F.restoredAt]: at(60) })];

    expect(decide(failure('spot-a', at(30)), snapshot(groups), policy(), now)).toEqual([]);
  });

  it('ignores groups of no configured cluster and groups an operator excluded', () => {
    const foreign = group('spot-x', { desired: 3, max: 9, inService: 1 });
    foreign.tags = { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/staging': 'owned' };
    const excluded = group('spot-b', { desired: 3, max: 9, inService: 1 }, { [TAG.ignore]: 'true' });

    expect(decide(failure('spot-x'), snapshot([foreign, excluded]), policy(), now)).toEqual([]);
    expect(decide(failure('spot-b'), snapshot([foreign, excluded]), policy(), now)).toEqual([]);
    expect(decide(failure('not-described-at-all'), snapshot([foreign]), policy(), now)).toEqual([]);
  });
});

describe('decide on a failure of a group already out of rotation', () => {
  it('does nothing when it is in place and the failure is not older', () => {
    const groups = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags())];

    expect(decide(failure('spot-a', at(20)), snapshot(groups), policy(), now)).toEqual([]);
  });

  it('dates the suspension from the earliest failure when an older one arrives late', () => {
    const groups = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags({ [F.since]: at(20), [F.until]: at(200), [F.backoff]: `180,${at(20)}` }))];

    const [redate] = decide(failure('spot-a', T0), snapshot(groups), policy(), now);

    expect(redate?.kind).toBe('enforce-suspension');
    const after = recorded(groups[0]!, redate?.kind === 'enforce-suspension' ? redate : undefined);
    expect(after.guard).toMatchObject({ state: 'suspended', since: T0, until: at(180) });
    expect(after.memory.backoff).toEqual({ seconds: 180, failureAt: T0 });
  });

  it('ignores a failure from before the last restore, or from before the probe that led to this suspension', () => {
    const afterRestore = [
      group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags({ [F.since]: at(3600), [F.until]: at(3960), [F.restoredAt]: at(1000) })),
    ];
    const afterProbe = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags({ [F.since]: at(400), [F.until]: at(760), [F.probe]: `${at(380)},2` }))];

    expect(decide(failure('spot-a', at(10)), snapshot(afterRestore), policy(), now)).toEqual([]);
    expect(decide(failure('spot-a', at(100)), snapshot(afterProbe), policy(), now)).toEqual([]);
  });

  it('re-suspends a probing group whose probe failed, doubling the backoff and keeping the original sizes', () => {
    const groups = [
      group('spot-a', { min: 1, desired: 3, max: 3, inService: 2 }, suspendedTags({ [TAG.state]: 'probing', [F.probe]: `${at(180)},2`, [F.setMax]: '3' })),
    ];

    const [suspend] = only(decide(failure('spot-a', at(200)), snapshot(groups), policy(), now), 'suspend-group');

    expect(suspend?.backoffSeconds).toBe(360);
    expect(suspend?.to).toEqual({ minSize: 1, desiredCapacity: 2, maxSize: 2 });
    expect(recorded(groups[0]!, suspend).guard).toMatchObject({ saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 }, cycleStart: at(180) });
    expect(suspend?.until).toBe(at(200 + 360));
  });

  it('caps the doubled backoff at the maximum', () => {
    const groups = [
      group(
        'spot-a',
        { min: 1, desired: 3, max: 3, inService: 2 },
        suspendedTags({ [TAG.state]: 'probing', [F.probe]: `${at(180)},2`, [F.backoff]: `1500,${T0}` }),
      ),
    ];

    const [suspend] = only(decide(failure('spot-a', at(200)), snapshot(groups), policy(), now), 'suspend-group');

    expect(suspend?.backoffSeconds).toBe(1800);
  });
});

describe('decide on a launch success', () => {
  const probing = () => [
    group(
      'spot-a',
      { min: 1, desired: 3, max: 3, inService: 2, pending: 1 },
      suspendedTags({ [TAG.state]: 'probing', [F.probe]: `${at(180)},2`, [F.setMax]: '3' }),
    ),
  ];

  it('brings a probing group fully back: saved MinSize/MaxSize, suspension tags removed, backoff kept', () => {
    const [restore] = only(decide(success('spot-a', at(200)), snapshot(probing()), policy(), now), 'restore-group');

    expect(restore?.to).toEqual({ minSize: 1, desiredCapacity: 3, maxSize: 50 });
    expect(restore?.removeTags).toContain(TAG.state);
    // The restore time is recorded before the sizes; the memory keeps the backoff and loses the sizes.
    expect(recorded(probing()[0]!, restore).memory.restoredAt).toBe(at(200));
    expect(recorded(probing()[0]!, restore).guard.state).toBe('released');
    const back = recorded(probing()[0]!, restore).tags;
    const final = recorded({ ...probing()[0]!, tags: back }, restore?.afterSizes);
    expect(final.guard.state).toBe('healthy');
    expect(final.memory).toEqual({ backoff: { seconds: 180, failureAt: T0 }, restoredAt: at(200), unknownFailures: null });
  });

  it('changes nothing for a success older than the probe, or for a group that is not probing', () => {
    expect(decide(success('spot-a', at(100)), snapshot(probing()), policy(), now)).toEqual([]);
    const suspended = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags())];
    expect(decide(success('spot-a', at(100)), snapshot(suspended), policy(), now)).toEqual([]);
  });
});

describe('decide on the scheduled tick', () => {
  const tick = { kind: 'tick' as const, time: at(181) };

  it('opens a group half-way once its backoff is over: MaxSize = current + 1', () => {
    const groups = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags())];

    expect(decide(tick, snapshot(groups), policy(), new Date(at(179)))).toEqual([]);
    const [probe] = decide(tick, snapshot(groups), policy(), new Date(at(181)));

    expect(probe?.kind).toBe('start-probe');
    expect(probe && 'to' in probe ? probe.to : null).toEqual({ minSize: 1, desiredCapacity: 2, maxSize: 3 });
    expect(recorded(groups[0]!, probe?.kind === 'start-probe' ? probe : undefined).guard).toMatchObject({
      state: 'probing',
      probeStart: at(181),
      probeBase: 2,
      setMax: 3,
    });
  });

  it('brings back a probing group whose success event was lost but whose new instance is in service', () => {
    const groups = [
      group('spot-a', { min: 1, desired: 3, max: 3, inService: 3 }, suspendedTags({ [TAG.state]: 'probing', [F.probe]: `${at(180)},2`, [F.setMax]: '3' })),
    ];

    expect(kinds(decide(tick, snapshot(groups), policy(), new Date(at(300))))).toEqual(['restore-group']);
  });

  it('restores the saved sizes of a group whose state tag an operator deleted', () => {
    const tags = suspendedTags();
    delete (tags as Record<string, string>)[TAG.state];
    const [restore] = decide(tick, snapshot([group('spot-a', { min: 1, desired: 2, max: 2 }, tags)]), policy(), now);

    expect(restore?.kind).toBe('restore-group');
    expect(restore && restore.kind === 'restore-group' ? restore.why : null).toBe('operator-released');
  });

  it('probes at the next run when the resume time tag is unreadable, rather than stranding the group', () => {
    const groups = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags({ [F.until]: 'soon-ish' }))];

    expect(kinds(decide(tick, snapshot(groups), policy(), new Date(at(1))))).toEqual(['start-probe']);
  });

  it('leaves a group with damaged tags alone and asks a person to look', () => {
    const tags = suspendedTags();
    delete (tags as Record<string, string>)[F.savedSizes];
    const groups = [group('spot-a', { min: 1, desired: 2, max: 2 }, tags)];

    const actions = decide(tick, snapshot(groups), policy(), now);

    expect(kinds(actions)).toEqual(['alert']);
    expect(decide(failure('spot-a', at(5)), snapshot(groups), policy(), now)).toEqual([]);
  });

  it('brings a probing group fully back when a whole backoff passed without a failure (no demand to probe with)', () => {
    const groups = [group('spot-a', { min: 1, desired: 2, max: 3 }, suspendedTags({ [TAG.state]: 'probing', [F.probe]: `${at(180)},2`, [F.setMax]: '3' }))];

    expect(decide(tick, snapshot(groups), policy(), new Date(at(359)))).toEqual([]);
    const [restore] = decide(tick, snapshot(groups), policy(), new Date(at(360)));

    expect(restore?.kind === 'restore-group' ? restore.why : null).toBe('probe-window-passed');
  });

  it('hands a capped group back once an operator tags it capacity-guard/ignore=true', () => {
    const groups = [group('spot-a', { min: 1, desired: 2, max: 2 }, suspendedTags({ [TAG.ignore]: 'true' }))];

    const [restore] = decide(tick, snapshot(groups), policy(), now);

    expect(restore?.kind === 'restore-group' ? [restore.why, restore.to.maxSize] : null).toEqual(['operator-released', 50]);
  });

  it('never touches healthy groups', () => {
    expect(decide(tick, snapshot([group('spot-a', { desired: 5, max: 9 })]), policy(), now)).toEqual([]);
  });
});

describe('decide in direct mode', () => {
  const direct = policy('', 'direct');

  it('adds the unmet capacity to tier peers first, then the next tier, within MaxSize', () => {
    const groups = [
      group('spot-a', { desired: 9, max: 50, inService: 2 }),
      group('spot-b', { desired: 4, max: 6 }),
      group('on-demand-a', { desired: 1, max: 20 }),
      group('on-demand-b', { desired: 1, max: 20 }),
    ];

    const raises = only(decide(failure('spot-a'), snapshot(groups, direct), direct, now), 'raise-desired');

    expect(raises.map((raise) => [raise.group, raise.from, raise.to])).toEqual([
      ['spot-b', 4, 6],
      ['on-demand-a', 1, 4],
      ['on-demand-b', 1, 3],
    ]);
  });

  it('keeps capacity within a failover set', () => {
    const groups = [
      group('spot-a', { desired: 4, max: 50, inService: 2 }, { [TAG.failoverSet]: 'prometheus' }),
      group('on-demand-a', { desired: 1, max: 20 }),
      group('on-demand-prom', { desired: 1, max: 20 }, { [TAG.failoverSet]: 'prometheus' }),
    ];

    const raises = only(decide(failure('spot-a'), snapshot(groups, direct), direct, now), 'raise-desired');

    expect(raises.map((raise) => raise.group)).toEqual(['on-demand-prom']);
  });

  it('says loudly how many nodes found no place', () => {
    const groups = [group('spot-a', { desired: 6, max: 50, inService: 2 }), group('on-demand-a', { desired: 19, max: 20 })];

    const [alert] = only(decide(failure('spot-a'), snapshot(groups, direct), direct, now), 'alert');

    expect(alert?.code).toBe('no-fallback-capacity');
    expect(alert?.message).toMatch(/^3 of 4 node/);
  });
});

describe('guard rails', () => {
  const groups = () => [group('spot-a', { desired: 7, max: 50, inService: 2 }), group('spot-b', { desired: 4, max: 50, inService: 1 })];

  it('turns every write into a report when the kill switch is on', () => {
    const actions = decide(failure('spot-a'), snapshot(groups()), policy('enabled: false'), now);

    expect(kinds(actions)).toEqual(['alert']);
    expect(only(actions, 'alert')[0]?.code).toBe('kill-switch');
  });

  it('blocks every write with a critical alert when the kill switch value is unreadable (treated as on)', () => {
    const unreadable = { ...policy(), enabled: false, killSwitchUnreadable: 'CAPACITY_GUARD_KILL_SWITCH="tru"' };

    const actions = decide(failure('spot-a'), snapshot(groups()), unreadable, now);

    expect(kinds(actions)).toEqual(['alert']);
    const [alert] = only(actions, 'alert');
    expect(alert?.code).toBe('kill-switch');
    expect(alert?.severity).toBe('critical');
    expect(alert?.message).toMatch(/^kill switch unreadable \(CAPACITY_GUARD_KILL_SWITCH="tru"\), treated as on: not done: /);
  });

  it('still honours an operator release while the kill switch is on', () => {
    const tags = suspendedTags();
    delete (tags as Record<string, string>)[TAG.state];

    const actions = decide({ kind: 'tick', time: at(5) }, snapshot([group('spot-a', { min: 1, desired: 2, max: 2 }, tags)]), policy('enabled: false'), now);

    expect(kinds(actions)).toEqual(['restore-group']);
  });

  it('drops the fallback raises of a suspension the budget refused, so refused groups do not pump capacity elsewhere', () => {
    const budget = policy('changeBudget: { maxSuspensionsPerWindow: 1, window: 10m }', 'direct');
    const groups = [
      group('spot-a', { desired: 2, max: 2 }, suspendedTags()),
      group('spot-b', { desired: 6, max: 50, inService: 1 }),
      group('on-demand-a', { desired: 1, max: 20 }),
    ];

    const actions = decide(failure('spot-b', at(5), { origin: 'inferred' }), snapshot(groups, budget), budget, new Date(at(6)));

    expect(kinds(actions)).toEqual(['alert']);
  });

  it("refuses an inferred suspension (another group's storm, another account) beyond the change budget of the cluster", () => {
    const budget = policy('changeBudget: { maxSuspensionsPerWindow: 1, window: 10m }');
    const withOneSuspended = [
      group('spot-a', { desired: 2, max: 2 }, suspendedTags()),
      group('spot-b', { desired: 4, max: 50, inService: 1 }),
      group('on-demand-a', { desired: 1, max: 20 }),
    ];

    const actions = decide(failure('spot-b', at(5), { origin: 'inferred' }), snapshot(withOneSuspended, budget), budget, new Date(at(6)));

    expect(only(actions, 'alert')[0]?.code).toBe('change-budget-exhausted');
    expect(only(actions, 'suspend-group')).toEqual([]);
    // Once the window has passed, the budget is there again.
    const later = decide(failure('spot-b', at(700), { origin: 'inferred' }), snapshot(withOneSuspended, budget), budget, new Date(at(701)));
    expect(kinds(later)).toContain('suspend-group');
  });

  it("never refuses a suspension the group's own failure justifies, whatever the budget", () => {
    const budget = policy('changeBudget: { maxSuspensionsPerWindow: 1, window: 10m }');
    const withOneSuspended = [
      group('spot-a', { desired: 2, max: 2 }, suspendedTags()),
      group('spot-b', { desired: 4, max: 50, inService: 1 }),
      group('on-demand-a', { desired: 1, max: 20 }),
    ];

    const own = decide(failure('spot-b', at(5)), snapshot(withOneSuspended, budget), budget, new Date(at(6)));
    const fromActivity = decide(failure('spot-b', at(5), { origin: 'scaling-activity' }), snapshot(withOneSuspended, budget), budget, new Date(at(6)));

    expect(only(own, 'suspend-group')[0]?.evidence).toBe('event');
    expect(kinds(fromActivity)).toContain('suspend-group');
  });

  it('suspends on pool evidence past the budget, but never the last group of the failover set still in rotation', () => {
    const budget = policy('changeBudget: { maxSuspensionsPerWindow: 1, window: 10m }');
    const fallbackLeft = [
      group('spot-a', { desired: 2, max: 2 }, suspendedTags()),
      group('spot-b', { desired: 4, max: 50, inService: 1 }),
      group('on-demand-a', { desired: 1, max: 20 }),
    ];
    const lastOne = [group('spot-a', { desired: 2, max: 2 }, suspendedTags()), group('spot-b', { desired: 4, max: 50, inService: 1 })];

    const withFallback = decide(failure('spot-b', at(5), { origin: 'pool' }), snapshot(fallbackLeft, budget), budget, new Date(at(6)));
    const last = decide(failure('spot-b', at(5), { origin: 'pool' }), snapshot(lastOne, budget), budget, new Date(at(6)));
    const lastOwn = decide(failure('spot-b', at(5)), snapshot(lastOne, budget), budget, new Date(at(6)));

    expect(kinds(withFallback)).toContain('suspend-group');
    expect(only(last, 'suspend-group')).toEqual([]);
    expect(only(last, 'alert')[0]?.message).toMatch(/last group of its failover set/);
    expect(kinds(lastOwn)).toContain('suspend-group');
  });

  it('is pure: the same inputs give the same actions, and the snapshot is not modified', () => {
    const input = snapshot(groups());
    const frozen = JSON.stringify(input);

    const first = decide(failure('spot-a'), input, policy(), now);
    const second = decide(failure('spot-a'), input, policy(), now);

    expect(second).toEqual(first);
    expect(JSON.stringify(input)).toBe(frozen);
  });
});

describe("the failover tier on group actions (for the operator's message)", () => {
  // Tiers from the test policy's priorities: 50 "spot", 10 "on-demand"; other groups are never preferred.
  const bystanders = [group('spot-z', { desired: 1, max: 5 }), group('on-demand-z', { desired: 1, max: 5 })];
  const world = (subject: ReturnType<typeof group>) => snapshot([subject, ...bystanders]);
  const probing = suspendedTags({ [TAG.state]: 'probing', [F.probe]: `${at(180)},2`, [F.setMax]: '3' });

  it("is the group's tier in the priority expander: suspend, drift repair, probe, restore", () => {
    const tick = (seconds: number) => ({ kind: 'tick' as const, time: at(seconds) });
    const [suspend] = only(decide(failure('on-demand-a'), world(group('on-demand-a', { desired: 7, max: 50, inService: 2 })), policy(), now), 'suspend-group');
    const [enforce] = only(
      decide(tick(10), world(group('spot-a', { min: 1, desired: 2, max: 9 }, suspendedTags())), policy(), new Date(at(10))),
      'enforce-suspension',
    );
    const [probe] = only(
      decide(tick(181), world(group('on-demand-a', { min: 1, desired: 2, max: 2 }, suspendedTags())), policy(), new Date(at(181))),
      'start-probe',
    );
    const [restore] = only(
      decide(success('other-nodes', at(200)), world(group('other-nodes', { min: 1, desired: 3, max: 3, inService: 2, pending: 1 }, probing)), policy(), now),
      'restore-group',
    );

    expect([suspend?.tier, enforce?.tier, probe?.tier, restore?.tier]).toEqual([1, 0, 1, null]);
  });
});

describe('a group suspended by the previous release (one tag per field)', () => {
  const legacy = (extra: Record<string, string> = {}) =>
    legacyGroup('spot-a', { min: 1, desired: 2, max: 2 }, { ...suspendedTags(), [TAG.reason]: 'capacity: ICE', [F.restoredAt]: at(-3600), ...extra });

  it('is read as it was written, and its next write replaces the old keys: new ones first, old ones deleted after, saved sizes last', () => {
    const [probe] = decide({ kind: 'tick', time: at(181) }, snapshot([legacy()]), policy(), new Date(at(181)));

    expect(probe?.kind).toBe('start-probe');
    const write = probe?.kind === 'start-probe' ? probe : undefined;
    expect(Object.keys(write?.tags ?? {}).sort()).toEqual([TAG.memory, TAG.state]);
    expect(write?.removeTags).toEqual([F.failure, F.since, F.until, F.setMax, F.backoff, F.restoredAt, F.savedSizes]);
    const after = recorded(legacy(), write);
    expect(
      Object.keys(after.tags)
        .filter((key) => key.startsWith('capacity-guard/'))
        .sort(),
    ).toEqual([TAG.memory, TAG.reason, TAG.state]);
    expect(after.guard).toMatchObject({
      state: 'probing',
      failure: 'capacity',
      since: T0,
      saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 },
      reason: 'capacity: ICE',
    });
    expect(after.memory).toEqual({ backoff: { seconds: 180, failureAt: T0 }, restoredAt: at(-3600), unknownFailures: null });
  });

  it('still reads its suspension if the write is lost half-way (new keys written, old ones not yet deleted)', () => {
    const [probe] = decide({ kind: 'tick', time: at(181) }, snapshot([legacy()]), policy(), new Date(at(181)));
    const halfDone = recorded(legacy(), probe?.kind === 'start-probe' ? { tags: probe.tags } : undefined);

    expect(halfDone.guard).toMatchObject({ state: 'probing', saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
  });

  it('released by an operator, is restored with its old saved-sizes key deleted after the sizes', () => {
    const tags = { ...suspendedTags() } as Record<string, string>;
    delete tags[F.state];
    const released = legacyGroup('spot-a', { min: 1, desired: 2, max: 2 }, tags);

    const [restore] = decide({ kind: 'tick', time: at(1) }, snapshot([released]), policy(), now);

    expect(restore?.kind).toBe('restore-group');
    const back = restore?.kind === 'restore-group' ? restore : undefined;
    expect(back?.to).toEqual({ minSize: 1, desiredCapacity: 2, maxSize: 50 });
    expect(back?.removeTags).not.toContain(F.savedSizes);
    expect(back?.afterSizes?.removeTags).toEqual([F.savedSizes]);
    const after = recorded({ ...released, tags: recorded(released, back).tags }, back?.afterSizes);
    expect(Object.keys(after.tags).filter((key) => key.startsWith('capacity-guard/'))).toEqual([TAG.memory]);
    expect(after.guard.state).toBe('healthy');
    expect(after.memory.backoff).toEqual({ seconds: 180, failureAt: T0 });
  });
});

describe('a group of the previous release at the 50-tag limit (it left room for its own keys only)', () => {
  /** `observed` with cost tags added up to `total` tags. */
  const filled = (observed: ReturnType<typeof group>, total = 50) => {
    for (let index = 0; Object.keys(observed.tags ?? {}).length < total; index++) observed.tags = { ...observed.tags, [`cost-centre/tag-${index}`]: 'x' };
    return observed;
  };
  const suspended = (tags = suspendedTags({ [TAG.reason]: 'capacity: ICE', [F.restoredAt]: at(-3600) })) =>
    filled(legacyGroup('spot-a', { min: 1, desired: 2, max: 2 }, tags));
  /** The most tags the group carries while the action's tags are written: after the old keys deleted first. */
  const peak = (observed: ReturnType<typeof group>, action: { removeFirst?: readonly string[]; tags: Record<string, string> }) =>
    Object.keys(recorded(observed, { removeFirst: action.removeFirst, tags: action.tags }).tags).length;
  const kept = [F.state, F.since, F.until, F.savedSizes];

  it('probes: an old key the state reads without is deleted first to make room, the rest after, and a stop right after the deletion still reads the suspension', () => {
    const observed = suspended();
    const [probe] = only(decide({ kind: 'tick', time: at(181) }, snapshot([observed]), policy(), new Date(at(181))), 'start-probe');

    expect(probe?.removeFirst?.length).toBe(1);
    for (const key of kept) expect(probe?.removeFirst).not.toContain(key);
    expect(peak(observed, probe ?? { tags: {} })).toBe(50);
    expect(probe?.removeTags?.at(-1)).toBe(F.savedSizes);
    const stopped = recorded(observed, { removeFirst: probe?.removeFirst, tags: {} });
    expect(stopped.guard).toMatchObject({ state: 'suspended', since: T0, saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
    const after = recorded(observed, probe);
    expect(after.guard).toMatchObject({ state: 'probing', failure: 'capacity', since: T0, saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
    expect(after.memory).toEqual({ backoff: { seconds: 180, failureAt: T0 }, restoredAt: at(-3600), unknownFailures: null });
  });

  it('dates its suspension from an earlier failure within the 50 tags', () => {
    const observed = suspended();
    const [enforce] = only(decide(failure('spot-a', at(-60)), snapshot([observed]), policy(), now), 'enforce-suspension');

    expect(peak(observed, enforce ?? { tags: {} })).toBeLessThanOrEqual(50);
    expect(recorded(observed, enforce).guard).toMatchObject({ state: 'suspended', since: at(-60) });
  });

  it('with no old key to spare, starts no probe its tags could not record, keeps the group out and tells a person', () => {
    const tags = suspendedTags();
    for (const key of [F.failure, F.setMax, F.backoff]) delete tags[key];
    const observed = suspended(tags);
    const actions = decide({ kind: 'tick', time: at(181) }, snapshot([observed]), policy(), new Date(at(181)));

    expect(only(actions, 'start-probe')).toEqual([]);
    for (const action of actions) if ('tags' in action) expect(peak(observed, action)).toBeLessThanOrEqual(50);
    expect(only(actions, 'alert')).toContainEqual(
      expect.objectContaining({ severity: 'critical', code: 'needs-operator', message: expect.stringContaining('probe') }),
    );
  });

  it('healthy with old backoff and restored-at keys, counts their deletion as room: a suspension at 49 tags keeps all three keys', () => {
    const observed = filled(
      legacyGroup('spot-a', { min: 1, desired: 7, max: 50, inService: 2 }, { [F.backoff]: `180,${at(-7200)}`, [F.restoredAt]: at(-3600) }),
      49,
    );
    const actions = decide(failure('spot-a'), snapshot([observed]), policy(), now);
    const [suspend] = only(actions, 'suspend-group');

    expect(Object.keys(suspend?.tags ?? {}).sort()).toEqual([TAG.memory, TAG.reason, TAG.state]);
    expect(peak(observed, suspend ?? { tags: {} })).toBeLessThanOrEqual(50);
    expect(only(actions, 'alert').filter((alert) => alert.code === 'needs-operator')).toEqual([]);
    expect(recorded(observed, suspend).guard).toMatchObject({ state: 'suspended', saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
  });
});

describe('a group near the 50-tag limit', () => {
  const crowded = (foreign: number, tags: Record<string, string> = {}) => {
    const observed = group('spot-a', { min: 1, desired: 7, max: 50, inService: 2 }, tags);
    // The builder adds cluster-autoscaler's two tags: `foreign` counts every tag that is not capacity-guard's.
    for (let index = 0; observed.tags && Object.keys(observed.tags).filter((key) => !key.startsWith('capacity-guard/')).length < foreign; index++)
      observed.tags[`cost-centre/tag-${index}`] = 'x';
    return observed;
  };

  it('with 47 tags of others, gets all three of capacity-guard', () => {
    const [suspend, ...rest] = decide(failure('spot-a'), snapshot([crowded(47)]), policy(), now);

    expect(Object.keys(suspend && 'tags' in suspend ? suspend.tags : {}).sort()).toEqual([TAG.memory, TAG.reason, TAG.state]);
    expect(rest.filter((action) => action.kind === 'alert' && action.code === 'needs-operator')).toEqual([]);
  });

  it('with 48, keeps state and memory (restorable, probed, brought back) and says the reason did not fit', () => {
    const observed = crowded(48);
    const actions = decide(failure('spot-a'), snapshot([observed]), policy(), now);
    const suspend = only(actions, 'suspend-group')[0];

    expect(Object.keys(suspend?.tags ?? {}).sort()).toEqual([TAG.memory, TAG.state]);
    expect(Object.keys(recorded(observed, suspend).tags)).toHaveLength(50);
    expect(recorded(observed, suspend).guard).toMatchObject({ state: 'suspended', saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
    expect(only(actions, 'alert')).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining(TAG.reason) }));
  });

  it('with 49, is capped by its sizes alone, with a critical alert naming the sizes to restore', () => {
    const actions = decide(failure('spot-a'), snapshot([crowded(49)]), policy(), now);

    expect(only(actions, 'suspend-group')[0]).toMatchObject({ tags: {}, to: { maxSize: 2 } });
    expect(only(actions, 'alert')).toContainEqual(
      expect.objectContaining({ severity: 'critical', message: expect.stringContaining('min 1, desired 7, max 50') }),
    );
  });

  it('counts no unknown failure it has no room to record, and says so', () => {
    const actions = decide(failure('spot-a', T0, { failure: 'unknown', activityId: 'aaaaaaaa-1' }), snapshot([crowded(50)]), policy(), now);

    expect(kinds(actions)).toEqual(['alert']);
    expect(only(actions, 'alert')[0]?.message).toMatch(/not counted/);
  });
});
