/**
 * Cold-start wiring for the Lambda functions: the config is read and validated here, once, and a
 * bad config fails the init with an error naming the file and the field.
 */
import { createAutoScalingAdapter } from '../aws/auto-scaling-adapter';
import { createAutoScalingClient, createDynamoDbClient } from '../aws/clients';
import { createDynamoDbFoldStore } from '../aws/dynamodb-fold-store';
import { createDynamoDbLock } from '../aws/dynamodb-lock';
import { releaseLeaseWithFold } from '../aws/lease-release-with-fold';
import { createSsmWebhookUrls } from '../aws/ssm-webhook-urls';
import { createSqsClient, createSqsQueueAdapter } from '../aws/sqs-adapter';
import type { AppDeps } from '../run/deps';
import { configPathFromEnv, loadPolicy } from '../config/load';
import type { Policy } from '../config/policy';
import { ConfigError } from '../vocabulary/errors';
import { createSlackNotifier } from '../notify/slack-notifier';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import { invocationDeadline } from './invocation-deadline';
import { logger, metrics } from './powertools';

/** The DynamoDB table holding the writers' lease (serverless.yml creates it). */
export const LOCK_TABLE_VARIABLE = 'CAPACITY_GUARD_LOCK_TABLE';
/** The stack's own account (serverless.yml: AWS::AccountId); aws.* events of other accounts are refused. */
export const ACCOUNT_VARIABLE = 'CAPACITY_GUARD_ACCOUNT_ID';

/**
 * `releaseLeaseWithFold`: the lease goes back in the same write as the run's first notification fold
 * (lib/aws/lease-release-with-fold.ts); only for a run that settles the lease once its report is told
 * (lib/failover/run.ts handleLaunchEvents).
 */
export function lambdaDeps(env: NodeJS.ProcessEnv = process.env, options: { releaseLeaseWithFold?: boolean } = {}): AppDeps {
  const path = configPathFromEnv(env);
  const lockTable = env[LOCK_TABLE_VARIABLE];
  if (!lockTable) throw new ConfigError(`${LOCK_TABLE_VARIABLE} is not set: it names the DynamoDB table of the writers' lease`);
  const policy = loadPolicy(path, { env });
  reportUnreadableKillSwitch(policy, logger, metrics);
  logger.info('config loaded', {
    path,
    clusters: policy.clusters.map((cluster) => `${cluster.name} (${cluster.mode})`),
    enabled: policy.enabled,
    dryRun: policy.dryRun,
  });
  const dynamoDb = createDynamoDbClient();
  const leaseTable = { lock: createDynamoDbLock(dynamoDb, lockTable), folds: createDynamoDbFoldStore(dynamoDb, lockTable) };
  const { lock, folds } = options.releaseLeaseWithFold ? releaseLeaseWithFold(dynamoDb, lockTable, leaseTable.lock, leaseTable.folds) : leaseTable;
  return {
    policy,
    autoScaling: createAutoScalingAdapter(createAutoScalingClient()),
    lock,
    log: logger,
    metrics,
    notifier: createSlackNotifier({
      policy: policy.notifications,
      webhookUrls: createSsmWebhookUrls(policy.notifications.cacheMs),
      folds,
      log: logger,
      metrics,
      deadlineMs: invocationDeadline,
    }),
    origin: { account: env[ACCOUNT_VARIABLE], region: env.AWS_REGION },
    now: () => new Date(),
    queue: createSqsQueueAdapter(createSqsClient()),
  };
}

/**
 * A kill switch we cannot read counts as on (lib/config/load.ts): say so at every cold start, so an alarm
 * on the metric fires; each blocked write also carries a critical alert to Slack (lib/decide/guard-rails.ts).
 */
export function reportUnreadableKillSwitch(policy: Policy, log: Log, metrics: Metrics): void {
  if (policy.killSwitchUnreadable === undefined) return;
  log.error(`kill switch unreadable (${policy.killSwitchUnreadable}): treated as on, nothing will be written`);
  metrics.count('config.kill-switch-unreadable');
}
