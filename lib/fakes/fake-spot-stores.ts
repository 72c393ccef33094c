/**
 * In-memory event bus and pool-signal store for the fake world: same semantics as the adapters
 * (PutEvents ≤ 10 entries a call; pool counts by time bucket, a duplicate instance id counts once),
 * calls counted.
 */
import type { CallOptions } from '../ports/auto-scaling';
import type { BusEvent, EventBusPort } from '../ports/event-bus';
import { type PoolInterruption, type PoolOut, type PoolSignalStore, type PoolState } from '../ports/pool-signals';
import { liveOuts, poolOutKey } from '../pools/pool-out';
import { bucketOf, countInWindow, sortPools, staleBuckets } from '../spot/pool-window';
import { type PoolKey, poolId } from '../vocabulary/pool-key';

export class FakeEventBus implements EventBusPort {
  readonly calls = new Map<string, number>();
  readonly events: BusEvent[] = [];
  /** Buses that refuse entries (PutEvents reports them per entry, not as an exception). */
  readonly refusing = new Set<string>();

  async putEvents(events: readonly BusEvent[], _options?: CallOptions): Promise<{ failed: { event: BusEvent; error: string }[] }> {
    const failed: { event: BusEvent; error: string }[] = [];
    for (let start = 0; start < events.length; start += 10) {
      this.calls.set('putEvents', (this.calls.get('putEvents') ?? 0) + 1);
      await new Promise((resolve) => setImmediate(resolve));
      for (const event of events.slice(start, start + 10)) {
        if (this.refusing.has(event.eventBusName)) failed.push({ event, error: 'ResourceNotFoundException: Event bus does not exist.' });
        else this.events.push(event);
      }
    }
    return { failed };
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }
}

interface PoolItem {
  zoneName: string;
  buckets: Map<number, Set<string>>;
  groups: Set<string>;
  stormSignaledAt: string | null;
  expiresAt: number;
}

export class FakePoolSignalStore implements PoolSignalStore {
  readonly calls = new Map<string, number>();
  private readonly items = new Map<string, PoolItem>();
  private readonly outs = new Map<string, PoolOut>();

  constructor(private readonly now: () => Date) {}

  /** Like BatchWriteItem: one call per 25 marks, each replacing the pool's mark whole. */
  async recordPoolsOut(outs: readonly PoolOut[]): Promise<void> {
    const fresh = liveOuts(outs, new Date(0));
    for (let start = 0; start < fresh.length; start += 25) {
      await this.enter('recordPoolsOut');
      for (const out of fresh.slice(start, start + 25)) this.outs.set(poolOutKey(out), out);
    }
  }

  async listPoolsOut(now: Date): Promise<PoolOut[]> {
    await this.enter('listPoolsOut');
    return liveOuts([...this.outs.values()], now);
  }

  async recordInterruptions(pool: PoolKey, zoneName: string, interruptions: readonly PoolInterruption[], windowMs: number, now: Date): Promise<PoolState> {
    await this.enter('recordInterruptions');
    const item = this.fresh(poolId(pool)) ?? { zoneName, buckets: new Map(), groups: new Set(), stormSignaledAt: null, expiresAt: 0 };
    for (const bucket of staleBuckets(now.getTime(), windowMs)) item.buckets.delete(bucket);
    for (const interruption of interruptions) {
      const bucket = bucketOf(Date.parse(interruption.time), windowMs);
      item.buckets.set(bucket, (item.buckets.get(bucket) ?? new Set()).add(interruption.instanceId));
      if (interruption.group) item.groups.add(interruption.group);
    }
    item.expiresAt = Math.max(item.expiresAt, now.getTime() + windowMs);
    this.items.set(poolId(pool), item);
    return this.stateOf(pool, item, now, windowMs);
  }

  async markStormSignaled(pool: PoolKey, at: Date, windowMs: number): Promise<void> {
    await this.enter('markStormSignaled');
    const item = this.fresh(poolId(pool));
    if (item) {
      item.stormSignaledAt = at.toISOString();
      item.expiresAt = Math.max(item.expiresAt, at.getTime() + windowMs);
    }
  }

  async listPools(windowMs: number, now: Date): Promise<PoolState[]> {
    await this.enter('listPools');
    const states: PoolState[] = [];
    for (const id of [...this.items.keys()]) {
      const item = this.fresh(id);
      const [zoneId = '', instanceType = '', market = 'spot'] = id.split('|');
      if (item) states.push(this.stateOf({ zoneId, instanceType, market: market as PoolKey['market'] }, item, now, windowMs));
    }
    return sortPools(states);
  }

  /** For tests: the pool as every function of the account would read it now. */
  read(pool: PoolKey, windowMs: number): PoolState | null {
    const item = this.fresh(poolId(pool));
    return item ? this.stateOf(pool, item, this.now(), windowMs) : null;
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  /** TTL: an expired item is gone. */
  private fresh(id: string): PoolItem | undefined {
    const item = this.items.get(id);
    if (item && item.expiresAt <= this.now().getTime()) {
      this.items.delete(id);
      return undefined;
    }
    return item;
  }

  private stateOf(pool: PoolKey, item: PoolItem, now: Date, windowMs: number): PoolState {
    const buckets = new Map([...item.buckets].map(([bucket, ids]) => [bucket, [...ids]] as const));
    return {
      pool,
      zoneName: item.zoneName,
      interruptions: countInWindow(buckets, now.getTime(), windowMs),
      groups: [...item.groups].sort(),
      stormSignaledAt: item.stormSignaledAt,
    };
  }

  private async enter(method: string): Promise<void> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
