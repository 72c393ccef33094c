/**
 * The deployed failover's pool follow-up (lib/runtime/failover-follow-up.ts): with pools.probeTiers on,
 * the tier probe reaches Auto Scaling's LaunchInstances through the real adapter (SDK client mocked with
 * aws-sdk-client-mock: moto does not implement it); off, nothing is wired. A probe that fails never fails
 * the batch: counted, logged (once when the endpoint has no such operation), and the failover goes on.
 */
import { AutoScalingClient, AutoScalingServiceException, LaunchInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLaunchInstancesAdapter } from '../../../lib/aws/launch-instances-adapter';
import { handleLaunchEvents } from '../../../lib/failover/run';
import { readGuardState } from '../../../lib/failover/guard-state';
import { asSqsRecord } from '../../../lib/fakes/aws-events';
import type { Pool } from '../../../lib/fakes/fake-auto-scaling';
import { RecordingLog } from '../../../lib/fakes/recorders';
import { lambdaPoolFollowUp } from '../../../lib/runtime/failover-follow-up';
import { World } from '../../../lib/sim/world';

const ZONES = ['eu-west-3a', 'eu-west-3b'];
const pools = (market: Pool['market'], type: string): Pool[] => ZONES.map((zone) => ({ market, instanceType: type, zone }));
const ENV = { CAPACITY_GUARD_SIGNALS_TABLE: 'signals' };

function tier(probeTiers: boolean) {
  const log = new RecordingLog();
  const world = new World({
    log,
    config: `pools: { probeTiers: ${probeTiers} }\nclusters:\n  - name: prod\n    priorities: |-\n      50: ["^spot-nodes-"]\n      10: ["^on-demand-"]\n`,
  });
  for (const [name, groupPools] of [
    ['spot-nodes-m5', pools('spot', 'm5.8xlarge')],
    ['spot-nodes-r5', pools('spot', 'r5.8xlarge')],
    ['on-demand-m5', pools('on-demand', 'm5.8xlarge')],
  ] as const)
    world.aws.addGroup({ name, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 1, pools: [...groupPools] });
  const client = new AutoScalingClient({ region: 'eu-west-3', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const sdk = mockClient(client);
  let clients = 0;
  const followUp = lambdaPoolFollowUp(world.deps, ENV, {
    store: () => world.poolSignals,
    launcher: () => {
      clients += 1;
      return createLaunchInstancesAdapter(client);
    },
  });
  /** m5 Spot runs out; CA scales the m5 group up, its launch fails; the batch goes through the failover and the follow-up. */
  const night = async () => {
    world.aws.outOfCapacity({ market: 'spot', instanceType: 'm5.8xlarge' });
    world.aws.clusterAutoscalerScaleUp('spot-nodes-m5', 2);
    return handleLaunchEvents(
      world.aws.takeEvents().map((event) => asSqsRecord(event)),
      world.deps,
      {},
      followUp,
    );
  };
  const state = (group: string) => readGuardState(world.aws.view(group).tags, group).state;
  return { world, sdk, log, night, state, clients: () => clients };
}

const r5Out = (zone: string) => ({
  AutoScalingGroupName: 'spot-nodes-r5',
  Errors: [{ InstanceType: 'r5.8xlarge', MarketType: 'spot', AvailabilityZone: zone, ErrorCode: 'InsufficientInstanceCapacity', ErrorMessage: 'no capacity' }],
});

describe('the deployed tier probe', () => {
  it('with pools.probeTiers on, asks LaunchInstances for the tier and takes out the group whose pools all failed', async () => {
    const { sdk, night, state, world } = tier(true);
    sdk.on(LaunchInstancesCommand).callsFake((input: { AvailabilityZones?: string[] }) => r5Out(input.AvailabilityZones![0]!));

    const result = await night();

    expect(result.batchItemFailures).toEqual([]);
    const calls = sdk.commandCalls(LaunchInstancesCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.AutoScalingGroupName, input.AvailabilityZones, input.RequestedCapacity, input.RetryStrategy])).toEqual([
      ['spot-nodes-r5', ['eu-west-3a'], 1, 'none'],
      ['spot-nodes-r5', ['eu-west-3b'], 1, 'none'],
    ]);
    expect(state('spot-nodes-m5')).toBe('suspended');
    expect(state('spot-nodes-r5')).toBe('suspended');
    expect(state('on-demand-m5')).toBe('healthy');
    expect(world.metrics.get('pools.tier-probe-calls')).toBe(2);
  });

  it('with pools.probeTiers off, wires no launcher: no client, no LaunchInstances, the other group stays', async () => {
    const { sdk, night, state, clients } = tier(false);

    expect((await night()).batchItemFailures).toEqual([]);

    expect(clients()).toBe(0);
    expect(sdk.commandCalls(LaunchInstancesCommand)).toHaveLength(0);
    expect(state('spot-nodes-m5')).toBe('suspended');
    expect(state('spot-nodes-r5')).toBe('healthy');
  });

  it('on an endpoint without LaunchInstances: counts it, logs once, stops asking, and the failover goes on', async () => {
    const { sdk, night, state, world, log } = tier(true);
    sdk
      .on(LaunchInstancesCommand)
      .rejects(new AutoScalingServiceException({ name: 'InvalidAction', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'no such action' }));

    expect((await night()).batchItemFailures).toEqual([]);
    expect(state('spot-nodes-m5')).toBe('suspended');
    // Another capacity failure later: no second try, no second line.
    world.clock.advance(60 * 60_000);
    expect((await night()).batchItemFailures).toEqual([]);

    expect(sdk.commandCalls(LaunchInstancesCommand)).toHaveLength(1);
    expect(world.metrics.get('pools.tier-probe-unavailable')).toBe(1);
    expect(log.lines.filter((line) => line.message.includes('LaunchInstances is not available'))).toHaveLength(1);
    expect(state('spot-nodes-r5')).toBe('healthy');
  });

  it('a probe refused for another reason (a 500, access denied) is counted and logged, the batch still succeeds', async () => {
    const { sdk, night, state, world, log } = tier(true);
    sdk
      .on(LaunchInstancesCommand)
      .rejects(new AutoScalingServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'boom' }));

    expect((await night()).batchItemFailures).toEqual([]);

    expect(state('spot-nodes-m5')).toBe('suspended');
    expect(world.metrics.get('pools.tier-probe-failed')).toBe(1);
    expect(log.lines.filter((line) => line.level === 'warn' && line.message.startsWith('tier probe'))).toHaveLength(1);
  });
});
