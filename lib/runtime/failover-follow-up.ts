/**
 * Cold-start wiring of the failover's pool follow-up (lib/pools/run.ts): on when the stack names
 * the capacity-signal table (serverless.yml does), off otherwise (a stack without the table).
 * No launcher yet: the tier probe needs autoscaling:LaunchInstances and ec2:CreateFleet scoped to
 * the clusters' groups and templates (not "*"), which the stack does not grant yet; the simulator
 * and the fake run the probe.
 */
import { createDynamoDbClient } from '../aws/clients';
import { createPoolSignalStore } from '../aws/pool-signal-store';
import type { LaunchBatchFollowUp } from '../failover/run';
import { actOnPoolsAfterLaunchEvents } from '../pools/run';
import type { AppDeps } from '../run/deps';
import { SIGNALS_TABLE_VARIABLE } from './spot-deps';

export function lambdaPoolFollowUp(deps: AppDeps, env: NodeJS.ProcessEnv = process.env): LaunchBatchFollowUp | undefined {
  const table = env[SIGNALS_TABLE_VARIABLE];
  if (!table) return undefined;
  return actOnPoolsAfterLaunchEvents(deps, { store: createPoolSignalStore(createDynamoDbClient(), table), outForMs: deps.policy.pools?.outForMs });
}
