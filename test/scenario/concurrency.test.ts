/**
 * SQS runs several batches at once, and the scheduled run overlaps them. Two decisions made on
 * the same snapshot must not interleave their writes into a state nobody decided.
 */
import { describe, expect, it } from 'vitest';
import { SPOT, prodCluster } from './cluster';
import { guardOf, stateWord } from '../unit/failover/builders';

describe('two batches about the same probing group, delivered at the same time', () => {
  it.each(Array.from({ length: 25 }, (_, seed) => seed))(
    'end in a state one of them decided: restored in full, or out of rotation with its tags (interleaving %i)',
    async (seed) => {
      const world = prodCluster({ jitterSeed: seed });
      world.aws.outOfCapacity(SPOT);
      world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
      await world.deliverEvents();
      world.aws.advance('3m');
      await world.reconcile(); // probing: MaxSize 3
      // A mixed-instances probe: one pool launches, another fails (written by hand: the fake fails whole
      // groups), and SQS hands the two events to two invocations at once.
      world.aws.capacityBack(SPOT);
      world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 1);
      const success = world.aws.takeEvents().filter((event) => event['detail-type'] === 'EC2 Instance Launch Successful');
      expect(success).toHaveLength(1);
      const failure = {
        ...success[0]!,
        id: 'late-failure',
        'detail-type': 'EC2 Instance Launch Unsuccessful',
        detail: {
          ...success[0]!.detail,
          StatusCode: 'Failed',
          StatusMessage:
            'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
        },
      };

      await Promise.all([world.deliverEvents(success), world.deliverEvents([failure])]);

      const group = world.aws.view('spot-nodes-8x-a');
      const state = stateWord(group.tags);
      if (state === undefined) {
        expect(group.maxSize).toBe(50); // restored in full
        expect(guardOf(group).state).toBe('healthy');
      } else {
        expect(state).toBe('suspended');
        expect(group.maxSize).toBe(group.desiredCapacity);
        expect(guardOf(group)).toMatchObject({ saved: { maxSize: 50 } }); // the sizes to restore are the real ones
      }
    },
  );
});
