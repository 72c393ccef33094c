/** The backstop's reading of scaling activities, on a stub port (the scenario stories use the fake). */
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../lib/run/deps';
import { reconcile } from '../../../lib/failover/reconcile';
import { readGuardState } from '../../../lib/failover/guard-state';
import type { AutoScalingPort, ScalingActivity } from '../../../lib/ports/auto-scaling';
import { FakeLock } from '../../../lib/fakes/fake-lock';
import { at, group, policy } from './builders';
import { silentLog, noMetrics, noNotifier } from '../../../lib/fakes/recorders';

const NOW = new Date(at(600));
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

function activity(secondsBeforeNow: number, outcome: 'Failed' | 'Successful'): ScalingActivity {
  return {
    activityId: `${outcome}-${secondsBeforeNow}`,
    autoScalingGroupName: 'spot-a',
    statusCode: outcome,
    statusMessage: outcome === 'Failed' ? ICE : '',
    cause: 'At … an instance was started in response to a difference between desired and actual capacity.',
    description: outcome === 'Failed' ? `Launching a new EC2 instance.  Status Reason: ${ICE}` : 'Launching a new EC2 instance: i-0123',
    startTime: new Date(NOW.getTime() - secondsBeforeNow * 1000).toISOString(),
    details: '{"Subnet ID":"subnet-1","Availability Zone":"eu-west-3a"}',
  };
}

/** A port that shows one group short of capacity with these activities, and records every write. */
function stubPort(activities: ScalingActivity[]) {
  const writes: string[] = [];
  const port: AutoScalingPort = {
    describeGroups: async () => [group('spot-a', { desired: 3, max: 50, inService: 2 })],
    scalingActivities: async () => activities,
    updateSizes: async (name, sizes) => void writes.push(`sizes ${name} ${JSON.stringify(sizes)}`),
    setDesiredCapacity: async (name, desired) => void writes.push(`desired ${name} ${desired}`),
    putTags: async (name, tags) => {
      const guard = readGuardState(tags, name);
      writes.push(`tags ${name} ${guard.state === 'damaged' ? '' : guard.state} ${guard.state === 'suspended' ? guard.since : ''}`);
    },
    deleteTags: async (name, keys) => void writes.push(`untag ${name} ${keys.join(' ')}`),
  };
  const deps: AppDeps = {
    policy: policy(),
    autoScaling: port,
    lock: new FakeLock(() => NOW),
    log: silentLog,
    metrics: noMetrics,
    notifier: noNotifier,
    now: () => NOW,
  };
  return { deps, writes };
}

describe('reconcile, for a group whose desired exceeds what runs', () => {
  it('takes it out when it has been failing for longer than the grace, dated from the newest failure', async () => {
    const { deps, writes } = stubPort([activity(90, 'Failed'), activity(80, 'Failed'), activity(20, 'Failed')]);

    await reconcile(deps);

    expect(writes[0]).toBe(`tags spot-a suspended ${at(580)}`);
  });

  it('leaves it alone when a launch succeeded after the failure (the group recovered)', async () => {
    const { deps, writes } = stubPort([activity(300, 'Failed'), activity(30, 'Successful')]);

    await reconcile(deps);

    expect(writes).toEqual([]);
  });

  it('leaves it alone while the failing streak is younger than the grace (the event may be on its way)', async () => {
    const { deps, writes } = stubPort([activity(300, 'Successful'), activity(40, 'Failed'), activity(10, 'Failed')]);

    await reconcile(deps);

    expect(writes).toEqual([]);
  });
});
