/**
 * The loop every Auto Scaling executor shares: each action in order; one that fails is reported and
 * the others still run (a fallback raise is worth doing even if the failing group's own write was
 * lost; one group's failure must not keep the others up, or down, all night); a group that is gone
 * counts as done (NotFound = done).
 */
import type { Log } from '../ports/log';
import { GroupNotFoundError } from '../vocabulary/errors';

export interface Executed<A> {
  done: A[];
  failed: { action: A; error: Error }[];
}

export async function executeEach<A>(actions: readonly A[], execute: (action: A) => Promise<void>, summarize: (action: A) => string, log: Log): Promise<Executed<A>> {
  const result: Executed<A> = { done: [], failed: [] };
  for (const action of actions) {
    try {
      await execute(action);
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
