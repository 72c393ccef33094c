/**
 * handleLaunchEvents settles a lease whose release was deferred to the report's fold write
 * (lib/aws/lease-release-with-fold.ts) once the report is told: after the notifier, before anything else.
 */
import { describe, expect, it } from 'vitest';
import { handleLaunchEvents } from '../../../lib/failover/run';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../../lib/fakes/aws-events';
import { World } from '../../../lib/sim/world';

describe('the failover and a deferred lease release', () => {
  it('settles the lease after the report is told', async () => {
    const world = new World({ config: 'clusters:\n  - name: prod\n    priorities: |-\n      50: ["^spot-"]\n      10: ["^on-demand-"]\n' });
    world.aws.addGroup({
      name: 'spot-a',
      cluster: 'prod',
      minSize: 0,
      maxSize: 10,
      desiredCapacity: 2,
      pools: [{ market: 'spot', instanceType: 'm5.large', zone: 'eu-west-3a' }],
    });
    const order: string[] = [];
    const lock = world.deps.lock;
    const deps = {
      ...world.deps,
      lock: {
        ...lock,
        tryAcquire: lock.tryAcquire.bind(lock),
        renew: lock.renew.bind(lock),
        release: lock.release.bind(lock),
        settle: async () => void order.push('settle'),
      },
      notifier: { notify: async () => void order.push('notify') },
    };
    const failure = launchUnsuccessfulEvent({
      group: 'spot-a',
      time: world.clock.now().toISOString(),
      zone: 'eu-west-3a',
      statusMessage: 'InsufficientInstanceCapacity - There is no Spot capacity available that matches your request.',
    });

    expect((await handleLaunchEvents([asSqsRecord(failure)], deps)).batchItemFailures).toEqual([]);

    expect(order).toEqual(['notify', 'settle']);
  });
});
