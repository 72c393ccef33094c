/**
 * Run `work` holding the writers' lease, waiting a little for it; the lease is always given back.
 * underLease is the one lease-busy path of every run: counted, logged with what happens next, answered.
 *
 * Exclusion holds however long a run takes (reconcile and the downscaler may run 55 s, slow AWS
 * calls make any run long): `work` gets its deps back with every write port fenced. Before each
 * write the lease is checked and, once less than half of it is left, renewed; a lease that ran out
 * (another writer may since have acted on newer state) fails the write with LeaseLostError, and
 * the run's records are retried on fresh state.
 */
import { randomUUID } from 'node:crypto';
import { CapacityGuardError } from '../vocabulary/errors';
import type { CallOptions } from '../ports/auto-scaling';
import type { LockPort } from '../ports/lock';
import type { AppDeps } from './deps';

export class LockBusyError extends CapacityGuardError {
  override name = 'LockBusyError';
}

/** The lease store itself failed (DynamoDB unavailable): nobody can hold the lease. */
export class LeaseStoreDownError extends CapacityGuardError {
  override name = 'LeaseStoreDownError';
}

/** Our lease ran out before a write: the write is not done. */
export class LeaseLostError extends CapacityGuardError {
  override name = 'LeaseLostError';
}

/** Longer than any single write takes, shorter than a crash should block the others; renewed before writes. */
export const LEASE_TTL_MS = 30_000;
const RETRY_EVERY_MS = 50;

/** The write methods of the ports a run may hold under the lease. */
const WRITES: Record<string, readonly string[]> = {
  autoScaling: ['updateSizes', 'setDesiredCapacity', 'putTags', 'deleteTags'],
  detach: ['detachInstances'],
  ec2: ['createTags', 'deleteTags', 'terminateInstances'],
  retire: ['terminateInGroup'],
};

/** A held lease: `check` before each write. */
export class Lease {
  constructor(
    private readonly lock: LockPort,
    private readonly holder: string,
    private expiresAt: number,
    private readonly now: () => Date,
  ) {}

  async check(options: CallOptions = {}): Promise<void> {
    const now = this.now().getTime();
    if (now + LEASE_TTL_MS / 2 < this.expiresAt) return;
    if (!(await this.lock.renew(this.holder, LEASE_TTL_MS, options))) {
      throw new LeaseLostError('the writers\u2019 lease ran out before this write (another run may have acted since); not written, the record is retried');
    }
    this.expiresAt = now + LEASE_TTL_MS;
  }
}

export async function withLock<D extends AppDeps, T>(deps: D, waitMs: number, work: (held: D) => Promise<T>, options: CallOptions = {}): Promise<T> {
  const holder = randomUUID();
  const giveUpAt = Date.now() + waitMs;
  while (!(await acquire(deps.lock, holder, options))) {
    if (Date.now() >= giveUpAt || options.abortSignal?.aborted) throw new LockBusyError(`another capacity-guard run held the lease for ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
  const lease = new Lease(deps.lock, holder, deps.now().getTime() + LEASE_TTL_MS, deps.now);
  try {
    return await work(fenced(deps, lease, options));
  } finally {
    await deps.lock
      .release(holder, options)
      .catch((error: unknown) => deps.log.warn('could not release the lease; it expires by itself', { error: String(error) }));
  }
}

async function acquire(lock: LockPort, holder: string, options: CallOptions): Promise<boolean> {
  try {
    return await lock.tryAcquire(holder, LEASE_TTL_MS, options);
  } catch (error) {
    throw new LeaseStoreDownError(`the lease store failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** `deps` with each write port's writes checking the lease first. */
function fenced<D extends AppDeps>(deps: D, lease: Lease, options: CallOptions): D {
  const held = { ...deps } as Record<string, unknown>;
  for (const [port, methods] of Object.entries(WRITES)) {
    const target = held[port];
    if (typeof target === 'object' && target !== null) held[port] = fence(target, methods, lease, options);
  }
  return held as D;
}

function fence<P extends object>(port: P, methods: readonly string[], lease: Lease, options: CallOptions): P {
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof key !== 'string' || !methods.includes(key)) return bound;
      return async (...args: unknown[]) => {
        await lease.check(options);
        return bound(...args);
      };
    },
  });
}

/**
 * What a run does when the lease stays busy: `consequence` ends the log line, `answer` is the run's
 * result. When the lease store is down the run gives the same answer, unless it has `storeDown`:
 * what it can still do safely without the lease (the failover: take failing groups out).
 */
export interface WhenBusy<T> {
  consequence: string;
  answer: () => T;
  storeDown?: { consequence: string; work: () => Promise<T> };
}

export async function underLease<D extends AppDeps, T>(
  deps: D,
  waitMs: number,
  work: (held: D) => Promise<T>,
  busy: WhenBusy<T>,
  options: CallOptions = {},
): Promise<T> {
  try {
    return await withLock(deps, waitMs, work, options);
  } catch (error) {
    if (error instanceof LeaseStoreDownError) {
      deps.metrics.count('lock.store-down');
      deps.log.error(`lease store down: ${busy.storeDown?.consequence ?? busy.consequence}`, { error: error.message });
      return busy.storeDown ? busy.storeDown.work() : busy.answer();
    }
    if (!(error instanceof LockBusyError)) throw error;
    deps.metrics.count('lock.busy');
    deps.log.warn(`lease busy: ${busy.consequence}`, { error: error.message });
    return busy.answer();
  }
}
