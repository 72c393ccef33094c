/**
 * The retirement path against moto 5.2.5 (issue 15): DescribeLifecycleHooks, TerminateInstanceInAutoScalingGroup
 * with desired − 1, LaunchTime from DescribeInstances, and a whole retire run on the real Auto Scaling
 * and EC2 adapters (the lease and the pool table in memory).
 *
 * moto gaps seen here, which our code and fake handle themselves: moto terminates at once (no
 * Terminating:Wait while a termination hook's handler drains: the fake models that); it does not
 * refuse a decrement below MinSize (AWS does: "Currently, desiredSize equals minSize ...", checked in
 * the fake and in test/unit/act/retire-adapter-errors.test.ts); for an instance in no group moto
 * answers HTTP 500 (a StopIteration in its terminate_instance) where AWS answers ValidationError
 * "Instance Id not found", which the adapter counts as done (same unit test); every moto instance is on-demand.
 */
import { PutLifecycleHookCommand } from '@aws-sdk/client-auto-scaling';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createAutoScalingAdapter } from '../../lib/aws/auto-scaling-adapter';
import { createEc2Client, createEventBridgeClient } from '../../lib/aws/clients';
import { createEc2Adapter } from '../../lib/aws/ec2-adapter';
import { createEventBusAdapter } from '../../lib/aws/event-bus-adapter';
import { createRetireAdapter } from '../../lib/aws/retire-adapter';
import { policyFromText } from '../../lib/config/load';
import { FakeLock } from '../../lib/fakes/fake-lock';
import { FakePoolSignalStore } from '../../lib/fakes/fake-spot-stores';
import { MetricsRecorder, RecordingNotifier, silentLog } from '../../lib/fakes/recorders';
import type { RetireDeps } from '../../lib/retire/deps';
import { retireRun } from '../../lib/retire/run';
import { RETIRE_TAG } from '../../lib/retire/tags';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, REGION, clusterTags, motoAutoScalingClient } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const ec2Config = () => ({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

async function terminationHook(world: MotoWorld, group: string, transition = 'autoscaling:EC2_INSTANCE_TERMINATING', name = 'nth-drain'): Promise<void> {
  await world.client.send(
    new PutLifecycleHookCommand({
      AutoScalingGroupName: group,
      LifecycleHookName: name,
      LifecycleTransition: transition,
      HeartbeatTimeout: 300,
      DefaultResult: 'CONTINUE',
    }),
  );
}

describe('the retire adapter on moto', () => {
  beforeEach(() => resetMoto(endpoint));

  it('names only the termination hooks of a group', async () => {
    const world = new MotoWorld(motoAutoScalingClient(endpoint));
    await world.group('on-demand-a', { tags: clusterTags('prod') });
    await world.group('on-demand-b', { tags: clusterTags('prod') });
    await terminationHook(world, 'on-demand-a');
    await terminationHook(world, 'on-demand-a', 'autoscaling:EC2_INSTANCE_LAUNCHING', 'warm-up');
    const retire = createRetireAdapter(world.client);

    expect(await retire.terminationHooks('on-demand-a')).toEqual(['nth-drain']);
    expect(await retire.terminationHooks('on-demand-b')).toEqual([]);
  });

  it('terminates one instance with desired − 1 (no replacement)', async () => {
    const world = new MotoWorld(motoAutoScalingClient(endpoint));
    await world.group('on-demand-a', { tags: clusterTags('prod'), minSize: 1, maxSize: 5, desiredCapacity: 3 });
    const [first] = (await world.raw('on-demand-a')).Instances ?? [];
    const retire = createRetireAdapter(world.client);

    await retire.terminateInGroup(first!.InstanceId!, true);

    const after = await world.raw('on-demand-a');
    expect(after.DesiredCapacity).toBe(2);
    expect(after.Instances?.map((instance) => instance.InstanceId)).not.toContain(first!.InstanceId);
  });

  it('reads LaunchTime through the EC2 adapter', async () => {
    const world = new MotoWorld(motoAutoScalingClient(endpoint));
    await world.group('on-demand-a', { tags: clusterTags('prod'), desiredCapacity: 1 });
    const [instance] = (await world.raw('on-demand-a')).Instances ?? [];
    const [described] = await createEc2Adapter(createEc2Client(ec2Config())).describeInstances([instance!.InstanceId!]);
    expect(Date.parse(described!.launchTime ?? '')).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it('runs a whole batch on the real adapters: Spot raised first, then the oldest on-demand nodes terminated through the hook group with desired − 1', async () => {
    const world = new MotoWorld(motoAutoScalingClient(endpoint));
    await world.group('spot-nodes-a', { tags: clusterTags('prod'), maxSize: 10, desiredCapacity: 2 });
    await world.group('on-demand-a', { tags: clusterTags('prod'), maxSize: 10, desiredCapacity: 3 });
    await terminationHook(world, 'on-demand-a');
    let now = new Date(Date.now() + 3_600_000); // the on-demand nodes are an hour old
    const policy = policyFromText(
      `clusters:\n  - name: prod\n    priorities: |-\n      50: ["^spot-nodes-"]\n      10: ["^on-demand-"]\nretire: { enabled: true, bootGrace: 0s, batch: { maxNodes: 2 } }\n`,
      'test config',
      { env: {} },
    );
    const deps: RetireDeps = {
      policy,
      autoScaling: createAutoScalingAdapter(world.client),
      retire: createRetireAdapter(world.client),
      ec2: createEc2Adapter(createEc2Client(ec2Config())),
      eventBus: createEventBusAdapter(createEventBridgeClient(ec2Config())),
      poolSignals: new FakePoolSignalStore(() => now),
      lock: new FakeLock(() => now),
      log: silentLog,
      metrics: new MetricsRecorder(),
      notifier: new RecordingNotifier(),
      now: () => now,
    };
    const before = ((await world.raw('on-demand-a')).Instances ?? []).map((instance) => instance.InstanceId!);

    await retireRun(deps); // raise
    expect((await world.raw('spot-nodes-a')).DesiredCapacity).toBe(3); // 20 % of 5 nodes = 1
    expect((await world.tags('spot-nodes-a'))[RETIRE_TAG]).toMatch(/^replacing;/);
    now = new Date(now.getTime() + 60_000);
    await retireRun(deps); // moto launched at once: InService, ready recorded
    now = new Date(now.getTime() + 60_000);
    const retiring = await retireRun(deps);

    expect(retiring.failed).toEqual([]);
    const after = await world.raw('on-demand-a');
    expect(after.DesiredCapacity).toBe(2);
    expect(before.filter((id) => !after.Instances?.some((instance) => instance.InstanceId === id))).toHaveLength(1);
    now = new Date(now.getTime() + 60_000);
    await retireRun(deps);
    expect((await world.tags('spot-nodes-a'))[RETIRE_TAG]).toMatch(/^done;/);
  });
});
