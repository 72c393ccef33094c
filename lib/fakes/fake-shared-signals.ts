/**
 * Cross-account EventBridge as capacity-guard's signals use it, in memory: one signals bus per
 * account in one region, each with its resource policy (allowlisted accounts or an organization),
 * a rule to its SQS queue; PutEvents as a given account. It refuses what AWS refuses: more than 10
 * entries a call, a `source` starting with "aws.", a bus whose policy does not allow the caller
 * (AccessDeniedException per entry), and it sets the envelope's `account` to the caller. Only
 * PutEvents reaches a bus: nothing forwards a received event to a third account (the one-hop rule).
 * Plus the in-memory publication claims.
 */
import { randomUUID } from 'node:crypto';
import type { CallOptions } from '../ports/auto-scaling';
import type { BusEvent, EventBusPort } from '../ports/event-bus';
import type { ClaimTimes, PublicationClaims } from '../ports/shared-signals';
import { type PoolKey, poolId } from '../vocabulary/pool-key';
import type { EventBridgeEvent } from './aws-events';

interface Bus {
  account: string;
  allows: (caller: string) => boolean;
  queue: { event: EventBridgeEvent; visibleAt: number }[];
}

export class FakeSignalNetwork {
  private readonly buses = new Map<string, Bus>();
  /** Every PutEvents call, by caller account. */
  readonly calls = new Map<string, number>();

  constructor(
    readonly region: string,
    private readonly now: () => Date,
    /** Milliseconds from PutEvents to the message being visible in the target's queue (EventBridge delivery). */
    private readonly deliveryMs = 0,
  ) {}

  busArn(account: string, name = 'capacity-guard-signals'): string {
    return `arn:aws:events:${this.region}:${account}:event-bus/${name}`;
  }

  addBus(account: string, allows: (caller: string) => boolean, name?: string): string {
    const arn = this.busArn(account, name);
    this.buses.set(arn, { account, allows, queue: [] });
    return arn;
  }

  /** PutEvents as `caller`. */
  as(caller: string): EventBusPort {
    return {
      putEvents: async (events: readonly BusEvent[], _options?: CallOptions) => {
        if (events.length > 10)
          throw Object.assign(
            new Error(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`),
            { name: 'ValidationException' },
          );
        this.calls.set(caller, (this.calls.get(caller) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
        const failed: { event: BusEvent; error: string }[] = [];
        for (const event of events) {
          const bus = this.buses.get(event.eventBusName);
          if (event.source.startsWith('aws.')) failed.push({ event, error: 'NotAuthorizedForSourceException: Not authorized for the source.' });
          else if (!bus) failed.push({ event, error: `ResourceNotFoundException: Event bus ${event.eventBusName} does not exist.` });
          else if (bus.account !== caller && !bus.allows(caller))
            failed.push({ event, error: `AccessDeniedException: ${caller} is not authorized to put events on ${event.eventBusName}` });
          else {
            const time = event.time ?? this.now().toISOString();
            bus.queue.push({
              event: {
                version: '0',
                id: randomUUID(),
                'detail-type': event.detailType,
                source: event.source,
                account: caller,
                time,
                region: this.region,
                resources: [],
                detail: event.detail,
              },
              visibleAt: this.now().getTime() + this.deliveryMs,
            });
          }
        }
        return { failed };
      },
    };
  }

  /** The events visible in `account`'s signals queue now, removed from it. */
  take(account: string, name?: string): EventBridgeEvent[] {
    const bus = this.buses.get(this.busArn(account, name));
    if (!bus) return [];
    const now = this.now().getTime();
    const ready = bus.queue.filter((entry) => entry.visibleAt <= now);
    bus.queue = bus.queue.filter((entry) => entry.visibleAt > now);
    return ready.map((entry) => entry.event);
  }

  /** When the next queued event becomes visible (null: none queued). */
  nextVisibleAt(): number | null {
    const times = [...this.buses.values()].flatMap((bus) => bus.queue.map((entry) => entry.visibleAt));
    return times.length ? Math.min(...times) : null;
  }
}

export class MemoryPublicationClaims implements PublicationClaims {
  /** Per pool: when it was last published out, and last published recovered. */
  readonly published = new Map<string, { out: number | null; recovered: number | null }>();
  async claimPublication(pool: PoolKey, kind: 'out' | 'recovered', now: Date, times: ClaimTimes): Promise<boolean> {
    const at = now.getTime();
    const item = this.published.get(poolId(pool)) ?? { out: null, recovered: null };
    if (kind === 'out') {
      if (item.out !== null && at - item.out < times.intervalMs) return false;
      this.published.set(poolId(pool), { ...item, out: at });
      return true;
    }
    if (item.out === null || at - item.out >= times.heldMs) return false;
    if (item.recovered !== null && (item.recovered >= item.out || at - item.recovered < times.intervalMs)) return false;
    this.published.set(poolId(pool), { ...item, recovered: at });
    return true;
  }
}
