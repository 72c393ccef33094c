/**
 * LaunchInstancesPort against Auto Scaling. RetryStrategy none: a pool that fails is a signal to
 * us, not something Auto Scaling should retry behind our back (its other choice raises desired).
 * MarketType comes back as AWS spells it ("OnDemand" in the user guide's example, "spot"/"on-demand"
 * in EC2): read case- and punctuation-insensitively.
 */
import { type AutoScalingClient, LaunchInstancesCommand } from '@aws-sdk/client-auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import { LAUNCH_INSTANCES_MAX, type LaunchInstancesPort, type LaunchPool } from '../ports/launch-instances';
import type { Market } from '../vocabulary/signals';

export function createLaunchInstancesAdapter(client: AutoScalingClient): LaunchInstancesPort {
  return {
    async launchInstances(request, options?: CallOptions) {
      if (request.count < 1 || request.count > LAUNCH_INSTANCES_MAX)
        throw new RangeError(`LaunchInstances takes 1 to ${LAUNCH_INSTANCES_MAX} instances, not ${request.count}`);
      const zone = 'id' in request.zone ? { AvailabilityZoneIds: [request.zone.id] } : { AvailabilityZones: [request.zone.name] };
      const answer = await client.send(
        new LaunchInstancesCommand({
          AutoScalingGroupName: request.group,
          RequestedCapacity: request.count,
          ClientToken: request.clientToken,
          RetryStrategy: 'none',
          ...zone,
        }),
        options?.abortSignal ? { abortSignal: options.abortSignal } : {},
      );
      return {
        launched: (answer.Instances ?? []).map((collection) => ({ ...poolOf(collection), instanceIds: collection.InstanceIds ?? [] })),
        errors: (answer.Errors ?? []).map((error) => ({ ...poolOf(error), code: error.ErrorCode ?? 'Unknown', message: error.ErrorMessage ?? '' })),
      };
    },
  };
}

function poolOf(entry: { InstanceType?: string; MarketType?: string; AvailabilityZone?: string; AvailabilityZoneId?: string }): LaunchPool {
  return {
    instanceType: entry.InstanceType ?? null,
    market: marketOf(entry.MarketType),
    zoneName: entry.AvailabilityZone ?? null,
    zoneId: entry.AvailabilityZoneId ?? null,
  };
}

function marketOf(value: string | undefined): Market | null {
  const plain = (value ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (plain === 'spot') return 'spot';
  if (plain === 'ondemand') return 'on-demand';
  return null;
}
