/** Publishing to an EventBridge bus (the cluster's, for in-cluster consumers). */
import type { CallOptions } from './auto-scaling';

export interface BusEvent {
  /** Name or ARN of the bus. */
  eventBusName: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time?: string;
}

export interface EventBusPort {
  /**
   * PutEvents, ≤ 10 entries per call (the API's limit). Resolves with the entries EventBridge
   * refused (it reports them in FailedEntryCount, not as an exception).
   */
  putEvents(events: readonly BusEvent[], options?: CallOptions): Promise<{ failed: { event: BusEvent; error: string }[] }>;
}
