/**
 * The SDK clients as the functions ship them: bundled with serverless.yml's esbuild options and
 * plugins (scripts/serverless/esbuild-plugins.cjs rewrites the SDK's generated schema modules so
 * esbuild can drop unused shapes). Against moto, the bundled adapters must read and write exactly
 * as the unbundled ones do: Auto Scaling and EC2 (query protocols, XML names from the schema
 * traits), DynamoDB (JSON), SSM through Powertools Parameters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleLikeServerless } from '../../scripts/bench/cold-import';
import { LOCK_TABLE, createLockTable, motoDynamoDbClient } from '../support/moto-lock';
import { resetMoto } from '../support/moto-server';
import { MotoWorld, REGION, ZONE, clusterTags, motoAutoScalingClient } from '../support/moto-world';

type Bundled = typeof import('../support/bundled-sdk-entry');

const endpoint = inject('motoEndpoint');
const config = () => ({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

describe('the SDK clients as bundled for Lambda, on moto', () => {
  const work = mkdtempSync(join(tmpdir(), 'capacity-guard-bundled-sdk-'));
  let bundled: Bundled;
  let instanceIds: string[];

  beforeAll(async () => {
    const outfile = join(work, 'bundled-sdk.mjs');
    await bundleLikeServerless(join(import.meta.dirname, '../support/bundled-sdk-entry.ts'), outfile);
    bundled = (await import(pathToFileURL(outfile).href)) as Bundled;
    await resetMoto(endpoint);
    const world = new MotoWorld(motoAutoScalingClient(endpoint));
    await world.group('spot-nodes-a', { tags: clusterTags('prod-eu'), minSize: 0, maxSize: 10, desiredCapacity: 2 });
    const described = await motoAutoScalingClient(endpoint).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['spot-nodes-a'] }));
    instanceIds = (described.AutoScalingGroups?.[0]?.Instances ?? []).map((instance) => instance.InstanceId ?? '');
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('Auto Scaling: describes the cluster groups and writes sizes and tags', async () => {
    const autoScaling = bundled.createAutoScalingAdapter(bundled.createAutoScalingClient(config()));

    const [group] = await autoScaling.describeGroups(['prod-eu']);
    expect(group).toMatchObject({ name: 'spot-nodes-a', minSize: 0, maxSize: 10, desiredCapacity: 2 });

    await autoScaling.putTags('spot-nodes-a', { 'capacity-guard/probe': 'bundled' });
    await autoScaling.setDesiredCapacity('spot-nodes-a', 3);
    const [after] = await autoScaling.describeGroups(['prod-eu']);
    expect(after).toMatchObject({ desiredCapacity: 3 });
    expect(after!.tags).toMatchObject({ 'capacity-guard/probe': 'bundled' });
  });

  it('EC2: describes instances (zone, type, group, tags) and writes, finds and deletes tags', async () => {
    const ec2 = bundled.createEc2Adapter(bundled.createEc2Client(config()));

    const instances = await ec2.describeInstances(instanceIds);
    expect(instances.map((instance) => instance.instanceId).sort()).toEqual([...instanceIds].sort());
    expect(instances[0]).toMatchObject({ state: 'running', availabilityZone: ZONE, instanceType: 'm5.large', autoScalingGroupName: 'spot-nodes-a' });
    expect(instances[0]!.tags).toMatchObject({ 'k8s.io/cluster-autoscaler/prod-eu': 'owned' });

    await ec2.createTags(instanceIds, { 'capacity-guard/drain': 'bundled' });
    expect((await ec2.findTagged('capacity-guard/drain', ['bundled'])).map((instance) => instance.instanceId).sort()).toEqual([...instanceIds].sort());
    await ec2.deleteTags(instanceIds, ['capacity-guard/drain']);
    expect(await ec2.findTagged('capacity-guard/drain', ['bundled'])).toEqual([]);
  });

  it("DynamoDB: takes, refuses and gives back the writers' lease", async () => {
    await createLockTable(motoDynamoDbClient(endpoint));
    const lock = bundled.createDynamoDbLock(bundled.createDynamoDbClient(config()), LOCK_TABLE);

    expect(await lock.tryAcquire('bundled-a', 60_000)).toBe(true);
    expect(await lock.tryAcquire('bundled-b', 60_000)).toBe(false);
    await lock.release('bundled-a');
    expect(await lock.tryAcquire('bundled-b', 60_000)).toBe(true);
  });

  it('SSM: reads a SecureString webhook URL through Powertools Parameters', async () => {
    await new SSMClient(config()).send(
      new PutParameterCommand({ Name: '/capacity-guard/slack/bundled', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T0/B0/bundled' }),
    );
    const webhookUrls = bundled.createSsmWebhookUrls(0, config());

    expect(await webhookUrls('/capacity-guard/slack/bundled')).toBe('https://hooks.slack.com/services/T0/B0/bundled');
  });
});
