/**
 * Cold-start wiring for the Lambda functions: the config is read and validated here, once, and a
 * bad config fails the init with an error naming the file and the field.
 */
import { createAutoScalingAdapter } from '../act/aws/auto-scaling-adapter';
import { createAutoScalingClient } from '../act/aws/clients';
import type { AppDeps } from '../app/deps';
import { configPathFromEnv, loadPolicy } from '../config/load';
import { logger, metrics } from './powertools';

export function lambdaDeps(env: NodeJS.ProcessEnv = process.env): AppDeps {
  const path = configPathFromEnv(env);
  const policy = loadPolicy(path, { env });
  logger.info('config loaded', { path, clusters: policy.clusters.map((cluster) => `${cluster.name} (${cluster.mode})`), enabled: policy.enabled, dryRun: policy.dryRun });
  return {
    policy,
    autoScaling: createAutoScalingAdapter(createAutoScalingClient()),
    log: logger,
    metrics,
    now: () => new Date(),
  };
}
