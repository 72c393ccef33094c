/**
 * The loop every Auto Scaling executor shares: each action in order; one that fails is reported and
 * the others still run (a fallback raise is worth doing even if the failing group's own write was
 * lost; one group's failure must not keep the others up, or down, all night); a group that is gone
 * counts as done (NotFound = done).
 * A transient failure (throttling, a conflict) is tried again within the invocation, after a short
 * pause, before it is reported: handing a record back to SQS costs the queue's whole visibility
 * timeout (failover 120 s, spot 180 s), retrying here costs a second. Every action carries its
 * absolute target, so doing one again is safe.
 */
import type { Log } from '../ports/log';
import { GroupNotFoundError, isTransient } from '../vocabulary/errors';
import type { AppDeps } from './deps';

export interface RetryPolicy {
  /** Tries per action, the first included. */
  attempts: number;
  /** Pause before try n+1 is firstPauseMs·2ⁿ⁻¹. */
  firstPauseMs: number;
  pause: (ms: number) => Promise<void>;
  /** No new try once this says stop (the invocation's deadline is near). */
  stop?: () => boolean;
}

export const realPause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 4 tries over 1.4 s: at 50 % throttling, 1 action in 16 still fails. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, firstPauseMs: 200, pause: realPause };

export interface Executed<A> {
  done: A[];
  failed: { action: A; error: Error }[];
}

export async function executeEach<A>(
  actions: readonly A[],
  execute: (action: A) => Promise<void>,
  summarize: (action: A) => string,
  log: Log,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<Executed<A>> {
  const result: Executed<A> = { done: [], failed: [] };
  for (const action of actions) {
    try {
      await retrying(() => execute(action), retry);
      result.done.push(action);
    } catch (error) {
      if (error instanceof GroupNotFoundError) {
        log.info('group is gone; action counts as done', { action: summarize(action) });
        result.done.push(action);
        continue;
      }
      result.failed.push({ action, error: error as Error });
    }
  }
  return result;
}

/** `work`, tried again after a pause while it fails transiently (throttling), up to the policy's tries. */
export async function retrying<T>(work: () => Promise<T>, retry: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || attempt >= retry.attempts || retry.stop?.()) throw error;
      await retry.pause(retry.firstPauseMs * 2 ** (attempt - 1));
    }
  }
}

/** The retry policy of one invocation: its deps' pause, no new try once the invocation is being aborted. */
export function retryFor(deps: { pause?: (ms: number) => Promise<void> }, options: { abortSignal?: AbortSignal }): RetryPolicy {
  return { ...DEFAULT_RETRY, pause: deps.pause ?? realPause, stop: () => options.abortSignal?.aborted ?? false };
}

/** AWS still throttling after the tries (the Describe, say): the batch's records go back to SQS with the reason logged, never a thrown batch. */
export async function handBackOnTransient(deps: Pick<AppDeps, 'metrics' | 'log'>, handBack: () => void, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!isTransient(error)) throw error;
    deps.metrics.count('batch.handed-back');
    deps.log.error('AWS kept refusing (throttling): the batch is handed back to SQS', { error: (error as Error).message, errorName: (error as Error).name });
    handBack();
  }
}
