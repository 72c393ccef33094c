/**
 * Each behaviour of the cluster-autoscaler model pinned to a small story (lib/sim/ca-versions.ts
 * cites where CA does it). Every Spot pool is out of capacity; CA's loop runs at 0, 10, 20 s …;
 * the first ASG cache refresh is at the story's phase.
 */
import { describe, expect, it } from 'vitest';
import { caStory } from './ca-story';

const spot = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `spot-${i}`, market: 'spot' as const }));
const onDemand = { name: 'on-demand-a', market: 'on-demand' as const, desired: 0 };

describe('CA 1.36 on AWS: early abort (auto_scaling_groups.go isNodeGroupAvailable)', () => {
  it("a Failed activity newer than CA's resize backs the group off at the next cache refresh, and the group after it is tried in the same loop and aborted within 20 s", async () => {
    // Prepare: the first refresh at +0 s, the next at +60 s
    const story = caStory({ version: '1.36', groups: [...spot(2), onDemand], demand: 5, seed: 1 });

    // Act
    await story.runUntil(120);

    // Assess
    const [first, second] = story.whenAll(/^scale up spot-/);
    expect(first).toBe(0);
    const aborts = story.whenAll(/failed \(placeholder-cannot-be-fulfilled\): group backed off 5 min/);
    expect(aborts[0]).toBe(60);
    expect(second).toBe(60);
    expect(aborts[1]! - aborts[0]!).toBeLessThanOrEqual(20);
    expect(story.when(/^scale up on-demand-a/)).toBe(aborts[1]);
  });

  it('deletes the placeholders (desired back to the instances AWS has) and refreshes the cache on the next loop, not a minute later', async () => {
    // Prepare
    const story = caStory({ version: '1.36', groups: [...spot(2), onDemand], demand: 5 });

    // Act
    await story.runUntil(75);

    // Assess
    expect(story.when(/^spot-\d: desired 6→1 \(placeholders deleted\); cache refresh on the next loop/)).toBe(60);
    expect(story.whenAll(/^cache refresh:/)).toEqual([60, 70]);
  });

  it('the first abort waits for the cache: up to a minute after the failure, by the phase of the refresh', async () => {
    // Act: the same night with the first refresh at +0 s and at +40 s
    const early = caStory({ version: '1.36', groups: [...spot(1), onDemand], demand: 5, cachePhase: 0 });
    const late = caStory({ version: '1.36', groups: [...spot(1), onDemand], demand: 5, cachePhase: 40_000 });
    await early.runUntil(120);
    await late.runUntil(120);

    // Assess: CA resized at +0 s; the refresh after it comes at +60 s or at +40 s
    expect(early.when(/placeholder-cannot-be-fulfilled\): group/)).toBe(60);
    expect(late.when(/placeholder-cannot-be-fulfilled\): group/)).toBe(40);
  });

  it("a backed-off group's upcoming nodes stop counting at once (clusterstate.go GetUpcomingNodes, 1.36): on-demand is raised for every missing node", async () => {
    // Act
    const story = caStory({ version: '1.36', groups: [...spot(1), onDemand], demand: 8 });
    await story.runUntil(70);

    // Assess
    expect(story.said.find((line) => /^scale up on-demand-a/.test(line.text))?.text).toBe('scale up on-demand-a: desired 0→8 (8 node(s) of pending pods)');
  });
});

