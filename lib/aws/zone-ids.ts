/**
 * This account's zone name → AZ ID map (EC2 DescribeAvailabilityZones), read once per cold start:
 * zone names map to different physical zones per account, AZ IDs do not
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html).
 */
import { DescribeAvailabilityZonesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { CallOptions } from '../ports/auto-scaling';

export function createZoneIds(client: EC2Client): (options?: CallOptions) => Promise<ReadonlyMap<string, string>> {
  let cached: Promise<ReadonlyMap<string, string>> | undefined;
  return (options) => {
    cached ??= client
      .send(new DescribeAvailabilityZonesCommand({}), options?.abortSignal ? { abortSignal: options.abortSignal } : {})
      .then(
        (answer) => new Map((answer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName && zone.ZoneId ? [[zone.ZoneName, zone.ZoneId] as const] : []))),
      );
    // A failed read is tried again by the next caller, not remembered.
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}
