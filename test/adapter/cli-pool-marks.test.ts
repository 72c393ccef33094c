/**
 * `capacity-guard status` and `pools` as shipped (their default AWS wiring, through
 * AWS_ENDPOINT_URL) against moto 5.2.5: the groups from DescribeAutoScalingGroups (a Spot mixed
 * instances policy), the zone IDs from DescribeAvailabilityZones, and the pool marks from the
 * capacity-signals table, written by the production store.
 */
import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createEc2Client } from '../../lib/aws/clients';
import { createPoolSignalStore } from '../../lib/aws/pool-signal-store';
import { createPoolsCommand } from '../../lib/cli/pools';
import { createStatusCommand } from '../../lib/cli/status';
import { poolsOutOfFailure } from '../../lib/pools/pool-out';
import { fakeIo } from '../cli/fake-io';
import { failure } from '../unit/failover/builders';
import { createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { REGION, clusterTags, motoAutoScalingClient, motoClientConfig } from '../support/moto-world';
import { remoteMark } from '../support/remote-mark';

const endpoint = inject('motoEndpoint');
const TABLE = 'capacity-guard-signals-cli';
const OTHER = '222233334444';
const CONFIG = `clusters:
  - name: prod
    priorities: |-
      50: ["^spot-"]
`;

describe('status and pools on moto', () => {
  beforeEach(async () => {
    await resetMoto(endpoint);
    for (const [name, value] of Object.entries({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    }))
      vi.stubEnv(name, value);
  });
  afterEach(() => vi.unstubAllEnvs());

  it('show a Spot group’s pools with a local and a remote mark, the remote one matched by AZ ID', async () => {
    // Prepare: a Spot group on c5.xlarge in two zones; zone a failed here, zone b storms in another account
    const ec2 = createEc2Client(motoClientConfig(endpoint));
    const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
    const [a, b] = zones.slice(0, 2).map((zone) => ({ name: zone.ZoneName ?? '', id: zone.ZoneId ?? '' }));
    await ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: 'spot-lt', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'c5.xlarge' } }),
    );
    await motoAutoScalingClient(endpoint).send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'spot-c5',
        MinSize: 0,
        MaxSize: 10,
        DesiredCapacity: 0,
        AvailabilityZones: [a!.name, b!.name],
        MixedInstancesPolicy: {
          LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'spot-lt', Version: '$Default' }, Overrides: [{ InstanceType: 'c5.xlarge' }] },
          InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 },
        },
        Tags: Object.entries(clusterTags('prod')).map(([Key, Value]) => ({
          ResourceId: 'spot-c5',
          ResourceType: 'auto-scaling-group',
          Key,
          Value,
          PropagateAtLaunch: true,
        })),
      }),
    );
    const dynamo = motoDynamoDbClient(endpoint);
    // The signals table has the lease table's key schema (`pk`).
    await createLockTable(dynamo, TABLE);
    const now = new Date();
    const seen = new Date(now.getTime() - 60_000).toISOString();
    const local = poolsOutOfFailure(failure('spot-c5', seen, { instanceType: 'c5.xlarge', availabilityZone: a!.name }), undefined, 300_000);
    const remote = remoteMark(
      { zoneId: b!.id, instanceType: 'c5.xlarge' },
      { account: OTHER, kind: 'interruption-storm', evidence: 9, firstSeen: seen, lastSeen: seen },
      now,
    );
    await createPoolSignalStore(dynamo, TABLE).recordPoolsOut([...local, remote]);

    // Act
    const statusIo = fakeIo({ 'cg.yml': CONFIG });
    const statusCode = await createStatusCommand()(['--config', 'cg.yml', '--table', TABLE, '--json'], statusIo.io);
    const poolsIo = fakeIo({ 'cg.yml': CONFIG });
    const poolsCode = await createPoolsCommand()(['--config', 'cg.yml', '--table', TABLE, '--json'], poolsIo.io);

    // Assess
    expect(statusCode).toBe(0);
    expect(statusIo.stderr()).toBe('');
    const [row] = JSON.parse(statusIo.stdout());
    expect(row.pools.total).toBe(2);
    expect(row.pools.out.map((mark: { pool: string; kind: string; origin: string }) => [mark.pool, mark.kind, mark.origin])).toEqual([
      [`c5.xlarge/${a!.id}/spot`, 'launch-failure', 'local'],
      [`c5.xlarge/${b!.id}/spot`, 'remote', OTHER],
    ]);
    expect(poolsCode).toBe(0);
    expect(JSON.parse(poolsIo.stdout()).out.map((mark: { origin: string; count: number }) => [mark.origin, mark.count])).toEqual([
      ['local', 1],
      [OTHER, 9],
    ]);
  });
});
