/** The storm bench runs on a tiny input and returns its figures (no timing asserted). */
import { describe, expect, it } from 'vitest';
import { benchStorm } from '../../../scripts/bench/storm';

describe('benchStorm', () => {
  it('returns the storm figures for a small storm', async () => {
    const figures = await benchStorm({ interruptions: 20 });

    expect(Object.keys(figures)).toEqual(expect.arrayContaining(['storm_1000_itn_aws_calls', 'storm_batch_handler_ms', 'storm_1000_itn_aws_calls_5s_window']));
    // One batch: DescribeInstances, CreateTags, PutEvents, two pool writes, the lease, DescribeAutoScalingGroups,
    // the two groups' suspensions (2 writes each), two storm marks.
    expect(figures.storm_1000_itn_aws_calls).toBeGreaterThanOrEqual(5);
    expect(figures.storm_1000_itn_aws_calls).toBeLessThanOrEqual(25);
  });
});
