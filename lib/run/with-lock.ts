/**
 * Run `work` holding the writers' lease, waiting a little for it; the lease is always given back.
 * underLease is the one lease-busy path of every run: counted, logged with what happens next, answered.
 */
import { randomUUID } from 'node:crypto';
import { CapacityGuardError } from '../vocabulary/errors';
import type { CallOptions } from '../ports/auto-scaling';
import type { AppDeps } from './deps';

export class LockBusyError extends CapacityGuardError {
  override name = 'LockBusyError';
}

/** Longer than any run holds it, shorter than a crash should block the others. */
export const LEASE_TTL_MS = 30_000;
const RETRY_EVERY_MS = 50;

export async function withLock<T>(deps: AppDeps, waitMs: number, work: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  const holder = randomUUID();
  const giveUpAt = Date.now() + waitMs;
  while (!(await deps.lock.tryAcquire(holder, LEASE_TTL_MS, options))) {
    if (Date.now() >= giveUpAt || options.abortSignal?.aborted) throw new LockBusyError(`another capacity-guard run held the lease for ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
  try {
    return await work();
  } finally {
    await deps.lock.release(holder, options).catch((error: unknown) => deps.log.warn('could not release the lease; it expires by itself', { error: String(error) }));
  }
}

/** What a run does when the lease stays busy: `consequence` ends the log line, `answer` is the run's result. */
export interface WhenBusy<T> {
  consequence: string;
  answer: () => T;
}

export async function underLease<T>(deps: AppDeps, waitMs: number, work: () => Promise<T>, busy: WhenBusy<T>, options: CallOptions = {}): Promise<T> {
  try {
    return await withLock(deps, waitMs, work, options);
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    deps.metrics.count('lock.busy');
    deps.log.warn(`lease busy: ${busy.consequence}`, { error: error.message });
    return busy.answer();
  }
}
