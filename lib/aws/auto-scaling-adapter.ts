/**
 * AutoScalingPort against the real Auto Scaling API (or moto, through AWS_ENDPOINT_URL).
 * The only place that knows SDK shapes: everything above sees ObservedGroup & co.
 */
import {
  type Activity,
  type AutoScalingClient,
  type AutoScalingGroup,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  type Instance,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';

import { GroupNotFoundError, TransientAwsError } from '../vocabulary/errors';
import { ENABLED_TAG, clusterTagKey } from '../cluster-autoscaler/tags';
import type { AutoScalingPort, CallOptions, GroupLaunch, ObservedGroup, ObservedInstance, ScalingActivity } from '../ports/auto-scaling';

/** DescribeAutoScalingGroups and DescribeScalingActivities accept at most 100. */
const PAGE_SIZE = 100;

const RESOURCE_TYPE = 'auto-scaling-group';

export function createAutoScalingAdapter(client: AutoScalingClient): AutoScalingPort {
  /** Every page of the groups tagged `enabled=true` that carry at least one of `tagKeys`. */
  async function describeEnabledGroupsWithAnyTagKey(tagKeys: string[], options: CallOptions | undefined): Promise<ObservedGroup[]> {
    const filters = [
      { Name: `tag:${ENABLED_TAG}`, Values: ['true'] },
      { Name: 'tag-key', Values: tagKeys },
    ];
    const groups: ObservedGroup[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call(() =>
        client.send(new DescribeAutoScalingGroupsCommand({ Filters: filters, MaxRecords: PAGE_SIZE, NextToken: nextToken }), http(options)),
      );
      for (const group of page.AutoScalingGroups ?? []) groups.push(toObservedGroup(group));
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return groups;
  }

  return {
    async describeGroups(clusterNames, options) {
      if (clusterNames.length === 0) return [];
      // AWS semantics (DescribeAutoScalingGroups, Filters): several values of one filter are
      // ORed, separate filters are ANDed. moto 5.2.5 does the same (verified by the adapter
      // tests), so no client-side re-check of the tags is needed.
      return describeEnabledGroupsWithAnyTagKey([...new Set(clusterNames)].map(clusterTagKey), options);
    },

    async describeGroupsWithTagKeys(tagKeys, options) {
      if (tagKeys.length === 0) return [];
      // Same AND/OR semantics as describeGroups: cluster-autoscaler groups (the only ones our IAM
      // role may write) carrying any of the keys.
      return describeEnabledGroupsWithAnyTagKey([...new Set(tagKeys)], options);
    },

    async updateSizes(groupName, sizes, options) {
      const { minSize, maxSize, desiredCapacity } = sizes;
      if (minSize === undefined && maxSize === undefined && desiredCapacity === undefined) return;
      const command = new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: groupName,
        ...(minSize !== undefined && { MinSize: minSize }),
        ...(maxSize !== undefined && { MaxSize: maxSize }),
        ...(desiredCapacity !== undefined && { DesiredCapacity: desiredCapacity }),
      });
      await call(() => client.send(command, http(options)), groupName);
    },

    async setDesiredCapacity(groupName, desired, options) {
      const command = new SetDesiredCapacityCommand({
        AutoScalingGroupName: groupName,
        DesiredCapacity: desired,
        HonorCooldown: false,
      });
      await call(() => client.send(command, http(options)), groupName);
    },

    async putTags(groupName, tags, options) {
      const entries = Object.entries(tags);
      if (entries.length === 0) return;
      const command = new CreateOrUpdateTagsCommand({
        Tags: entries.map(([Key, Value]) => ({
          ResourceId: groupName,
          ResourceType: RESOURCE_TYPE,
          Key,
          Value,
          PropagateAtLaunch: false,
        })),
      });
      await call(() => client.send(command, http(options)), groupName);
    },

    async deleteTags(groupName, keys, options) {
      if (keys.length === 0) return;
      const command = new DeleteTagsCommand({
        Tags: [...new Set(keys)].map((Key) => ({ ResourceId: groupName, ResourceType: RESOURCE_TYPE, Key })),
      });
      await call(() => client.send(command, http(options)), groupName);
    },

    async scalingActivities(groupName, since, options) {
      const activities: ScalingActivity[] = [];
      let nextToken: string | undefined;
      // Activities come newest first: stop at the first one that started before `since`.
      pages: do {
        const command = new DescribeScalingActivitiesCommand({
          AutoScalingGroupName: groupName,
          MaxRecords: PAGE_SIZE,
          NextToken: nextToken,
        });
        const page = await call(() => client.send(command, http(options)), groupName);
        for (const activity of page.Activities ?? []) {
          if (activity.StartTime === undefined) continue; // required by the API model; only typing
          if (activity.StartTime.getTime() < since.getTime()) break pages;
          activities.push(toScalingActivity(activity, activity.StartTime, groupName));
        }
        nextToken = page.NextToken || undefined;
      } while (nextToken !== undefined);
      return activities;
    },
  };
}

// ---- mapping --------------------------------------------------------------------------------