describe('CA 1.36: what else it does with a failing or slow group', () => {
  it("a group CA never resized has a zero lastUpdateTime, so any Failed activity counts: a desired raised by hand is taken back at the next refresh, without backoff (no scale-up request of CA's)", async () => {
    // Prepare: someone raises a Spot group that cannot launch; CA has nothing pending
    const story = caStory({ version: '1.36', groups: [...spot(1), onDemand], demand: 0 });
    await story.runUntil(5);
    story.aws.setSizesByHand('spot-0', { desiredCapacity: 4 });

    // Act
    await story.runUntil(70);

    // Assess
    expect(story.when(/^cache refresh: spot-0 has 3 placeholder\(s\) and a Failed scaling activity/)).toBe(60);
    expect(story.when(/^spot-0: desired 4→1 \(placeholders deleted\)/)).toBe(60);
    expect(story.when(/backed off/)).toBeNull();
  });

  it('a timed-out scale-up is backed off and reverted, unless the cache already lists its nodes (AwsNodeGroup.DecreaseTargetSize refuses)', async () => {
    // Prepare: Spot has capacity but nodes take 90 s to register; a 20 s provision time times them out
    const before = caStory({
      version: '1.36',
      groups: [...spot(1), onDemand],
      demand: 5,
      spotOut: false,
      cachePhase: 50_000,
      model: { maxNodeProvisionTime: 20_000 },
    });
    const after = caStory({
      version: '1.36',
      groups: [...spot(1), onDemand],
      demand: 5,
      spotOut: false,
      cachePhase: 10_000,
      model: { maxNodeProvisionTime: 20_000 },
    });

    // Act
    await before.runUntil(40);
    await after.runUntil(40);

    // Assess: timed out at +30 s in both; reverted only where the last refresh predates the scale-up
    for (const story of [before, after]) expect(story.when(/^scale-up of spot-0 timed out \(20 s\): group backed off 5 min/)).toBe(30);
    expect(before.when(/^SetDesiredCapacity|desired 6→1/)).toBeNull();
    expect(before.aws.view('spot-0').desiredCapacity).toBe(1);
    expect(after.aws.view('spot-0').desiredCapacity).toBe(6);
  });
});

describe('CA 1.23 (as run in 2020): timers only', () => {
  it('does not read scaling activities: the scale-up times out after max-node-provision-time (5 min) and backs the group off', async () => {
    // Act
    const story = caStory({ version: '1.23', groups: [...spot(1), onDemand], demand: 5 });
    await story.runUntil(400);

    // Assess
    expect(story.when(/placeholder-cannot-be-fulfilled/)).toBeNull();
    expect(story.when(/^scale-up of spot-0 timed out \(5 min\): group backed off 5 min/)).toBe(310);
  });

  it("each placeholder has its own timer from the refresh that first listed it: the timed-out group's nodes still count as upcoming until then, so on-demand waits for the placeholders' removal (no backoff) and the next loop", async () => {
    // Prepare: CA resizes at +0 s; the cache first lists the placeholders at its refresh at +40 s
    const story = caStory({ version: '1.23', groups: [...spot(1), onDemand], demand: 5, cachePhase: 40_000 });

    // Act
    await story.runUntil(400);

    // Assess
    expect(story.when(/^scale-up of spot-0 timed out/)).toBe(310);
    expect(story.when(/^5 placeholder\(s\) of spot-0 unregistered for over 5 min: removed \(no backoff\)/)).toBe(350);
    expect(story.when(/^scale up on-demand-a/)).toBe(360);
  });

  it('adding nodes to a waiting group restarts its provision timer (clusterstate.go registerOrUpdateScaleUpNoLock)', async () => {
    // Prepare: a group that cannot take the whole demand at once
    const story = caStory({ version: '1.23', groups: [{ name: 'spot-0', market: 'spot', max: 4 }], demand: 5 });

    // Act
    await story.runUntil(30);
    story.aws.setSizesByHand('spot-0', { maxSize: 8 });
    await story.runUntil(400);

    // Assess: raised at +0 s, and again once the cache (refreshed at +60 s) shows the new MaxSize
    const raises = story.whenAll(/^scale up spot-0:/);
    expect(raises).toEqual([0, 60]);
    expect(story.when(/^scale-up of spot-0 timed out/)).toBe(370);
  });
});

