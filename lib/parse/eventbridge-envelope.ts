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

export function routingKey(event: Pick<EventBridgeEnvelope, 'source' | 'detail-type'>): string {
  return `${event.source}|${event['detail-type']}`;
}
