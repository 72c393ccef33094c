/**
 * Stories of coming back: backoff, the half-open probe, and the groups a person must fix.
 */
import { describe, expect, it } from 'vitest';
import { LEGACY_TAG, TAG } from '../../lib/vocabulary/tags';
import { SPOT, prodCluster } from './cluster';
import { guardOf, signed, stateWord, toTheSecond } from '../unit/failover/builders';

async function spotGroupOutOfRotation() {
  const world = prodCluster();
  world.aws.outOfCapacity(SPOT);
  world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
  await world.deliverEvents();
  expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
  return world;
}

describe('after the backoff', () => {
  it('stays out of rotation until the backoff is over, then opens half-way: MaxSize = current + 1', async () => {
    const world = await spotGroupOutOfRotation();

    world.aws.advance('2m');
    await world.reconcile();
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(2);

    world.aws.advance('1m');
    await world.reconcile();
    const group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('probing');
    expect(group.maxSize).toBe(3);
    expect(group.desiredCapacity).toBe(2);
  });

  it('comes back fully after the first successful launch of the probe', async () => {
    const world = await spotGroupOutOfRotation();
    world.aws.advance('3m');
    await world.reconcile();

    world.aws.capacityBack(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1); // CA tries the group again
    await world.deliverEvents();

    const group = world.aws.view('spot-nodes-8x-a');
    expect({ min: group.minSize, max: group.maxSize }).toEqual({ min: 0, max: 50 });
    expect(
      Object.keys(group.tags)
        .filter((key) => key.startsWith('capacity-guard/'))
        .sort(),
    ).toEqual([TAG.memory]);
    expect(guardOf(group)).toMatchObject({ state: 'healthy', memory: { backoff: { seconds: 180 }, unknownFailures: null } });
    expect(guardOf(group).memory.restoredAt).not.toBeNull();
  });

  it('doubles the backoff when the probe fails too', async () => {
    const world = await spotGroupOutOfRotation();
    expect(guardOf(world.aws.view('spot-nodes-8x-a')).memory.backoff?.seconds).toBe(180);
    world.aws.advance('3m');
    await world.reconcile();

    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1); // still no Spot
    await world.deliverEvents();

    const group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('suspended');
    expect(group.maxSize).toBe(2);
    expect(guardOf(group).memory.backoff?.seconds).toBe(360);
    expect(guardOf(group)).toMatchObject({
      saved: { minSize: 0, desiredCapacity: 7, maxSize: 50 }, // the original sizes, not the probe's
      until: toTheSecond(world.clock.now().getTime() + 360_000),
    });
  });

  it('starts again from the initial backoff after three healthy hours', async () => {
    const world = await spotGroupOutOfRotation();
    world.aws.advance('3m');
    await world.reconcile();
    world.aws.capacityBack(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await world.deliverEvents();

    world.aws.advance('3h');
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await world.deliverEvents();

    expect(guardOf(world.aws.view('spot-nodes-8x-a')).memory.backoff?.seconds).toBe(180);
  });
});

describe('a launch that fails because of the group configuration', () => {
  const MISSING_SECURITY_GROUP = "The security group 'sg-0123456789abcdef0' does not exist in VPC 'vpc-0abc'. Launching EC2 instance failed.";

  it('is taken out of rotation and never resumed by itself, until a person deletes the state tag', async () => {
    const world = prodCluster();
    world.aws.breakLaunches('spot-nodes-8x-a', MISSING_SECURITY_GROUP);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 3);
    await world.deliverEvents();

    for (let minute = 0; minute < 120; minute += 10) {
      world.aws.advance('10m');
      await world.reconcile();
    }
    let group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('suspended');
    expect(guardOf(group)).toMatchObject({ until: null });
    expect(group.maxSize).toBe(2);
    expect(world.metrics.get('alert.needs-operator')).toBeGreaterThanOrEqual(1);

    // The operator fixes the launch template and ends the suspension by deleting one tag.
    world.aws.breakLaunches('spot-nodes-8x-a', null);
    await world.aws.deleteTags('spot-nodes-8x-a', [TAG.state]);
    await world.reconcile();
    group = world.aws.view('spot-nodes-8x-a');
    expect({ min: group.minSize, max: group.maxSize }).toEqual({ min: 0, max: 50 });
    expect(guardOf(group).state).toBe('healthy');
  });
});

describe('when AWS loses the failure event', () => {
  it('the scheduled reconcile finds the failed scaling activity and fails the group over', async () => {
    const world = prodCluster({ emitEvents: false });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 4);

    world.aws.advance('30s');
    await world.reconcile(); // too early: the event may still be on its way
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBeUndefined();

    world.aws.advance('1m');
    await world.reconcile();
    expect(stateWord(world.aws.view('spot-nodes-8x-a').tags)).toBe('suspended');
    expect(world.aws.view('spot-nodes-8x-a').maxSize).toBe(2);
  });
});

