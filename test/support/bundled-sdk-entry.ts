/** What test/adapter/bundled-sdk.test.ts bundles the way the functions are bundled: the AWS adapters and their clients. */
export { createAutoScalingAdapter } from '../../lib/aws/auto-scaling-adapter';
export { createAutoScalingClient, createDynamoDbClient, createEc2Client } from '../../lib/aws/clients';
export { createDynamoDbLock } from '../../lib/aws/dynamodb-lock';
export { createEc2Adapter } from '../../lib/aws/ec2-adapter';
export { createSsmWebhookUrls } from '../../lib/aws/ssm-webhook-urls';
