/**
 * SDK clients, built once per cold start and shared by the adapters in this folder.
 *
 * Endpoint and region come from the SDK's own configuration chain: `AWS_REGION` (set by Lambda),
 * and `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_AUTO_SCALING`, which is how the same code talks to
 * moto in tests and in the local simulator.
 */
import { AutoScalingClient, type AutoScalingClientConfig } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Throttling is normal during capacity storms: adaptive retry adds client-side rate limiting on
 * top of exponential backoff, and 5 attempts (default 3) ride out short bursts. What still
 * fails after that reaches the adapter, which reports it as `TransientAwsError`.
 */
export const AWS_RETRY = { retryMode: 'adaptive', maxAttempts: 5 } as const;

export function createAutoScalingClient(overrides: AutoScalingClientConfig = {}): AutoScalingClient {
  return new AutoScalingClient({ ...AWS_RETRY, ...overrides });
}

export function createDynamoDbClient(overrides: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ ...AWS_RETRY, ...overrides });
}