describe('both versions', () => {
  it('backs a group off 5 min, doubles on each failure after the backoff ended, caps at 30 min', async () => {
    // Prepare: one Spot group and no on-demand room, so CA keeps retrying the one group
    const story = caStory({ version: '1.23', groups: spot(1), demand: 5 });

    // Act
    await story.runUntil(100 * 60);

    // Assess
    const backoffs = story.said.flatMap((line) => /backed off (\d+) min/.exec(line.text)?.[1] ?? []);
    expect(backoffs.slice(0, 5)).toEqual(['5', '10', '20', '30', '30']);
  });

  it('forgets a backoff once --node-group-backoff-reset-timeout has passed without a failure (exponential_backoff.go RemoveStaleBackoffData)', async () => {
    // Prepare: pods pend for a minute, then again after 40 min; the reset timeout is 3 h, or 30 min
    const demand = (t: number) => (t < 60 || t >= 40 * 60 ? 5 : 0);
    const remembered = caStory({ version: '1.36', groups: spot(1), demand });
    const forgotten = caStory({ version: '1.36', groups: spot(1), demand, model: { backoffResetAfter: 30 * 60_000 } });

    // Act
    await remembered.runUntil(45 * 60);
    await forgotten.runUntil(45 * 60);

    // Assess
    const backoffs = (story: typeof remembered) => story.said.flatMap((line) => /backed off (\d+) min/.exec(line.text)?.[1] ?? []);
    expect(backoffs(remembered)).toEqual(['5', '10']);
    expect(backoffs(forgotten)).toEqual(['5', '5']);
  });

  it('skips a group whose cached desired is at MaxSize', async () => {
    // Act
    const story = caStory({ version: '1.36', groups: [{ name: 'spot-full', market: 'spot', desired: 3, max: 3 }, onDemand], demand: 2 });
    await story.runUntil(30);

    // Assess
    expect(story.when(/^scale up spot-full/)).toBeNull();
    expect(story.when(/^scale up on-demand-a: desired 0→2/)).toBe(0);
  });

  it('a resize AWS refuses (a MaxSize lowered after the cache read it) is a failed scale-up: backoff', async () => {
    // Prepare: the cache reads the groups at +0 s (next refresh at +60 s); MaxSize drops to 1 at +5 s; pods pend from +15 s
    const story = caStory({ version: '1.36', groups: [...spot(1), onDemand], demand: (t) => (t >= 15 ? 5 : 0), spotOut: false });
    await story.runUntil(5);
    story.aws.setSizesByHand('spot-0', { maxSize: 1 });

    // Act
    await story.runUntil(40);

    // Assess
    expect(story.when(/^SetDesiredCapacity spot-0 → 6 refused/)).toBe(20);
    expect(story.when(/^scale-up of spot-0 failed \(resize refused\): group backed off 5 min/)).toBe(20);
    expect(story.when(/^scale up on-demand-a: desired 0→5/)).toBe(30);
  });

  it('breaks priority ties at random (seeded): different seeds pick different first groups', async () => {
    // Act
    const firsts = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const story = caStory({ version: '1.36', groups: [...spot(4), onDemand], demand: 3, seed });
      await story.runUntil(5);
      firsts.add(story.said.find((line) => /^scale up/.test(line.text))!.text.split(':')[0]!);
    }

    // Assess
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('remembers its last scale-up (StaticAutoscaler.lastScaleUpTime; the scale-down model waits after it): none before, the loop of each resize after', async () => {
    // Prepare: Spot available, 3 nodes more wanted from +25 s
    const story = caStory({ version: '1.36', groups: [...spot(1), onDemand], demand: (seconds) => (seconds >= 25 ? 3 : 0), spotOut: false });

    // Act and assess
    await story.runUntil(25);
    expect(story.ca.lastScaleUpAt).toBeNull();
    await story.runUntil(45);
    expect(story.when(/^scale up spot-0/)).toBe(30);
    expect(story.ca.lastScaleUpAt).toBe(Date.parse('2026-11-27T20:55:00Z') + 30_000);
  });
});

describe('applications: pods that fit only their own groups (node selectors)', () => {
  it("places an application's pending nodes on its own groups only, even when another application's group has the higher priority", async () => {
    // Prepare: app a's Spot group has room and capacity; app b's pods want 3 nodes
    const story = caStory({
      version: '1.36',
      groups: [
        { name: 'spot-a', market: 'spot' },
        { name: 'on-demand-b', market: 'on-demand', desired: 0 },
      ],
      demand: 3,
      spotOut: false,
      applications: [
        { groups: ['spot-a'], demand: () => 0 },
        { groups: ['on-demand-b'], demand: () => 3 },
      ],
    });

    // Act
    await story.runUntil(30);

    // Assess
    expect(story.when(/^scale up spot-a/)).toBeNull();
    expect(story.when(/^scale up on-demand-b: desired 0→3 \(3 node/)).toBe(0);
  });

  it('scales up one group per loop (no --parallel-scale-up): two applications pending together are served in successive loops', async () => {
    // Prepare
    const story = caStory({
      version: '1.36',
      groups: [
        { name: 'on-demand-a', market: 'on-demand', desired: 0 },
        { name: 'on-demand-b', market: 'on-demand', desired: 0 },
      ],
      demand: 4,
      applications: [
        { groups: ['on-demand-a'], demand: () => 2 },
        { groups: ['on-demand-b'], demand: () => 2 },
      ],
    });

    // Act
    await story.runUntil(15);

    // Assess
    expect(story.whenAll(/^scale up on-demand-[ab]: desired 0→2/)).toEqual([0, 10]);
  });
});
