/**
 * The EventBridge envelope, as it reaches SQS. Lenient on fields we never read: moto, for one,
 * routes events to SQS without `account` (../shared/DOMAIN.md).
 */
import * as z from 'zod';

export const EventBridgeEnvelope = z.object({
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  account: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});
export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelope>;

/** The account and region a function runs in; an absent field is not checked. */
export interface EventOrigin {
  account?: string | undefined;
  region?: string | undefined;
}

/**
 * Why an aws.* event is not ours, or null. Another account's or region's events can reach our bus
 * (a forwarding rule, a shared bus), and the group names in them may collide with ours. A field the
 * event does not carry is accepted (moto omits `account` in events routed to SQS).
 */
export function foreignOrigin(event: Pick<EventBridgeEnvelope, 'source' | 'account' | 'region'>, own: EventOrigin): string | null {
  if (!event.source.startsWith('aws.')) return null;
  if (own.account && event.account && event.account !== own.account) return `event from account ${event.account}, not ours (${own.account})`;
  if (own.region && event.region && event.region !== own.region) return `event from region ${event.region}, not ours (${own.region})`;
  return null;
}

export function routingKey(event: Pick<EventBridgeEnvelope, 'source' | 'detail-type'>): string {
  return `${event.source}|${event['detail-type']}`;
}
