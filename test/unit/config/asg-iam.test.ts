/**
 * scripts/serverless/asg-iam.cjs (item 13): the Auto Scaling write policy serverless.yml takes from the
 * config file, one Allow pair per cluster, the size-only Denies, and the quota fallback.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Condition: Record<string, Record<string, string | string[]>>;
}
const { groupWritePolicyDocument, groupGuardPolicyDocument } = require('../../../scripts/serverless/asg-iam.cjs') as {
  groupWritePolicyDocument(text: string, scope: string, file?: string): { Statement: Statement[] };
  groupGuardPolicyDocument(): { Statement: Statement[] };
};

const config = (...names: string[]) => `clusters:\n${names.map((name) => `  - name: ${name}\n    priorities: "50: [spot]"\n`).join('')}`;

describe('groupWritePolicyDocument', () => {
  it('allows writes per configured cluster tag, and denies size-changing updates of anything else', () => {
    const { Statement } = groupWritePolicyDocument(config('prod', 'staging'), 'cluster');

    const allows = Statement.filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => Object.keys(s.Condition.Null!).find((key) => key.includes('/k8s.io/cluster-autoscaler/')))).toEqual([
      'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/prod',
      'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/prod',
      'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/staging',
      'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/staging',
    ]);
    expect(groupGuardPolicyDocument().Statement.filter((s) => s.Effect === 'Deny')).toHaveLength(5);
  });

  it('fails packaging past the managed-policy quota, naming groupWriteScope=tag', () => {
    // Six clusters fit in the managed policy's 6,144 characters; twenty do not.
    expect(() => groupWritePolicyDocument(config(...Array.from({ length: 6 }, (_, index) => `prod-cluster-${index}`)), 'cluster')).not.toThrow();
    const many = Array.from({ length: 20 }, (_, index) => `cluster-with-a-long-name-${index}`);

    expect(() => groupWritePolicyDocument(config(...many), 'cluster', 'big.yml')).toThrow(/big\.yml.*--param="groupWriteScope=tag"/);
  });

  it('keeps the enabled=true condition alone with groupWriteScope=tag', () => {
    const { Statement } = groupWritePolicyDocument(config('prod'), 'tag');

    expect(Statement.filter((s) => s.Effect === 'Allow').map((s) => s.Condition.StringEquals)).toEqual([
      { 'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' },
      { 'autoscaling:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' },
    ]);
  });
});
