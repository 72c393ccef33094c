/**
 * scripts/serverless/probe-iam.cjs: the tier probe's policy serverless.yml takes from the config file
 * (LaunchInstances per cluster, CreateFleet on this account, none of it with pools.probeTiers false).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
const { probePolicyDocument } = require('../../../scripts/serverless/probe-iam.cjs') as {
  probePolicyDocument(text: string, groupScope: string, templateScope: string, file?: string): { Statement: Statement[] };
};

const config = (extra = '', ...names: string[]) => `${extra}\nclusters:\n${names.map((name) => `  - name: ${name}\n    priorities: "50: [spot]"\n`).join('')}`;
const actions = (statements: Statement[]) => statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());

describe('probePolicyDocument', () => {
  it('is on by default (the schema default), one LaunchInstances statement per cluster', () => {
    const { Statement } = probePolicyDocument(config('', 'prod', 'staging'), 'cluster', 'tag');
    expect(Statement.filter((s) => s.Action === 'autoscaling:LaunchInstances').map((s) => Object.keys(s.Condition!.Null!))).toEqual([
      ['autoscaling:ResourceTag/k8s.io/cluster-autoscaler/prod'],
      ['autoscaling:ResourceTag/k8s.io/cluster-autoscaler/staging'],
    ]);
    expect(new Set(actions(Statement))).toEqual(new Set(['autoscaling:LaunchInstances', 'ec2:CreateFleet', 'ec2:DescribeLaunchTemplateVersions']));
  });

  it('grants nothing with pools.probeTiers false, and denies the three', () => {
    const { Statement } = probePolicyDocument(config('pools:\n  probeTiers: false', 'prod'), 'cluster', 'tag');
    expect(actions(Statement)).toEqual([]);
    expect(Statement.map((s) => s.Effect)).toEqual(['Deny']);
  });

  it('follows groupWriteScope=tag and probeTemplateScope=account, and refuses an unknown template scope', () => {
    const { Statement } = probePolicyDocument(config('', 'prod'), 'tag', 'account');
    expect(Statement.filter((s) => s.Action === 'autoscaling:LaunchInstances').map((s) => s.Condition)).toEqual([
      { StringEquals: { 'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
    ]);
    expect(Statement.find((s) => JSON.stringify(s.Resource).includes(':launch-template/'))?.Condition).toBeUndefined();
    expect(() => probePolicyDocument(config('', 'prod'), 'cluster', 'any')).toThrow(/probeTemplateScope/);
  });
});
