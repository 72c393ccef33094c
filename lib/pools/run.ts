/**
 * After a batch of launch events, under the same lease: the capacity failures mark their pools out
 * (one BatchWriteItem per 25 pools), the pools out of the account are read (one Scan), and every
 * group whose pools are all out leaves rotation through the core's decide. Nothing more is called
 * when the batch holds no capacity failure that names a pool: the hot path stays one Describe.
 */
import { actDecided, logDecided } from '../failover/act-or-print';
import { decideInOrder } from '../failover/decide-in-order';
import type { LaunchBatchFollowUp } from '../failover/run';
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolOut, PoolSignalStore } from '../ports/pool-signals';
import type { AppDeps } from '../run/deps';
import { writeGate } from '../run/gate';
import { poolOutSignals } from './decide';
import { DEFAULT_POOL_OUT_MS, poolsOutOfFailure } from './pool-out';

export interface PoolsDeps {
  store: PoolSignalStore;
  /** How long a pool stays out after its last capacity failure (config `pools.outFor`). */
  outForMs?: number;
}

export function actOnPoolsAfterLaunchEvents(deps: AppDeps, pools: PoolsDeps): LaunchBatchFollowUp {
  return async ({ signals, observed, snapshot }, options: CallOptions) => {
    const byName = new Map(observed.map((group) => [group.name, group]));
    const lifetime = pools.outForMs ?? DEFAULT_POOL_OUT_MS;
    const marked: { item: number; outs: PoolOut[] }[] = signals.flatMap(({ item, signal }) => {
      if (signal.kind !== 'launch-failure') return [];
      const outs = poolsOutOfFailure(signal, byName.get(signal.autoScalingGroupName), lifetime);
      return outs.length ? [{ item, outs }] : [];
    });
    const none = { actions: [], result: { done: [], failed: [] }, retry: [] };
    if (marked.length === 0) return none;
    const outs = marked.flatMap((entry) => entry.outs);
    const writes = writeGate(deps.policy, true).writes;
    const retry = marked.map((entry) => entry.item);
    try {
      if (writes) await pools.store.recordPoolsOut(outs, options);
      const known = await pools.store.listPoolsOut(deps.now(), options);
      deps.metrics.count('pools.marked-out', outs.length);
      const inferred = poolOutSignals(snapshot, observed, [...known, ...outs], deps.now());
      if (inferred.length === 0) return none;
      const { decided } = decideInOrder(inferred.map((signal) => ({ item: signal.autoScalingGroupName, signal })), snapshot, deps.policy, deps.now());
      const actions = decided.flatMap((entry) => entry.actions);
      logDecided(actions, deps);
      const result = await actDecided(actions, deps, options);
      return { actions, result, retry: result.failed.length > 0 ? retry : [] };
    } catch (error) {
      // The batch's own actions are done; its capacity failures come back to mark the pools again.
      deps.log.warn('pools out not recorded or not acted on: the records are retried', { error: String(error) });
      return { ...none, retry };
    }
  };
}
