/**
 * The publication of shared capacity signals reads a group's pools from the batch's own Describe
 * (lib/runtime/shared-signals-deps.ts rememberingDescribes): no second DescribeAutoScalingGroups per
 * failover run, and only what is younger than POOLS_SEEN_TTL_MS.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/fakes/clock';
import { POOLS_SEEN_TTL_MS, rememberingDescribes } from '../../../lib/runtime/shared-signals-deps';
import { World } from '../../../lib/sim/world';

describe('rememberingDescribes', () => {
  it("serves a group from the run's own Describe, then forgets it after the TTL; the port's other methods still work", async () => {
    const clock = new FakeClock('2026-12-04T10:00:00Z');
    const world = new World({ clock, config: 'clusters:\n  - name: prod\n    priorities: "50: [spot]"\n' });
    world.aws.addGroup({
      name: 'spot-a',
      cluster: 'prod',
      minSize: 0,
      maxSize: 5,
      desiredCapacity: 1,
      pools: [{ market: 'spot', instanceType: 'm5.large', zone: 'eu-west-3a' }],
    });
    const described = rememberingDescribes(world.deps);
    expect(described.recent('spot-a', clock.now())).toBeUndefined();

    await described.autoScaling.describeGroups(['prod']);
    world.aws.resetCallCounts();

    expect(described.recent('spot-a', clock.now())?.launch?.instanceTypes).toEqual(['m5.large']);
    expect(described.recent('other', clock.now())).toBeUndefined();
    expect(world.aws.totalCalls()).toBe(0);
    clock.advance(POOLS_SEEN_TTL_MS + 1);
    expect(described.recent('spot-a', clock.now())).toBeUndefined();
    // A class-based port keeps its methods through the wrapper.
    await described.autoScaling.putTags('spot-a', { note: 'x' });
    expect(world.aws.view('spot-a').tags.note).toBe('x');
  });
});
