/** The scheduled reconcile over 500 managed groups on moto: Auto Scaling calls (Describe pages of 100) and wall time. */
import { performance } from 'node:perf_hooks';
import { reconcile } from '../../lib/failover/reconcile';
import { createLockTable, motoDynamoDbClient } from '../../test/support/moto-lock';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../../test/support/moto-world';
import type { BenchContext, BenchFigures } from './context';
import { countCalls, quietMotoDeps } from './failover';

const GROUPS = 500;

export async function benchReconcile(context: BenchContext): Promise<BenchFigures> {
  const endpoint = context.motoEndpoint;
  const world = new MotoWorld(motoAutoScalingClient(endpoint));
  await world.groups(
    Array.from({ length: GROUPS }, (_, i) => `spot-nodes-${String(i).padStart(3, '0')}`),
    { tags: clusterTags('prod'), minSize: 0, maxSize: 10, desiredCapacity: 0 },
  );
  const client = motoAutoScalingClient(endpoint);
  const calls = countCalls(client);
  const lock = await createLockTable(motoDynamoDbClient(endpoint));
  const deps = quietMotoDeps(client, lock);
  const started = performance.now();
  const result = await reconcile(deps);
  const elapsed = performance.now() - started;
  if (result.groups !== GROUPS) throw new Error(`reconcile saw ${result.groups} groups, expected ${GROUPS}`);
  return { reconcile_500_asgs_describe_calls: calls.count(), reconcile_500_asgs_ms: Math.round(elapsed) };
}
