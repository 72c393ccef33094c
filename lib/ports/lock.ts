/**
 * One writer at a time. Auto Scaling has no compare-and-set on tags or sizes, so two invocations
 * deciding on the same snapshot (parallel SQS batches, the scheduled run) could interleave their
 * writes into a state neither decided. A lease serialises them.
 */
import type { CallOptions } from './auto-scaling';

export interface LockPort {
  /** Take the lease for `ttlMs` unless someone else holds an unexpired one; true when taken. */
  tryAcquire(holder: string, ttlMs: number, options?: CallOptions): Promise<boolean>;
  /** Extend our unexpired lease to `ttlMs` from now; false when it expired or someone else holds it (then we must not write). */
  renew(holder: string, ttlMs: number, options?: CallOptions): Promise<boolean>;
  /** Give it back, if still ours. */
  release(holder: string, options?: CallOptions): Promise<void>;
  /**
   * A lease whose release was deferred (lib/aws/lease-release-with-fold.ts: given back in the same write
   * as the run's first notification fold) is given back now. Runs that defer call it when their report
   * is told; optional: a lease that releases at once has nothing to settle.
   */
  settle?(options?: CallOptions): Promise<void>;
}