function toObservedGroup(group: AutoScalingGroup): ObservedGroup {
  const tags: Record<string, string> = {};
  for (const tag of group.Tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  return {
    name: group.AutoScalingGroupName ?? '',
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desiredCapacity: group.DesiredCapacity ?? 0,
    instances: (group.Instances ?? []).map(toObservedInstance),
    tags,
    createdTime: group.CreatedTime?.toISOString() ?? '',
    availabilityZones: group.AvailabilityZones ?? [],
    launch: toLaunch(group),
    desiredCapacityType: group.DesiredCapacityType ?? 'units',
  };
}

/**
 * What the group launches. InstancesDistribution defaults (SDK models): OnDemandBaseCapacity 0,
 * OnDemandPercentageAboveBaseCapacity 100; all Spot only with both at 0. A plain launch template's
 * market is in the template (not read here): null.
 */
function toLaunch(group: AutoScalingGroup): GroupLaunch {
  const policy = group.MixedInstancesPolicy;
  const instanceTypes = [...new Set((policy?.LaunchTemplate?.Overrides ?? []).flatMap((override) => (override.InstanceType ? [override.InstanceType] : [])))];
  let market: GroupLaunch['market'] = null;
  if (policy) {
    const base = policy.InstancesDistribution?.OnDemandBaseCapacity ?? 0;
    const percentage = policy.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity ?? 100;
    market = percentage === 100 ? 'on-demand' : base === 0 && percentage === 0 ? 'spot' : 'mixed';
  }
  return {
    instanceTypes,
    market,
    availabilityZoneIds: group.AvailabilityZoneIds ?? [],
    launchTemplate: Boolean(group.LaunchTemplate || policy?.LaunchTemplate) && !group.LaunchConfigurationName,
  };
}

function toObservedInstance(instance: Instance): ObservedInstance {
  return {
    instanceId: instance.InstanceId ?? '',
    lifecycleState: instance.LifecycleState ?? '',
    availabilityZone: instance.AvailabilityZone ?? '',
    instanceType: instance.InstanceType ?? null,
    healthStatus: instance.HealthStatus ?? '',
  };
}

function toScalingActivity(activity: Activity, startTime: Date, groupName: string): ScalingActivity {
  return {
    activityId: activity.ActivityId ?? '',
    autoScalingGroupName: activity.AutoScalingGroupName ?? groupName,
    statusCode: activity.StatusCode ?? '',
    statusMessage: activity.StatusMessage ?? '',
    cause: activity.Cause ?? '',
    description: activity.Description ?? '',
    startTime: startTime.toISOString(),
    details: activity.Details ?? '',
  };
}

// ---- calls and errors -----------------------------------------------------------------------

/** Error codes that mean "try again later" once the SDK's own retries are spent. */
const TRANSIENT_CODES = new Set([
  // Throttling. Auto Scaling answers `Throttling` ("Rate exceeded"); the others are the SDK's
  // generic throttling codes, cheap to accept.
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  // Conflicts on the group: another update or a scaling activity is in progress. Wire code
  // first, then the SDK's modeled exception name.
  'ResourceContention',
  'ResourceContentionFault',
  'ScalingActivityInProgress',
  'ScalingActivityInProgressFault',
]);

/**
 * Auto Scaling has no distinct error code for a missing group: it answers `ValidationError` with a
 * text such as "AutoScalingGroup name not found - null" (UpdateAutoScalingGroup, SetDesiredCapacity;
 * aws/aws-sdk-go#1151, moto 5.2.5 answers the same) or "AutoScalingGroup not found - AutoScaling
 * Group x not found" (CreateOrUpdateTags; cloud-custodian/cloud-custodian#380). Terraform's AWS
 * provider detects it the same way: ValidationError + "not found"
 * (hashicorp/terraform-provider-aws, internal/service/autoscaling/group.go). The text is the only
 * signal, and only ever read for that one code.
 */
const GROUP_NOT_FOUND_MESSAGE = /group\b.*\bnot found/i;

/** The SDK's per-call options: only the abort signal. */
function http(options: CallOptions | undefined): { abortSignal?: AbortSignal } {
  return options?.abortSignal ? { abortSignal: options.abortSignal } : {};
}

/** Runs one SDK call and maps its error (`groupName`: the group the call is about, if any). */
async function call<Output>(request: () => Promise<Output>, groupName?: string): Promise<Output> {
  try {
    return await request();
  } catch (error) {
    throw classify(error, groupName);
  }
}

/** Maps an SDK error to the project's hierarchy; anything unknown is returned unchanged. */
export function classify(error: unknown, groupName?: string): unknown {
  const codes = errorCodes(error);
  if (groupName !== undefined && codes.includes('ValidationError') && GROUP_NOT_FOUND_MESSAGE.test(errorMessage(error))) {
    return new GroupNotFoundError(groupName, { cause: error });
  }
  const transient = codes.find((code) => TRANSIENT_CODES.has(code));
  if (transient !== undefined) {
    return new TransientAwsError(`Auto Scaling ${transient}: ${errorMessage(error)}`, { cause: error });
  }
  return error;
}

/**
 * The AWS error code as SDK v3 reports it: `name` (the wire code, or the modeled exception's
 * class name such as `ResourceContentionFault`) and `Code` (the wire code, when present).
 */
function errorCodes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const { Code, name } = error as { Code?: unknown; name?: unknown };
  return [Code, name].filter((code): code is string => typeof code === 'string' && code !== '');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
