/** How the retire adapter reads AWS's refusals (moto does not send them): gone = done, MinSize = an error. */
import { AutoScalingClient, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createRetireAdapter } from '../../../lib/aws/retire-adapter';

const validation = (message: string) => Object.assign(new Error(message), { name: 'ValidationError' });

describe('terminateInGroup', () => {
  it('counts an instance Auto Scaling no longer manages as done', async () => {
    const mock = mockClient(AutoScalingClient);
    mock.on(TerminateInstanceInAutoScalingGroupCommand).rejects(validation('Instance Id not found - No managed instance found for instance ID: i-0abc'));
    await expect(createRetireAdapter(new AutoScalingClient({ region: 'eu-west-3' })).terminateInGroup('i-0abc', true)).resolves.toBeUndefined();
    mock.restore();
  });

  it("passes on AWS's MinSize refusal (verbatim, as observed in the wild)", async () => {
    const mock = mockClient(AutoScalingClient);
    const message =
      "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.";
    mock.on(TerminateInstanceInAutoScalingGroupCommand).rejects(validation(message));
    await expect(createRetireAdapter(new AutoScalingClient({ region: 'eu-west-3' })).terminateInGroup('i-0abc', true)).rejects.toThrow(
      /desiredSize equals minSize/,
    );
    mock.restore();
  });
});
