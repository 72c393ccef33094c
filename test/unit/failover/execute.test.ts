/**
 * The executor's phantom demand: a batch is decided on a projection, so a raise that is not written
 * leaves nodes counted in the projection that no group holds. Later raises must leave them out.
 */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../lib/failover/actions';
import { PhantomDemand, executeActions } from '../../../lib/failover/execute';
import { RecordingLog } from '../../../lib/fakes/recorders';
import type { AutoScalingPort } from '../../../lib/ports/auto-scaling';
import { FakeAwsError } from '../../../lib/fakes/fake-auto-scaling';

const sizes = (desired: number, max: number) => ({ minSize: 0, desiredCapacity: desired, maxSize: max });
const suspend = (group: string, from: number, to: number): Action => ({
  kind: 'suspend-group',
  cluster: 'prod',
  group,
  tier: 50,
  failure: 'capacity',
  reason: 'capacity: InsufficientInstanceCapacity',
  until: null,
  backoffSeconds: 180,
  from: sizes(from, 50),
  to: sizes(to, to),
  tags: {},
});
const raise = (group: string, from: number, to: number, replacing: string): Action => ({
  kind: 'raise-desired',
  cluster: 'prod',
  group,
  tier: 10,
  from,
  to,
  replacing,
});

/** Records desired writes; tag writes of `untaggable` are refused (throttled through every try). */
function port(untaggable: string): { port: AutoScalingPort; desired: Map<string, number> } {
  const desired = new Map<string, number>();
  const fake = {
    async putTags(group: string) {
      if (group === untaggable) throw new FakeAwsError('ValidationError', 'refused');
    },
    async updateSizes() {},
    async setDesiredCapacity(group: string, to: number) {
      desired.set(group, to);
    },
  } as unknown as AutoScalingPort;
  return { port: fake, desired };
}

describe('raises of one batch when a failing group could not be suspended', () => {
  it('set a fallback raised for two groups to what the suspended one alone needs', async () => {
    const { port: aws, desired } = port('spot-a');
    const phantom = new PhantomDemand();
    // Decided on one projection: A's 5 nodes to F (2→7), then B's 1 node to F (7→8).
    await executeActions([suspend('spot-a', 7, 2), raise('on-demand', 2, 7, 'spot-a')], aws, new RecordingLog(), {}, undefined, phantom);
    await executeActions([suspend('spot-b', 3, 2), raise('on-demand', 7, 8, 'spot-b')], aws, new RecordingLog(), {}, undefined, phantom);

    expect(desired.get('on-demand')).toBe(3);
  });

  it('do not hand on nodes the failing group never received', async () => {
    const { port: aws, desired } = port('spot-a');
    const phantom = new PhantomDemand();
    // A's 5 nodes to B (3→8), then B fails and hands on 6 (its own 1 and A's 5) to F.
    await executeActions([suspend('spot-a', 7, 2), raise('spot-b', 3, 8, 'spot-a')], aws, new RecordingLog(), {}, undefined, phantom);
    await executeActions([suspend('spot-b', 8, 2), raise('on-demand', 2, 8, 'spot-b')], aws, new RecordingLog(), {}, undefined, phantom);

    expect(desired.get('on-demand')).toBe(3);
    expect(desired.has('spot-b')).toBe(false);
  });

  it('are written as decided when every suspension was written', async () => {
    const { port: aws, desired } = port('nobody');
    const phantom = new PhantomDemand();
    await executeActions([suspend('spot-a', 7, 2), raise('on-demand', 2, 7, 'spot-a')], aws, new RecordingLog(), {}, undefined, phantom);
    await executeActions([suspend('spot-b', 3, 2), raise('on-demand', 7, 8, 'spot-b')], aws, new RecordingLog(), {}, undefined, phantom);

    expect(desired.get('on-demand')).toBe(8);
  });
});
