/**
 * LaunchInstancesPort against Auto Scaling. RetryStrategy none: a pool that fails is a signal to
 * us, not something Auto Scaling should retry behind our back (its other choice raises desired).
 * MarketType comes back as AWS spells it ("OnDemand" in the user guide's example, "spot"/"on-demand"
 * in EC2): read case- and punctuation-insensitively. An endpoint that does not know the operation
 * (Query protocol InvalidAction, UnknownOperationException, NotImplemented, HTTP 501) is told apart
 * as LaunchInstancesUnavailableError, so the caller stops asking until the next cold start.
 */
import { type AutoScalingClient, LaunchInstancesCommand, type LaunchInstancesCommandOutput } from '@aws-sdk/client-auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import { LAUNCH_INSTANCES_MAX, type LaunchInstancesPort, type LaunchPool } from '../ports/launch-instances';
import { LaunchInstancesUnavailableError } from '../vocabulary/errors';
import type { Market } from '../vocabulary/signals';

/** What AWS (and its SDK) answer for an operation the endpoint does not implement. */
const UNKNOWN_OPERATION = new Set(['InvalidAction', 'UnknownOperationException', 'UnknownOperation', 'NotImplemented', 'NotImplementedException']);
/** The stack's IAM does not let this function launch (e.g. launch templates without the cluster-autoscaler tag, scripts/serverless/probe-iam.cjs). */
const NOT_PERMITTED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

export function createLaunchInstancesAdapter(client: AutoScalingClient): LaunchInstancesPort {
  return {
    async launchInstances(request, options?: CallOptions) {
      if (request.count < 1 || request.count > LAUNCH_INSTANCES_MAX)
        throw new RangeError(`LaunchInstances takes 1 to ${LAUNCH_INSTANCES_MAX} instances, not ${request.count}`);
      const zone = 'id' in request.zone ? { AvailabilityZoneIds: [request.zone.id] } : { AvailabilityZones: [request.zone.name] };
      let answer: LaunchInstancesCommandOutput;
      try {
        answer = await client.send(
          new LaunchInstancesCommand({
            AutoScalingGroupName: request.group,
            RequestedCapacity: request.count,
            ClientToken: request.clientToken,
            RetryStrategy: 'none',
            ...zone,
          }),
          options?.abortSignal ? { abortSignal: options.abortSignal } : {},
        );
      } catch (error) {
        if (unknownOperation(error)) throw new LaunchInstancesUnavailableError(`LaunchInstances: ${String(error)}`, { cause: error });
        if (NOT_PERMITTED.has((error as { name?: string } | null)?.name ?? ''))
          throw new LaunchInstancesUnavailableError(
            `LaunchInstances is not permitted (${String(error)}): tag the groups' launch templates k8s.io/cluster-autoscaler/enabled=true, package with probeTemplateScope=account, or set pools.probeTiers: false`,
            { cause: error },
          );
        throw error;
      }
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

function unknownOperation(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  return UNKNOWN_OPERATION.has(name ?? '') || $metadata?.httpStatusCode === 501;
}
