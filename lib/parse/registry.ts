/**
 * Routes an EventBridge event to the parser of its kind by `source|detail-type`.
 * Unknown kinds are ignored with a reason, never an undefined path.
 */
import type * as z from 'zod';
import type { ParseOutcome, Signal } from '../vocabulary/signals';
import * as launchSuccessful from './autoscaling-launch-successful';
import * as launchUnsuccessful from './autoscaling-launch-unsuccessful';
import * as stateChange from './ec2-instance-state-change';
import * as rebalance from './ec2-rebalance-recommendation';
import * as spotInterruption from './ec2-spot-interruption-warning';
import { EventBridgeEnvelope, type EventOrigin, foreignOrigin, routingKey } from './eventbridge-envelope';
import * as scheduled from './scheduled-event';
import { describeIssues } from './zod-issues';

interface EventParser<D extends z.ZodType> {
  detail: D;
  toSignal(event: EventBridgeEnvelope, detail: z.infer<D>): Signal | ParseOutcome;
}

function parser<D extends z.ZodType>(detail: D, toSignal: (event: EventBridgeEnvelope, detail: z.infer<D>) => Signal | ParseOutcome): EventParser<D> {
  return { detail, toSignal };
}

const PARSERS: ReadonlyMap<string, EventParser<z.ZodType>> = new Map<string, EventParser<z.ZodType>>([
  [
    routingKey({ source: launchUnsuccessful.SOURCE, 'detail-type': launchUnsuccessful.DETAIL_TYPE }),
    parser(launchUnsuccessful.LaunchUnsuccessfulDetail, launchUnsuccessful.toLaunchFailure),
  ],
  [
    routingKey({ source: launchSuccessful.SOURCE, 'detail-type': launchSuccessful.DETAIL_TYPE }),
    parser(launchSuccessful.LaunchSuccessfulDetail, launchSuccessful.toLaunchSuccess),
  ],
  [routingKey({ source: scheduled.SOURCE, 'detail-type': scheduled.DETAIL_TYPE }), parser(scheduled.ScheduledDetail, (event) => scheduled.toTick(event))],
  // The spot pipeline (functions/spot.ts).
  [
    routingKey({ source: spotInterruption.SOURCE, 'detail-type': spotInterruption.DETAIL_TYPE }),
    parser(spotInterruption.SpotInterruptionDetail, spotInterruption.toSpotInterruption),
  ],
  [routingKey({ source: rebalance.SOURCE, 'detail-type': rebalance.DETAIL_TYPE }), parser(rebalance.RebalanceDetail, rebalance.toRebalanceRecommendation)],
  [routingKey({ source: stateChange.SOURCE, 'detail-type': stateChange.DETAIL_TYPE }), parser(stateChange.StateChangeDetail, stateChange.toStateChange)],
]);

/** The routing keys we subscribe to, for documentation and the template test. */
export const KNOWN_EVENT_KINDS: readonly string[] = [...PARSERS.keys()];

export function parseEventBridgeEvent(value: unknown, own: EventOrigin = {}): ParseOutcome {
  const envelope = EventBridgeEnvelope.safeParse(value);
  if (!envelope.success) return { outcome: 'invalid', error: `not an EventBridge event: ${describeIssues(envelope.error)}` };
  const event = envelope.data;
  const foreign = foreignOrigin(event, own);
  if (foreign) return { outcome: 'ignored', reason: `${routingKey(event)} ${event.id}: ${foreign}`, foreignOrigin: true };
  const kind = PARSERS.get(routingKey(event));
  if (!kind) return { outcome: 'ignored', reason: `no parser for ${routingKey(event)}` };
  const detail = kind.detail.safeParse(event.detail);
  if (!detail.success) {
    return { outcome: 'invalid', error: `${event['detail-type']} event ${event.id}: ${describeIssues(detail.error, 'detail')}` };
  }
  const result = kind.toSignal(event, detail.data);
  // A parser returns a signal, or an outcome of its own when the event kind is known but uninteresting.
  return 'outcome' in result ? result : { outcome: 'signal', signal: result };
}
