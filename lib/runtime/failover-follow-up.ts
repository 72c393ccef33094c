/**
 * Cold-start wiring of the failover's pool follow-up (lib/pools/run.ts): on when the stack names
 * the capacity-signal table (serverless.yml does), off otherwise (a stack without the table). With
 * config pools.probeTiers on, the tier probe gets a launcher: Auto Scaling's LaunchInstances, which
 * the stack grants on the configured clusters' groups only (scripts/serverless/probe-iam.cjs).
 * A probe that fails is counted and logged, never fails the batch; an endpoint without the
 * operation (moto, a region without it) turns the probe off until the next cold start.
 */
import { createAutoScalingClient, createDynamoDbClient, createEc2Client } from '../aws/clients';
import { createZoneIds } from '../aws/zone-ids';
import { createLaunchInstancesAdapter } from '../aws/launch-instances-adapter';
import { createPoolSignalStore } from '../aws/pool-signal-store';
import type { LaunchBatchFollowUp } from '../failover/run';
import type { CallOptions } from '../ports/auto-scaling';
import type { LaunchInstancesPort } from '../ports/launch-instances';
import type { PoolSignalStore } from '../ports/pool-signals';
import { actOnPoolsAfterLaunchEvents } from '../pools/run';
import type { AppDeps } from '../run/deps';
import { SIGNALS_TABLE_VARIABLE } from './spot-deps';

/**
 * The probe's own client: a probe is knowledge, not work (the core's suspension is already done), so
 * one retry rides out a blip and no more attempts hold the batch (the clients' default is 5).
 */
export const PROBE_MAX_ATTEMPTS = 2;

/** Where the wiring gets its AWS ends (tests hand in a mocked SDK client and an in-memory store). */
export interface FollowUpParts {
  store: (table: string) => PoolSignalStore;
  launcher: () => LaunchInstancesPort;
  /** Zone name → AZ ID (DescribeAvailabilityZones, once per cold start), for other accounts' marks. */
  zoneIds?: () => (options?: CallOptions) => Promise<ReadonlyMap<string, string>>;
}

const LAMBDA_PARTS: FollowUpParts = {
  store: (table) => createPoolSignalStore(createDynamoDbClient(), table),
  launcher: () => createLaunchInstancesAdapter(createAutoScalingClient({ maxAttempts: PROBE_MAX_ATTEMPTS })),
  zoneIds: () => createZoneIds(createEc2Client()),
};

export function lambdaPoolFollowUp(deps: AppDeps, env: NodeJS.ProcessEnv = process.env, parts: FollowUpParts = LAMBDA_PARTS): LaunchBatchFollowUp | undefined {
  const table = env[SIGNALS_TABLE_VARIABLE];
  if (!table) return undefined;
  const launcher = deps.policy.pools?.probeTiers ? parts.launcher() : undefined;
  return actOnPoolsAfterLaunchEvents(deps, { store: parts.store(table), outForMs: deps.policy.pools?.outForMs, launcher, zoneIds: parts.zoneIds?.() });
}