describe('the backstop does not act on old news', () => {
  it('catches a failed probe whose event was lost, and doubles the backoff', async () => {
    const world = await spotGroupOutOfRotation();
    world.aws.emitEvents = false;
    world.aws.advance('3m');
    await world.reconcile(); // probing
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1); // still no Spot; the event is lost

    world.aws.advance('2m');
    await world.reconcile();

    const group = world.aws.view('spot-nodes-8x-a');
    expect(stateWord(group.tags)).toBe('suspended');
    expect(guardOf(group).memory.backoff?.seconds).toBe(360);
  });
});

describe('when cluster-autoscaler scales a suspended group in', () => {
  it('the reconcile keeps MaxSize at what runs, so the group stays out of rotation', async () => {
    const world = await spotGroupOutOfRotation();
    await world.aws.setDesiredCapacity('spot-nodes-8x-a', 1); // CA removed an idle node

    await world.reconcile();

    const group = world.aws.view('spot-nodes-8x-a');
    expect(group.maxSize).toBe(1);
    expect(group.desiredCapacity).toBe(1);
  });
});

describe('a group the previous release took out of rotation (one tag per field)', () => {
  /** The suspension as the release before the three-key format wrote it. */
  async function suspendedByPreviousRelease() {
    const world = await spotGroupOutOfRotation();
    const name = 'spot-nodes-8x-a';
    const guard = guardOf(world.aws.view(name));
    if (guard.state !== 'suspended' || guard.memory.backoff === null) throw new Error('not suspended');
    world.aws.tagByHand(name, {
      [TAG.memory]: null,
      [LEGACY_TAG.failure]: guard.failure,
      [LEGACY_TAG.since]: guard.since,
      [LEGACY_TAG.until]: guard.until ?? 'manual',
      [LEGACY_TAG.savedSizes]: signed(name, `${guard.saved.minSize},${guard.saved.desiredCapacity},${guard.saved.maxSize}`),
      [LEGACY_TAG.setMax]: String(guard.setMax),
      [LEGACY_TAG.backoff]: `${guard.memory.backoff.seconds},${guard.memory.backoff.failureAt}`,
    });
    world.aws.tagByHand(name, { [TAG.state]: 'suspended' });
    return world;
  }
  const ours = (world: Awaited<ReturnType<typeof suspendedByPreviousRelease>>) =>
    Object.keys(world.aws.view('spot-nodes-8x-a').tags)
      .filter((key) => key.startsWith('capacity-guard/'))
      .sort();

  it('stays out until its backoff is over, then probes with the three keys, the old ones gone, and comes back', async () => {
    const world = await suspendedByPreviousRelease();
    expect(ours(world)).toHaveLength(8); // state, reason and six fields
    await world.reconcile();
    expect(guardOf(world.aws.view('spot-nodes-8x-a')).state).toBe('suspended');

    world.aws.advance('3m');
    await world.reconcile();
    expect(guardOf(world.aws.view('spot-nodes-8x-a')).state).toBe('probing');
    expect(ours(world)).toEqual([TAG.memory, TAG.reason, TAG.state].sort());

    world.aws.capacityBack(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
    await world.deliverEvents();
    const group = world.aws.view('spot-nodes-8x-a');
    expect({ min: group.minSize, max: group.maxSize }).toEqual({ min: 0, max: 50 });
    expect(ours(world)).toEqual([TAG.memory]);
  });

  it('with 50 tags (the old release left room for its own keys only), still probes and comes back by itself', async () => {
    const world = await suspendedByPreviousRelease();
    const name = 'spot-nodes-8x-a';
    const others = 50 - Object.keys(world.aws.view(name).tags).length;
    world.aws.tagByHand(name, Object.fromEntries(Array.from({ length: others }, (_, index) => [`cost-centre/tag-${index}`, 'x'])));
    expect(Object.keys(world.aws.view(name).tags)).toHaveLength(50);

    world.aws.advance('3m');
    const probe = await world.reconcile();
    expect(probe.failedActions).toBe(0);
    expect(guardOf(world.aws.view(name)).state).toBe('probing');
    expect(world.aws.view(name).maxSize).toBe(3);

    world.aws.capacityBack(SPOT);
    world.aws.clusterAutoscalerScaleUp(name, 1);
    await world.deliverEvents();
    const group = world.aws.view(name);
    expect({ min: group.minSize, max: group.maxSize }).toEqual({ min: 0, max: 50 });
    expect(guardOf(group)).toMatchObject({ state: 'healthy', memory: { backoff: { seconds: 180 } } });
    expect(ours(world)).toEqual([TAG.memory]);
  });

  it('released by an operator, gets its saved sizes back and loses the old keys', async () => {
    const world = await suspendedByPreviousRelease();
    await world.aws.deleteTags('spot-nodes-8x-a', [TAG.state]);

    await world.reconcile();

    const group = world.aws.view('spot-nodes-8x-a');
    expect({ min: group.minSize, max: group.maxSize }).toEqual({ min: 0, max: 50 });
    expect(ours(world)).toEqual([TAG.memory]);
    expect(guardOf(group)).toMatchObject({ state: 'healthy', memory: { backoff: { seconds: 180 } } });
  });
});
