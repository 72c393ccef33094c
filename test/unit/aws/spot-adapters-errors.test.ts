/**
 * Error paths of the spot adapters that moto 5.2.5 cannot produce (it silently skips an instance
 * no longer in the group, and answers DescribeInstances for unknown ids the same way), with
 * aws-sdk-client-mock: AWS refuses a whole call for one id.
 */
import { AutoScalingClient, AutoScalingServiceException, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createDetachAdapter } from '../../../lib/aws/detach-adapter';
import { createEc2Adapter } from '../../../lib/aws/ec2-adapter';

const REGION = 'eu-west-3';

describe('DetachInstances adapter', () => {
  it('detaches the others one by one when AWS refuses the call for an instance already gone from the group', async () => {
    const client = new AutoScalingClient({ region: REGION });
    const mock = mockClient(client);
    const notPart = new AutoScalingServiceException({
      name: 'ValidationError',
      message: 'The instance i-0a is not part of Auto Scaling group spot-a.',
      $fault: 'client',
      $metadata: {},
    });
    mock.on(DetachInstancesCommand, { InstanceIds: ['i-0a', 'i-0b'] }).rejects(notPart);
    mock.on(DetachInstancesCommand, { InstanceIds: ['i-0a'] }).rejects(notPart);
    mock.on(DetachInstancesCommand, { InstanceIds: ['i-0b'] }).resolves({});

    await createDetachAdapter(client).detachInstances('spot-a', ['i-0a', 'i-0b']);

    const calls = mock.commandCalls(DetachInstancesCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.InstanceIds)).toEqual([['i-0a', 'i-0b'], ['i-0a'], ['i-0b']]);
    expect(calls.every((input) => input.ShouldDecrementDesiredCapacity === false)).toBe(true);
  });

  it('detaches the others one by one when AWS refuses the call for an instance neither InService nor Standby', async () => {
    const client = new AutoScalingClient({ region: REGION });
    const mock = mockClient(client);
    const pending = new AutoScalingServiceException({
      name: 'ValidationError',
      message: 'The instance i-0a is not in InService or Standby.',
      $fault: 'client',
      $metadata: {},
    });
    mock.on(DetachInstancesCommand, { InstanceIds: ['i-0a', 'i-0b'] }).rejects(pending);
    mock.on(DetachInstancesCommand, { InstanceIds: ['i-0a'] }).rejects(pending);
    mock.on(DetachInstancesCommand, { InstanceIds: ['i-0b'] }).resolves({});

    await createDetachAdapter(client).detachInstances('spot-a', ['i-0a', 'i-0b']);

    expect(mock.commandCalls(DetachInstancesCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([['i-0a', 'i-0b'], ['i-0a'], ['i-0b']]);
  });

  it('sends 20 ids a call at most', async () => {
    const client = new AutoScalingClient({ region: REGION });
    const mock = mockClient(client);
    mock.on(DetachInstancesCommand).resolves({});

    await createDetachAdapter(client).detachInstances(
      'spot-a',
      Array.from({ length: 45 }, (_, index) => `i-${index.toString(16).padStart(4, '0')}`),
    );

    expect(mock.commandCalls(DetachInstancesCommand).map((call) => call.args[0].input.InstanceIds?.length)).toEqual([20, 20, 5]);
  });
});

describe('EC2 adapter', () => {
  it('asks again without the ids EC2 says do not exist', async () => {
    const client = new EC2Client({ region: REGION });
    const mock = mockClient(client);
    mock
      .on(DescribeInstancesCommand, { InstanceIds: ['i-0a', 'i-0b'] })
      .rejects(
        new EC2ServiceException({ name: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0b' does not exist", $fault: 'client', $metadata: {} }),
      );
    mock.on(DescribeInstancesCommand, { InstanceIds: ['i-0a'] }).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0a',
              State: { Name: 'running' },
              InstanceType: 'm5.large',
              InstanceLifecycle: 'spot',
              Placement: { AvailabilityZone: 'eu-west-3a', AvailabilityZoneId: 'euw3-az1' },
              Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'spot-a' }],
            },
          ],
        },
      ],
    });

    const found = await createEc2Adapter(client).describeInstances(['i-0a', 'i-0b']);

    expect(found).toEqual([expect.objectContaining({ instanceId: 'i-0a', market: 'spot', availabilityZoneId: 'euw3-az1', autoScalingGroupName: 'spot-a' })]);
  });
});

describe('EC2 CreateTags at the 50-tag limit of one instance', () => {
  it('tags every other instance of the call and leaves the one at its limit', async () => {
    const client = new EC2Client({ region: REGION });
    const mock = mockClient(client);
    const ids = Array.from({ length: 1000 }, (_, index) => `i-${index.toString(16).padStart(4, '0')}`);
    const full = ids[617]!;
    const tagged: string[] = [];
    mock.on(CreateTagsCommand).callsFake((input: { Resources: string[] }) => {
      if (input.Resources.includes(full))
        throw new EC2ServiceException({
          name: 'TagLimitExceeded',
          message: 'The maximum number of tags for a resource has been reached.',
          $fault: 'client',
          $metadata: {},
        });
      tagged.push(...input.Resources);
      return {};
    });

    await createEc2Adapter(client).createTags(ids, { 'capacity-guard/drain': 'spot-interruption' });

    expect(tagged).toHaveLength(999);
    expect(tagged).not.toContain(full);
    expect(mock.commandCalls(CreateTagsCommand).length).toBeLessThanOrEqual(25);
  });
});
