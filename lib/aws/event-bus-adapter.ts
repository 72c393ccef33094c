/** EventBusPort against EventBridge PutEvents: ≤ 10 entries a call; refused entries come back per entry. */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BusEvent, EventBusPort } from '../ports/event-bus';

/** "Entries: … Array Members: Minimum number of 1 item. Maximum number of 10 items." (PutEvents API reference) */
const ENTRIES_PER_CALL = 10;

export function createEventBusAdapter(client: EventBridgeClient): EventBusPort {
  return {
    async putEvents(events, options) {
      const failed: { event: BusEvent; error: string }[] = [];
      for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
        const chunk = events.slice(start, start + ENTRIES_PER_CALL);
        const answer = await client.send(
          new PutEventsCommand({
            Entries: chunk.map((event) => ({
              EventBusName: event.eventBusName,
              Source: event.source,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
              ...(event.time && { Time: new Date(event.time) }),
            })),
          }),
          options?.abortSignal ? { abortSignal: options.abortSignal } : {},
        );
        (answer.Entries ?? []).forEach((entry, index) => {
          if (entry.ErrorCode && chunk[index]) failed.push({ event: chunk[index], error: `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` });
        });
      }
      return { failed };
    },
  };
}
