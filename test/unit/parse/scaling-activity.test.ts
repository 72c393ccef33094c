/**
 * Failed launches found by DescribeScalingActivities (the reconcile backstop for a lost event).
 *
 * The activity below follows the AWS CLI example "Example 1: To describe scaling activities for the
 * specified group" of `aws autoscaling describe-scaling-activities`
 * (https://docs.aws.amazon.com/cli/latest/reference/autoscaling/describe-scaling-activities.html;
 * source aws/aws-cli, develop branch, awscli/examples/autoscaling/describe-scaling-activities.rst), mapped to our
 * port's ScalingActivity. In that example `Details` is a JSON *string*:
 *   "Details": "{\"Subnet ID\":\"subnet-5ea0c127\",\"Availability Zone\":\"us-west-2b\"}"
 * The example is a Successful launch; the failed variants change StatusCode, StatusMessage and
 * Description the way a failed launch reads (Description "Launching a new EC2 instance.  Status
 * Reason: <StatusMessage>", see test/fixtures/README.md).
 */
import { describe, expect, it } from 'vitest';

import { activityToLaunchFailure, isFailedLaunch } from '../../../lib/parse/scaling-activity';
import type { ScalingActivity } from '../../../lib/ports/auto-scaling';

const ICE_MESSAGE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

/** The CLI example's activity, as the adapter maps it. */
const CLI_EXAMPLE: ScalingActivity = {
  activityId: 'f9f2d65b-f1f2-43e7-b46d-d86756459699',
  autoScalingGroupName: 'my-asg',
  statusCode: 'Successful',
  statusMessage: '',
  cause:
    'At 2020-10-30T19:35:51Z a user request update of AutoScalingGroup constraints to min: 0, max: 16, desired: 16 changing the desired capacity from 0 to 16.  At 2020-10-30T19:36:07Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 16.',
  description: 'Launching a new EC2 instance: i-0d44425630326060f',
  startTime: '2020-10-30T19:36:09.766Z',
  details: '{"Subnet ID":"subnet-5ea0c127","Availability Zone":"us-west-2b"}',
};

/** The same activity, failed with a Spot ICE. */
const FAILED_ICE: ScalingActivity = {
  ...CLI_EXAMPLE,
  statusCode: 'Failed',
  statusMessage: ICE_MESSAGE,
  description: `Launching a new EC2 instance.  Status Reason: ${ICE_MESSAGE}`,
};

describe('isFailedLaunch', () => {
  it('is false for the CLI example (a Successful launch)', () => {
    expect(isFailedLaunch(structuredClone(CLI_EXAMPLE))).toBe(false);
  });

  it.each(['Successful', 'InProgress', 'WaitingForSpotInstanceId'])('is false for StatusCode %s, even with a StatusMessage', (statusCode) => {
    // Prepare
    const activity = { ...structuredClone(FAILED_ICE), statusCode };

    // Act + Assess
    expect(isFailedLaunch(activity)).toBe(false);
  });

  it.each(['Failed', 'Cancelled'])('is true for a launch with StatusCode %s', (statusCode) => {
    // Prepare
    const activity = { ...structuredClone(FAILED_ICE), statusCode };

    // Act + Assess
    expect(isFailedLaunch(activity)).toBe(true);
  });

  it('is false for a failed activity that is not a launch', () => {
    // Prepare
    const activity = { ...structuredClone(FAILED_ICE), description: 'Terminating EC2 instance: i-0d44425630326060f' };

    // Act + Assess
    expect(isFailedLaunch(activity)).toBe(false);
  });

  it('is false for a failed launch without a StatusMessage', () => {
    // Prepare
    const activity = { ...structuredClone(FAILED_ICE), statusMessage: ' ' };

    // Act + Assess
    expect(isFailedLaunch(activity)).toBe(false);
  });
});

describe('activityToLaunchFailure', () => {
  it('classifies the message and takes the AZ from the Details JSON string', () => {
    // Act
    const failure = activityToLaunchFailure(structuredClone(FAILED_ICE));

    // Assess
    expect(failure).toEqual({
      kind: 'launch-failure',
      autoScalingGroupName: 'my-asg',
      availabilityZone: 'us-west-2b',
      instanceType: null,
      market: 'spot',
      failure: 'capacity',
      message: ICE_MESSAGE,
      errorCode: 'InsufficientInstanceCapacity',
      time: '2020-10-30T19:36:09.766Z',
      activityId: 'f9f2d65b-f1f2-43e7-b46d-d86756459699',
      origin: 'scaling-activity',
    });
  });

  it.each([
    ['Details is not JSON', 'Availability Zone: us-west-2b'],
    ['Details has no Availability Zone', '{"Subnet ID":"subnet-5ea0c127"}'],
  ])('falls back to the zone named in the text when %s', (_, details) => {
    // Prepare
    const activity = {
      ...structuredClone(FAILED_ICE),
      details,
      statusMessage:
        'Could not launch On-Demand Instances. InsufficientInstanceCapacity - We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a). Launching EC2 instance failed.',
    };

    // Act
    const failure = activityToLaunchFailure(activity);

    // Assess
    expect(failure).toMatchObject({ availabilityZone: 'eu-west-3a', instanceType: 'm5.8xlarge', market: 'on-demand' });
  });
});
