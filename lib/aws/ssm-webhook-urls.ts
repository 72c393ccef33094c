/**
 * Slack webhook URLs from SSM Parameter Store SecureString parameters, through Powertools
 * Parameters (GetParameter WithDecryption, cached for `cacheMs` per container).
 * Here because Powertools Parameters brings the SSM SDK client: only lib/aws imports @aws-sdk.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import type { WebhookUrls } from '../ports/webhook-urls';
import { AWS_RETRY } from './clients';

export function createSsmWebhookUrls(cacheMs: number, clientConfig: SSMClientConfig = {}): WebhookUrls {
  const provider = new SSMProvider({ awsSdkV3Client: new SSMClient({ ...AWS_RETRY, ...clientConfig }) });
  return async (parameterName) => {
    const value = await provider.get(parameterName, { decrypt: true, maxAge: Math.max(0, Math.floor(cacheMs / 1000)) });
    if (typeof value !== 'string' || value === '') throw new Error(`SSM parameter ${parameterName} is empty`);
    return value;
  };
}
