/**
 * The deployed failover with the tier probe wired (pools.probeTiers on, the signals table named) on
 * moto, which does not implement LaunchInstances (it answers 500): the failover still suspends the
 * failing group, the batch succeeds, and the refused probe is counted, not fatal.
 */
import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readGuardState } from '../../lib/failover/guard-state';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { captureOutput, emittedMetricNames, lambdaContext, stubLambdaEnvironment, writeExampleConfig } from '../support/lambda-env';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { REGION, ZONE, clusterTags, motoAutoScalingClient } from '../support/moto-world';

const endpoint = inject('motoEndpoint');
const SIGNALS_TABLE = 'capacity-guard-test-probe-signals';
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

describe('the deployed failover with the tier probe, on moto (no LaunchInstances there)', () => {
  const autoScaling = motoAutoScalingClient(endpoint);
  let stdout: string[] = [];
  const emittedMetrics = () => emittedMetricNames(stdout);

  beforeAll(async () => {
    await resetMoto(endpoint);
    const example = writeExampleConfig();
    stubLambdaEnvironment(endpoint, example, { CAPACITY_GUARD_SIGNALS_TABLE: SIGNALS_TABLE, POWERTOOLS_LOG_LEVEL: 'CRITICAL' });
    stdout = captureOutput([process.stdout]);
    await createLockTable(motoDynamoDbClient(endpoint));
    await createLockTable(motoDynamoDbClient(endpoint), SIGNALS_TABLE);
    const ec2 = new EC2Client({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'nodes', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'm5.large' } }));
    // Two all-Spot groups of one tier, each with its own type: the second is what the probe asks about.
    for (const [name, type] of [
      ['spot-nodes-m5', 'm5.large'],
      ['spot-nodes-r5', 'r5.large'],
    ] as const) {
      await autoScaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MixedInstancesPolicy: {
            LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'nodes', Version: '$Latest' }, Overrides: [{ InstanceType: type }] },
            InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 },
          },
          AvailabilityZones: [ZONE],
          MinSize: 0,
          MaxSize: 50,
          DesiredCapacity: 1,
          Tags: Object.entries(clusterTags('prod-eu')).map(([Key, Value]) => ({
            ResourceId: name,
            ResourceType: 'auto-scaling-group',
            Key,
            Value,
            PropagateAtLaunch: true,
          })),
        }),
      );
    }
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('suspends the failing group, succeeds, and counts the refused probe', async () => {
    const { handler } = await import('../../functions/failover');
    const failure = asSqsRecord(launchUnsuccessfulEvent({ group: 'spot-nodes-m5', time: new Date().toISOString(), zone: ZONE, statusMessage: ICE }));

    expect(await handler({ Records: [failure] } as unknown as SQSEvent, lambdaContext('capacity-guard-test-failover'))).toEqual({ batchItemFailures: [] });

    const { AutoScalingGroups = [] } = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['spot-nodes-m5', 'spot-nodes-r5'] }),
    );
    const stateOf = (name: string) => {
      const group = AutoScalingGroups.find((candidate) => candidate.AutoScalingGroupName === name)!;
      return readGuardState(Object.fromEntries((group.Tags ?? []).map((tag) => [tag.Key!, tag.Value!])), name).state;
    };
    expect(stateOf('spot-nodes-m5')).toBe('suspended');
    expect(stateOf('spot-nodes-r5')).toBe('healthy');
    expect(emittedMetrics()).toEqual(expect.arrayContaining(['action.suspend-group', 'pools.tier-probe-failed']));
  });
});
