/**
 * Cold-start wiring for the Lambda functions: the config is read and validated here, once, and a
 * bad config fails the init with an error naming the file and the field.
 */
import { createAutoScalingAdapter } from '../aws/auto-scaling-adapter';
import { createAutoScalingClient, createDynamoDbClient } from '../aws/clients';
import { createDynamoDbFoldStore } from '../aws/dynamodb-fold-store';
import { createDynamoDbLock } from '../aws/dynamodb-lock';
import { createSsmWebhookUrls } from '../aws/ssm-webhook-urls';
import { createSqsClient, createSqsQueueAdapter } from '../aws/sqs-adapter';
import type { AppDeps } from '../run/deps';
import { configPathFromEnv, loadPolicy } from '../config/load';
import { ConfigError } from '../vocabulary/errors';
import { createSlackNotifier } from '../notify/slack-notifier';
import { invocationDeadline } from './invocation-deadline';
import { logger, metrics } from './powertools';

/** The DynamoDB table holding the writers' lease (serverless.yml creates it). */
export const LOCK_TABLE_VARIABLE = 'CAPACITY_GUARD_LOCK_TABLE';

export function lambdaDeps(env: NodeJS.ProcessEnv = process.env): AppDeps {
  const path = configPathFromEnv(env);
  const lockTable = env[LOCK_TABLE_VARIABLE];
  if (!lockTable) throw new ConfigError(`${LOCK_TABLE_VARIABLE} is not set: it names the DynamoDB table of the writers' lease`);
  const policy = loadPolicy(path, { env });
  logger.info('config loaded', { path, clusters: policy.clusters.map((cluster) => `${cluster.name} (${cluster.mode})`), enabled: policy.enabled, dryRun: policy.dryRun });
  const dynamoDb = createDynamoDbClient();
  return {
    policy,
    autoScaling: createAutoScalingAdapter(createAutoScalingClient()),
    lock: createDynamoDbLock(dynamoDb, lockTable),
    log: logger,
    metrics,
    notifier: createSlackNotifier({
      policy: policy.notifications,
      webhookUrls: createSsmWebhookUrls(policy.notifications.cacheMs),
      folds: createDynamoDbFoldStore(dynamoDb, lockTable),
      log: logger,
      metrics,
      deadlineMs: invocationDeadline,
    }),
    now: () => new Date(),
    queue: createSqsQueueAdapter(createSqsClient()),
  };
}
