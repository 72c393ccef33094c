/** scripts/serverless/notify-iam.cjs: the SSM statement serverless.yml takes from the config file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { parameterNames, ssmStatement } = require('../../../scripts/serverless/notify-iam.cjs') as {
  parameterNames(text: string): string[];
  ssmStatement(context: { resolveVariable(name: string): Promise<string> }): Promise<Record<string, unknown>>;
};

describe('the SSM statement for Slack webhook parameters', () => {
  it('collects every routed parameter once', () => {
    expect(parameterNames('notifications:\n  routes:\n    critical: [/a, /b]\n    info: [/a, plain]\n')).toEqual(['/a', 'plain', '/b']);
  });

  it('grants GetParameter on exactly those ARNs for the configured file', async () => {
    const statement = await ssmStatement({ resolveVariable: async () => 'capacity-guard.example.yml' });
    expect(statement).toEqual({
      Sid: 'SlackWebhookParameters',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/capacity-guard/slack/platform' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/capacity-guard/slack/oncall' },
      ],
    });
  });

  it('denies SSM when no route is configured (the statement list stays valid)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'capacity-guard-')), 'no-slack.yml');
    writeFileSync(file, 'clusters:\n  - name: prod\n    priorities: "50: [spot]"\n');
    expect(await ssmStatement({ resolveVariable: async () => file })).toEqual({
      Sid: 'SlackWebhookParameters',
      Effect: 'Deny',
      Action: 'ssm:GetParameter',
      Resource: '*',
    });
  });
});
