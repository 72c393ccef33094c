/**
 * source `aws.events`, detail-type `Scheduled Event`: the reconcile run's trigger.
 * Sample: events/scheduled-event.json (from the Amazon EventBridge user guide).
 */
import * as z from 'zod';
import type { Tick } from '../vocabulary/signals';
import type { EventBridgeEnvelope } from './eventbridge-envelope';

export const SOURCE = 'aws.events';
export const DETAIL_TYPE = 'Scheduled Event';

export const ScheduledDetail = z.unknown();

export function toTick(event: EventBridgeEnvelope): Tick {
  return { kind: 'tick', time: new Date(event.time).toISOString() };
}
