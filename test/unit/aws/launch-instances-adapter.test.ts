/**
 * The LaunchInstances adapter's requests and its reading of partial failures, with
 * aws-sdk-client-mock (moto 5.2.5 does not implement LaunchInstances).
 */
import { AutoScalingClient, AutoScalingServiceException, LaunchInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLaunchInstancesAdapter } from '../../../lib/aws/launch-instances-adapter';
import { poolsOutOfLaunchErrors } from '../../../lib/pools/pool-out';
import { clientToken } from '../../../lib/pools/probe-tier';
import { LaunchInstancesUnavailableError } from '../../../lib/vocabulary/errors';

const partial = {
  AutoScalingGroupName: 'spot-nodes-a',
  ClientToken: 'tier-0/spot-nodes-a/euw3-az1',
  Instances: [
    {
      InstanceType: 'r5.8xlarge',
      MarketType: 'spot',
      AvailabilityZone: 'eu-west-3a',
      AvailabilityZoneId: 'euw3-az1',
      SubnetId: 'subnet-1',
      InstanceIds: ['i-1', 'i-2'],
    },
  ],
  Errors: [
    {
      InstanceType: 'm5.8xlarge',
      MarketType: 'spot',
      AvailabilityZone: 'eu-west-3a',
      AvailabilityZoneId: 'euw3-az1',
      ErrorCode: 'InsufficientInstanceCapacity',
      ErrorMessage: 'There is no Spot capacity available that matches your request.',
    },
    {
      InstanceType: 'm5d.8xlarge',
      MarketType: 'spot',
      AvailabilityZone: 'eu-west-3a',
      AvailabilityZoneId: 'euw3-az1',
      ErrorCode: 'MaxSpotInstanceCountExceeded',
      ErrorMessage: 'Max spot instance count exceeded',
    },
  ],
};

describe('LaunchInstances adapter', () => {
  it('asks for one zone by ID, with the client token and no asynchronous retry', async () => {
    const client = new AutoScalingClient({ region: 'eu-west-3' });
    const mock = mockClient(client);
    mock.on(LaunchInstancesCommand).resolves(partial);

    await createLaunchInstancesAdapter(client).launchInstances({
      group: 'spot-nodes-a',
      count: 3,
      zone: { id: 'euw3-az1' },
      clientToken: 'tier-0/spot-nodes-a/euw3-az1',
    });
    await createLaunchInstancesAdapter(client).launchInstances({ group: 'spot-nodes-a', count: 1, zone: { name: 'eu-west-3b' }, clientToken: 't2' });

    expect(mock.commandCalls(LaunchInstancesCommand).map((call) => call.args[0].input)).toEqual([
      {
        AutoScalingGroupName: 'spot-nodes-a',
        RequestedCapacity: 3,
        ClientToken: 'tier-0/spot-nodes-a/euw3-az1',
        RetryStrategy: 'none',
        AvailabilityZoneIds: ['euw3-az1'],
      },
      { AutoScalingGroupName: 'spot-nodes-a', RequestedCapacity: 1, ClientToken: 't2', RetryStrategy: 'none', AvailabilityZones: ['eu-west-3b'] },
    ]);
  });

  it('reads a partial failure: what launched, and per pool what failed, with the market however AWS spells it', async () => {
    const client = new AutoScalingClient({ region: 'eu-west-3' });
    mockClient(client)
      .on(LaunchInstancesCommand)
      .resolves({ ...partial, Instances: [{ ...partial.Instances[0], MarketType: 'OnDemand' }] });

    const outcome = await createLaunchInstancesAdapter(client).launchInstances({ group: 'spot-nodes-a', count: 3, zone: { id: 'euw3-az1' }, clientToken: 't' });

    expect(outcome.launched).toEqual([
      { instanceType: 'r5.8xlarge', market: 'on-demand', zoneName: 'eu-west-3a', zoneId: 'euw3-az1', instanceIds: ['i-1', 'i-2'] },
    ]);
    expect(outcome.errors.map((error) => error.code)).toEqual(['InsufficientInstanceCapacity', 'MaxSpotInstanceCountExceeded']);
    // Only the capacity error marks its pool; a quota says nothing about the pool.
    const outs = poolsOutOfLaunchErrors('spot-nodes-a', outcome, new Date('2026-12-04T12:00:00Z'), 300_000);
    expect(outs.map((out) => [out.pool.zoneId, out.pool.instanceType, out.source, out.until])).toEqual([
      ['euw3-az1', 'm5.8xlarge', 'launch-instances', '2026-12-04T12:05:00.000Z'],
    ]);
  });

  it('refuses more than 100 instances before calling AWS', async () => {
    const client = new AutoScalingClient({ region: 'eu-west-3' });
    const mock = mockClient(client);
    await expect(createLaunchInstancesAdapter(client).launchInstances({ group: 'g', count: 101, zone: { id: 'euw3-az1' }, clientToken: 't' })).rejects.toThrow(
      /1 to 100/,
    );
    expect(mock.commandCalls(LaunchInstancesCommand)).toHaveLength(0);
  });

  it('tells a refusal by IAM apart, with what to change, so the probe stops asking until the next cold start', async () => {
    const client = new AutoScalingClient({ region: 'eu-west-3' });
    mockClient(client)
      .on(LaunchInstancesCommand)
      .rejects(new AutoScalingServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized' }));
    const refused = createLaunchInstancesAdapter(client).launchInstances({ group: 'g', count: 1, zone: { id: 'euw3-az1' }, clientToken: 't' });
    await expect(refused).rejects.toBeInstanceOf(LaunchInstancesUnavailableError);
    await expect(refused).rejects.toThrow(/probeTemplateScope=account/);
  });
});

describe('the tier probe\u2019s client token', () => {
  it('stays distinct per failure for long group names, within 64 characters AWS allows', () => {
    const eks = 'eks-spot-nodes-m5-8xlarge-3ac6f2e1-8b1d-4c2a-9e55-4f2b7d1c0a9e';
    const first = clientToken('c1d2e3f4-0000-1111-2222-333344445555', eks, 'eu-west-3a');
    const second = clientToken('c1d2e3f4-0000-1111-2222-666677778888', eks, 'eu-west-3a');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^[A-Za-z0-9_\-/]{1,64}$/);
    expect(clientToken('a', eks, 'eu-west-3a')).toBe(clientToken('a', eks, 'eu-west-3a'));
  });
});
