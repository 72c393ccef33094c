/**
 * Ec2Port against EC2 (or moto, through AWS_ENDPOINT_URL). The only place that knows EC2 SDK shapes.
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Instance,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { TransientAwsError } from '../vocabulary/errors';
import type { CallOptions } from '../ports/auto-scaling';
import { ASG_NAME_TAG, type Ec2Instance, type Ec2Port } from '../ports/ec2';

/**
 * Ids per call. DescribeInstances takes any number of InstanceIds (no MaxResults with them; we
 * keep 1,000 a call so a page stays small); CreateTags and DeleteTags: "Constraints: Up to 1000
 * resource IDs. We recommend breaking up this request into smaller batches." (EC2 API reference).
 */
const IDS_PER_CALL = 1000;

export function createEc2Adapter(client: EC2Client): Ec2Port {
  // AZ name → ID, read once per cold start, only if DescribeInstances leaves Placement.AvailabilityZoneId out.
  let zoneIds: Promise<Map<string, string>> | undefined;
  const zoneIdOf = async (name: string, options?: CallOptions): Promise<string> => {
    zoneIds ??= call(() => client.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: false }), http(options))).then(
      (answer) => new Map((answer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName && zone.ZoneId ? [[zone.ZoneName, zone.ZoneId] as const] : []))),
      (error: unknown) => {
        zoneIds = undefined;
        throw error;
      },
    );
    return (await zoneIds).get(name) ?? name;
  };

  const describe = async (input: DescribeInstancesCommandInput, options?: CallOptions): Promise<Ec2Instance[]> => {
    const found: Ec2Instance[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call(() => client.send(new DescribeInstancesCommand({ ...input, NextToken: nextToken }), http(options)));
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) found.push(await toInstance(instance, zoneIdOf, options));
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return found;
  };

  return {
    async describeInstances(instanceIds, options) {
      const found: Ec2Instance[] = [];
      for (const chunk of chunks([...new Set(instanceIds)], IDS_PER_CALL)) {
        found.push(...(await withoutUnknownIds(chunk, (ids) => describe({ InstanceIds: ids }, options))));
      }
      return found;
    },

    async findTagged(key, values, options) {
      if (values.length === 0) return [];
      return describe(
        {
          Filters: [
            { Name: `tag:${key}`, Values: [...values] },
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
          MaxResults: 1000,
        },
        options,
      );
    },

    async createTags(instanceIds, tags, options) {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      if (Tags.length === 0) return;
      for (const chunk of chunks([...new Set(instanceIds)], IDS_PER_CALL)) {
        await withoutUnknownIds(chunk, (ids) =>
          withoutTagLimitExceeded(ids, (some) => call(() => client.send(new CreateTagsCommand({ Resources: some, Tags }), http(options)))),
        );
      }
    },

    // "Constraints: Up to 1000 instance IDs. We recommend breaking up this request into smaller batches." (EC2 API reference, TerminateInstances)
    async terminateInstances(instanceIds, options) {
      for (const chunk of chunks([...new Set(instanceIds)], IDS_PER_CALL)) {
        await withoutUnknownIds(chunk, (ids) => call(() => client.send(new TerminateInstancesCommand({ InstanceIds: ids }), http(options))));
      }
    },

    async deleteTags(instanceIds, keys, options) {
      if (keys.length === 0) return;
      const Tags = [...new Set(keys)].map((Key) => ({ Key }));
      for (const chunk of chunks([...new Set(instanceIds)], IDS_PER_CALL)) {
        await withoutUnknownIds(chunk, (ids) => call(() => client.send(new DeleteTagsCommand({ Resources: ids, Tags }), http(options))));
      }
    },
  };
}

async function toInstance(instance: Instance, zoneIdOf: (name: string, options?: CallOptions) => Promise<string>, options?: CallOptions): Promise<Ec2Instance> {
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  const zone = instance.Placement?.AvailabilityZone ?? '';
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? '',
    tags,
    availabilityZone: zone,
    availabilityZoneId: instance.Placement?.AvailabilityZoneId || (zone ? await zoneIdOf(zone, options) : ''),
    instanceType: instance.InstanceType ?? '',
    market: instance.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
    autoScalingGroupName: tags[ASG_NAME_TAG] ?? null,
    privateDnsName: instance.PrivateDnsName || null,
    launchTime: instance.LaunchTime ? new Date(instance.LaunchTime).toISOString() : null,
  };
}

/**
 * With InstanceIds, EC2 refuses the whole call if one id is unknown
 * (`InvalidInstanceID.NotFound`: "The instance IDs 'i-1, i-2' do not exist"). An instance gone for
 * more than about an hour is unknown: call again without the ids the error names.
 */
async function withoutUnknownIds<T>(ids: readonly string[], request: (ids: string[]) => Promise<T>): Promise<T | []> {
  let remaining = [...ids];
  for (let attempt = 0; attempt < 3 && remaining.length > 0; attempt++) {
    try {
      return await request(remaining);
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code !== 'InvalidInstanceID.NotFound' && code !== 'InvalidInstanceID.Malformed') throw error;
      const named = new Set(String((error as Error).message).match(/i-[0-9a-f]+/g) ?? []);
      const next = remaining.filter((id) => !named.has(id));
      if (next.length === remaining.length) throw error;
      remaining = next;
    }
  }
  return [];
}

/**
 * EC2 allows 50 tags per instance and refuses a whole CreateTags for one instance at its limit
 * (`TagLimitExceeded`, naming none): halve the call until the instances at the limit are alone,
 * tag all the others, and leave those untagged (the drain event still names them).
 */
async function withoutTagLimitExceeded(ids: readonly string[], request: (ids: string[]) => Promise<unknown>): Promise<void> {
  try {
    await request([...ids]);
  } catch (error) {
    if ((error as { name?: string }).name !== 'TagLimitExceeded') throw error;
    if (ids.length === 1) return;
    const half = Math.ceil(ids.length / 2);
    await withoutTagLimitExceeded(ids.slice(0, half), request);
    await withoutTagLimitExceeded(ids.slice(half), request);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException']);

async function call<Output>(request: () => Promise<Output>): Promise<Output> {
  try {
    return await request();
  } catch (error) {
    const code = (error as { name?: string }).name ?? '';
    if (THROTTLING.has(code)) throw new TransientAwsError(`EC2 ${code}: ${(error as Error).message}`, { cause: error });
    throw error;
  }
}

function http(options: CallOptions | undefined): { abortSignal?: AbortSignal } {
  return options?.abortSignal ? { abortSignal: options.abortSignal } : {};
}
