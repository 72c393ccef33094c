/**
 * SDK clients, built once per cold start and shared by the adapters in this folder.
 *
 * Endpoint and region come from the SDK's own configuration chain: `AWS_REGION` (set by Lambda),
 * and `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_AUTO_SCALING`, which is how the same code talks to
 * moto in tests and in the local simulator.
 */
import { AutoScalingClient, type AutoScalingClientConfig } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';

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

// ---- the spot function's clients (issue 3) ------------------------------------------------------

export function createEc2Client(overrides: EC2ClientConfig = {}): EC2Client {
  return new EC2Client({ ...AWS_RETRY, ...overrides });
}

export function createEventBridgeClient(overrides: EventBridgeClientConfig = {}): EventBridgeClient {
  return new EventBridgeClient({ ...AWS_RETRY, ...overrides });
}
