/** What test/adapter/bundled-sdk.test.ts bundles the way the functions are bundled: the AWS adapters and their clients. */
export { createAutoScalingAdapter } from '../../lib/act/aws/auto-scaling-adapter';
export { createAutoScalingClient, createDynamoDbClient, createEc2Client } from '../../lib/act/aws/clients';
export { createDynamoDbLock } from '../../lib/act/aws/dynamodb-lock';
export { createEc2Adapter } from '../../lib/act/aws/ec2-adapter';
export { createSsmWebhookUrls } from '../../lib/act/aws/ssm-webhook-urls';
